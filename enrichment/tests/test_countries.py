"""What an article is about: demonyms found in copy, and countries weighed from signals."""

import pytest

from enrichment.countries import (
    CountryScore,
    CountrySignal,
    demonym_signals,
    entity_signal,
    score_countries,
)

# The body of the seed article (mena-news-poutine-loukachenko-2022-12-19), abridged.
SEED_BODY = (
    "Le président russe rencontre aujourd’hui son homologue biélorusse à Minsk. Sur la table, "
    "la guerre en Ukraine. Le président de la Fédération de Russie Vladimir Poutine a rencontré "
    "aujourd’hui son homologue biélorusse Alexandre Loukachenko, à Minsk et non à Moscou. "
    "Cette visite intervient alors que Moscou prépare probablement la prochaine offensive en "
    "Ukraine, d’où les accusations du fonctionnaire (et conseiller) du ministère ukrainien de "
    "l’Intérieur, Anton Gerashchenko, selon lesquelles Poutine était allé convaincre son allié "
    "biélorusse d’intervenir directement contre Kiev, comme le rapporte Matteo Turato du "
    "quotidien italien «Formiche». Le Kremlin a immédiatement rejeté les allégations par "
    "l’intermédiaire de son porte-parole Dmitri Peskov. Peskov a répondu que si la délégation "
    "russe comprend le ministre de la Défense Sergueï Choïgou… Depuis lors, la grande crainte "
    "des Ukrainiens est que la Biélorussie prenne activement part aux opérations militaires."
)


def by_code(scores):
    return {score.code: score for score in scores}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le président russe rencontre son homologue biélorusse", {"RU": 1, "BY": 1}),
        ("la grande crainte des Ukrainiens", {"UA": 1}),
        ("UNE DÉLÉGATION ÉGYPTIENNE et des diplomates égyptiens", {"EG": 2}),
        ("le conflit israélo-palestinien", {"IL": 1, "PS": 1}),
        ("un réfugié sud-soudanais", {"SS": 1}),
        ("l’armée soudanaise", {"SD": 1}),
        ("les Franco-Algériens", {"FR": 1, "DZ": 1}),
        ("la Prusse, les Biélorusses et les Russes", {"BY": 1, "RU": 1}),
        ("Perusse, prussien, russement", {}),
        ("les montagnes russes et la roulette russe", {}),
        ("une exception à la française, un repas à l’italienne", {}),
        ("les Européens, les Kurdes et la Ligue arabe", {}),
        ("un diplomate latino-américain", {}),
        ("", {}),
    ],
)
def test_demonym_signals(text, expected):
    signals = demonym_signals(text)
    assert all(signal.source == "demonym" for signal in signals)
    assert {signal.code: signal.weight for signal in signals} == expected


def test_demonyms_of_the_seed_article_in_order_of_appearance():
    signals = demonym_signals(SEED_BODY)
    assert [signal.code for signal in signals] == ["RU", "BY", "UA", "IT"]
    assert {signal.code: signal.weight for signal in signals} == {
        "RU": 2,
        "BY": 3,
        "UA": 2,
        "IT": 1,
    }


def seed_signals():
    """What the caller passes for the seed article: dateline “(Rome, Paris, …)”, the people of
    the title, the linked entities of the body with their salience, and the demonyms."""
    return [
        CountrySignal("IT", 1.0, "dateline"),  # Rome: the partner's desk
        CountrySignal("FR", 1.0, "dateline"),  # Paris: ours
        CountrySignal("RU", 1.0, "title"),  # Vladimir Poutine
        CountrySignal("BY", 1.0, "title"),  # Loukachenko
        entity_signal("RU", kind="PER", salience=1.0, mentions=4),  # Poutine
        entity_signal("BY", kind="PER", salience=0.9, mentions=3),  # Loukachenko
        entity_signal("RU", kind="PER", salience=0.5, mentions=3),  # Peskov
        entity_signal("RU", kind="PER", salience=0.3, mentions=2),  # Choïgou
        entity_signal("RU", kind="ORG", salience=0.3, mentions=1),  # Kremlin
        entity_signal("UA", kind="PER", salience=0.2, mentions=1),  # Gerashchenko
        entity_signal("IT", kind="ORG", salience=0.1, mentions=1),  # Formiche
        entity_signal("BY", kind="LOC", salience=0.7, mentions=4),  # Minsk
        entity_signal("BY", kind="LOC", salience=0.6, mentions=3),  # Biélorussie
        entity_signal("RU", kind="LOC", salience=0.5, mentions=3),  # Moscou
        entity_signal("RU", kind="LOC", salience=0.4, mentions=2),  # Fédération de Russie
        entity_signal("UA", kind="LOC", salience=0.8, mentions=4),  # Ukraine
        entity_signal("UA", kind="LOC", salience=0.3, mentions=1),  # Kiev
        *demonym_signals(SEED_BODY),
    ]


def test_the_seed_article_is_about_russia_belarus_and_ukraine_not_its_filing_desks():
    scores = score_countries(seed_signals())
    found = by_code(scores)
    assert {code for code, score in found.items() if score.about} == {"RU", "BY", "UA"}
    assert found["IT"].about is False  # "quotidien italien" is not a story about Italy
    assert found["FR"] == CountryScore("FR", 0.0, False)  # Paris: where we filed, nothing more
    assert scores[0].score == 1.0
    assert [score.score for score in scores] == sorted((s.score for s in scores), reverse=True)
    assert [score.code for score in scores][:3] in (["RU", "BY", "UA"], ["BY", "RU", "UA"])


def test_a_tunis_dateline_story_about_tunisia():
    text = "Le président tunisien a limogé le gouvernement. L’opposition tunisienne dénonce."
    signals = [
        CountrySignal("TN", 1.0, "dateline"),  # TUNIS –
        CountrySignal("TN", 1.0, "title"),  # "Tunisie : …"
        entity_signal("TN", kind="PER", salience=0.9, mentions=2),  # Kaïs Saïed
        entity_signal("TN", kind="LOC", salience=0.8, mentions=3),  # Tunisie
        entity_signal("FR", kind="LOC", salience=0.1, mentions=1),  # "comme en France"
        entity_signal("", kind="ORG", salience=0.5, mentions=2),  # FMI: no country
        *demonym_signals(text),
    ]
    found = by_code(score_countries(signals))
    assert found["TN"] == CountryScore("TN", 1.0, True)
    assert found["FR"].about is False
    assert found["FR"].score < 0.1
    assert set(found) == {"TN", "FR"}


def test_a_dateline_country_the_body_corroborates_is_about_even_with_a_low_score():
    # PARIS – a story about Lebanon in which the French president plays a part.
    signals = [
        CountrySignal("FR", 1.0, "dateline"),
        entity_signal("LB", kind="LOC", salience=0.9, mentions=5),
        entity_signal("LB", kind="PER", salience=0.7, mentions=3),
        entity_signal("FR", kind="PER", salience=0.6, mentions=3),  # Emmanuel Macron
    ]
    found = by_code(score_countries(signals))
    assert found["LB"].about and found["FR"].about
    assert found["FR"].score < found["LB"].score
    # The same story with Macron quoted once in passing: Paris is only the filing desk.
    signals[-1] = entity_signal("FR", kind="PER", salience=0.2, mentions=1)
    assert by_code(score_countries(signals))["FR"].about is False


def test_a_passing_mention_is_not_what_the_article_is_about():
    signals = [
        entity_signal("SY", kind="LOC", salience=0.9, mentions=6),
        entity_signal("SY", kind="PER", salience=0.8, mentions=3),
        entity_signal("QA", kind="LOC", salience=0.2, mentions=1),
        CountrySignal("QA", 1.0, "demonym"),
    ]
    found = by_code(score_countries(signals))
    assert found["SY"] == CountryScore("SY", 1.0, True)
    assert found["QA"].about is False
    assert 0 < found["QA"].score < 0.35


def test_the_threshold_is_the_callers_to_choose():
    signals = [
        entity_signal("SY", kind="LOC", salience=1.0, mentions=4),
        entity_signal("TR", kind="LOC", salience=1.0, mentions=1),
    ]
    assert by_code(score_countries(signals))["TR"].about is False  # 0.25
    assert by_code(score_countries(signals, about_threshold=0.2))["TR"].about is True


def test_a_dateline_alone_names_the_scene():
    found = by_code(score_countries([CountrySignal("FR", 1.0, "dateline")]))
    assert found == {"FR": CountryScore("FR", 1.0, True)}


def test_no_signal_no_country():
    assert score_countries([]) == []
    assert score_countries([CountrySignal("", 1.0, "entity")]) == []
    assert score_countries([CountrySignal("EU", 2.0, "entity")]) == []


def test_people_and_organisations_weigh_half_a_place():
    assert entity_signal("RU", kind="PER", salience=0.5, mentions=4).weight == 1.0
    assert entity_signal("RU", kind="ORG", salience=0.5, mentions=4).weight == 1.0
    assert entity_signal("RU", kind="LOC", salience=0.5, mentions=4).weight == 2.0


def test_signals_are_validated():
    with pytest.raises(ValueError):
        CountrySignal("FR", 1.0, "byline")
    with pytest.raises(ValueError):
        CountrySignal("FR", -1.0, "entity")
    with pytest.raises(ValueError):
        CountrySignal("FR", float("nan"), "entity")
