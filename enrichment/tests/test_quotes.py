"""Quotes in French copy and their speakers: each attribution rule, its traps, and the seed page.

Every case is invented, with fictional people, except the seed page, which is the reference
example the rules were written for.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment.quotes import MAX_QUOTE_CHARS, Quote, SpeakerMention, find_quotes

PEOPLE = {
    "Karim Benali": ("Karim Benali", "Benali"),
    "Leïla Haddad": ("Leïla Haddad", "Haddad"),
    "Sonia Mansour": ("Sonia Mansour", "Mansour"),
}
SEED = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "seed"
    / "mena-news-poutine-loukachenko-2022-12-19.txt"
)
SEED_PEOPLE = {
    "Vladimir Poutine": ("Vladimir Poutine", "Poutine"),
    "Alexandre Loukachenko": ("Alexandre Loukachenko", "Loukachenko"),
    "Anton Gerashchenko": ("Anton Gerashchenko",),
    "Matteo Turato": ("Matteo Turato",),
    "Dmitri Peskov": ("Dmitri Peskov", "Peskov"),
    "Sergueï Choïgou": ("Sergueï Choïgou", "Choïgou"),
}


def mentions_in(text, people=PEOPLE):
    """Every surface form found with str.find, longest first, none overlapping another."""
    found = []
    forms = sorted(
        ((form, name) for name, surfaces in people.items() for form in surfaces),
        key=lambda pair: -len(pair[0]),
    )
    for form, name in forms:
        start = text.find(form)
        while start != -1:
            end = start + len(form)
            if all(end <= other.start or start >= other.end for other in found):
                found.append(SpeakerMention(start, end, name))
            start = text.find(form, start + 1)
    return sorted(found, key=lambda mention: mention.start)


def quotes_in(text, **options):
    quotes = find_quotes(text, mentions_in(text), **options)
    for quote in quotes:
        assert_offsets(text, quote)
    return quotes


def assert_offsets(text, quote: Quote):
    raw = text[quote.start : quote.end]
    assert " ".join(raw.split()) == quote.text
    assert raw == raw.strip()


def only(quotes):
    assert len(quotes) == 1, quotes
    return quotes[0]


def speakers(quotes):
    return [(quote.speaker, quote.cue) for quote in quotes]


# Quote passages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "« La réforme est prête », a déclaré Karim Benali.",
        "«\u00a0La réforme est prête\u00a0», a déclaré Karim Benali.",
        "«\u202fLa réforme est prête\u202f», a déclaré Karim Benali.",
        "«La réforme est prête», a déclaré Karim Benali.",
        "“La réforme est prête”, a déclaré Karim Benali.",
        '"La réforme est prête", a déclaré Karim Benali.',
    ],
)
def test_every_kind_of_quote_mark_gives_the_same_quote_and_exact_offsets(text):
    quote = only(quotes_in(text))
    assert quote.text == "La réforme est prête"
    assert text[quote.start : quote.end] == "La réforme est prête"
    assert quote.start == text.index("La réforme")
    assert (quote.speaker, quote.cue) == ("Karim Benali", "a déclaré")


def test_whitespace_inside_a_quote_is_collapsed_but_offsets_cover_the_raw_words():
    text = "« La réforme\u00a0 est\n prête », a déclaré Karim Benali."
    # A line break ends a paragraph, so this opening mark is unbalanced and nothing is quoted.
    assert quotes_in(text) == []
    text = "« La réforme\u00a0 est   prête », a déclaré Karim Benali."
    quote = only(quotes_in(text))
    assert quote.text == "La réforme est prête"
    assert text[quote.start : quote.end] == "La réforme\u00a0 est   prête"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "« Il m’a répondu ‹ tout est réglé › hier soir », a déclaré Karim Benali.",
            "Il m’a répondu ‹ tout est réglé › hier soir",
        ),
        (
            "« Il m’a répondu ‘tout est réglé’ hier soir », a déclaré Karim Benali.",
            "Il m’a répondu ‘tout est réglé’ hier soir",
        ),
        (
            "« Le slogan « pain et liberté » reste d’actualité », a déclaré Karim Benali.",
            "Le slogan « pain et liberté » reste d’actualité",
        ),
        (
            "« Il a parlé d’une “trêve durable” hier », a déclaré Karim Benali.",
            "Il a parlé d’une “trêve durable” hier",
        ),
    ],
)
def test_a_nested_quote_belongs_to_the_outer_one(text, words):
    quote = only(quotes_in(text))
    assert quote.text == words
    assert quote.speaker == "Karim Benali"


@pytest.mark.parametrize(
    "text",
    [
        "Le quotidien «Formiche» a publié l’entretien de Karim Benali.",
        "Karim Benali a lu l’article du « Monde » avant la réunion.",
        "Le mot « crise » revient sans cesse dans le discours de Karim Benali.",
        "Karim Benali publie un roman intitulé « Les jardins de Carthage au printemps ».",
        "Leïla Haddad dirige le magazine « La voix des quartiers du sud » depuis 2019.",
        "Karim Benali a participé à l’émission « Le grand débat du dimanche » hier soir.",
    ],
)
def test_quoted_names_and_titles_are_not_quotes(text):
    assert quotes_in(text) == []


def test_min_words_sets_how_short_a_quote_may_be():
    text = "« Non, jamais », a répondu Karim Benali."
    assert quotes_in(text) == []
    quote = only(quotes_in(text, min_words=2))
    assert (quote.text, quote.speaker, quote.cue) == ("Non, jamais", "Karim Benali", "a répondu")


def test_an_unbalanced_mark_is_skipped_without_swallowing_the_next_paragraph():
    text = (
        "« Le texte est prêt, a déclaré Karim Benali.\n"
        "« La suite viendra demain », a ajouté Leïla Haddad."
    )
    quote = only(quotes_in(text))
    assert quote.text == "La suite viendra demain"
    assert quote.speaker == "Leïla Haddad"


def test_an_unbalanced_mark_is_capped_within_a_paragraph():
    text = "« " + "encore un mot " * (MAX_QUOTE_CHARS // 10) + "» et « voici la vraie citation »."
    quote = only(quotes_in(text))
    assert quote.text == "voici la vraie citation"


@pytest.mark.parametrize(
    "text",
    [
        "Le texte » est prêt. « Nous voterons demain », a déclaré Karim Benali.",
        "Le texte ” est prêt. « Nous voterons demain », a déclaré Karim Benali.",
        "« Le texte « est prêt. « Nous voterons demain », a déclaré Karim Benali.",
    ],
)
def test_stray_marks_do_not_hide_a_later_quote(text):
    quote = only(quotes_in(text))
    assert quote.text == "Nous voterons demain"
    assert quote.speaker == "Karim Benali"


def test_an_unmatched_straight_quote_does_not_crash():
    text = 'Il mesure 12" de haut et Karim Benali le sait.'
    assert quotes_in(text) == []


def test_a_quote_with_no_speaker_keeps_an_empty_speaker_and_cue():
    text = "La tension monte. « La situation reste très tendue dans la région. »"
    quote = only(quotes_in(text))
    assert (quote.speaker, quote.cue) == ("", "")


def test_a_name_inside_the_quote_is_not_its_speaker():
    text = "« Karim Benali ne parle pas pour nous », a déclaré Leïla Haddad."
    assert only(quotes_in(text)).speaker == "Leïla Haddad"


def test_mentions_outside_the_text_or_empty_are_ignored():
    text = "« La réforme est prête », a déclaré Karim Benali."
    bad = [SpeakerMention(-3, 2, "X Y"), SpeakerMention(40, 400, "Z W"), SpeakerMention(5, 5, "V")]
    quote = only(find_quotes(text, [*bad, *mentions_in(text)]))
    assert quote.speaker == "Karim Benali"
    assert find_quotes("", []) == []


# Rule a: inverted reporting clause after the quote --------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("« Le vote aura lieu en mai », a poursuivi Karim Benali.", "Karim Benali", "a poursuivi"),
        ("« Le vote aura lieu en mai », assure Leïla Haddad.", "Leïla Haddad", "assure"),
        ("« Le vote aura lieu en mai », selon Leïla Haddad.", "Leïla Haddad", "selon"),
        ("« Le vote aura lieu en mai », martèle Benali.", "Karim Benali", "martèle"),
        ("« Pourquoi attendre encore un an ? » insiste Karim Benali.", "Karim Benali", "insiste"),
        ("« Le vote aura lieu en mai » — a affirmé Karim Benali.", "Karim Benali", "a affirmé"),
        (
            "« Le vote aura lieu en mai », a encore ajouté Karim Benali.",
            "Karim Benali",
            "a encore ajouté",
        ),
        (
            "« Le vote aura lieu en mai », a déclaré la ministre Sonia Mansour.",
            "Sonia Mansour",
            "a déclaré",
        ),
        (
            "« Le vote aura lieu en mai », a déclaré le porte-parole du gouvernement, "
            "Karim Benali, lors d’un point presse.",
            "Karim Benali",
            "a déclaré",
        ),
        ("« Le vote aura lieu en mai », a dit mardi Leïla Haddad.", "Leïla Haddad", "a dit"),
    ],
)
def test_an_inverted_clause_names_the_speaker(text, speaker, cue):
    quote = only(quotes_in(text))
    assert (quote.speaker, quote.cue) == (speaker, cue)


@pytest.mark.parametrize(
    "text",
    [
        "Karim Benali est arrivé. « Le vote aura lieu en mai », a déclaré le ministre.",
        "Karim Benali est arrivé. « Le vote aura lieu en mai », a dit le fils de Karim Benali.",
        "« Le vote aura lieu en mai », a déclaré un élu qui soutient Karim Benali.",
        "Karim Benali est arrivé. « Le vote aura lieu en mai », selon le ministère.",
    ],
)
def test_an_inverted_clause_naming_someone_else_leaves_the_speaker_unknown(text):
    quote = only(quotes_in(text))
    assert (quote.speaker, quote.cue) == ("", "")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        (
            "Karim Benali est arrivé à Sfax. « Nous avons beaucoup à faire », a-t-il déclaré.",
            "a-t-il déclaré",
        ),
        (
            "Karim Benali est arrivé à Sfax lundi. « Nous avons beaucoup à faire », explique-t-il.",
            "explique-t-il",
        ),
        (
            "Karim Benali est arrivé à Sfax lundi.\n« Nous avons beaucoup à faire », dit-il.",
            "dit-il",
        ),
        (
            "Karim Benali est arrivé à Sfax lundi. « Nous avons beaucoup à faire », selon lui.",
            "selon lui",
        ),
    ],
)
def test_an_inverted_pronoun_is_the_person_of_the_previous_sentence(text, cue):
    quote = only(quotes_in(text))
    assert (quote.speaker, quote.cue) == ("Karim Benali", cue)


def test_a_pronoun_prefers_the_subject_of_the_previous_sentence():
    text = "Karim Benali a reçu Leïla Haddad. « Nous avons beaucoup à faire », a-t-il ajouté."
    assert only(quotes_in(text)).speaker == "Karim Benali"


def test_a_pronoun_prefers_the_last_attributed_speaker():
    text = (
        "« Le calendrier est tenu », a déclaré Karim Benali, qui a salué Leïla Haddad. "
        "« Nous avons beaucoup à faire », a-t-il ajouté."
    )
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a déclaré"),
        ("Karim Benali", "a-t-il ajouté"),
    ]


def test_a_pronoun_does_not_reach_back_beyond_the_previous_paragraph():
    text = (
        "Karim Benali est arrivé à Sfax.\n\nLa ville est calme.\n\n"
        "Les commerces ont rouvert.\n\n« Nous avons beaucoup à faire », a-t-il déclaré."
    )
    assert speakers(quotes_in(text)) == [("", "")]


def test_a_pronoun_after_an_unknown_speaker_stays_unknown():
    text = (
        "Karim Benali est arrivé. « Le vote aura lieu en mai », a déclaré le ministre. "
        "« Rien ne sera reporté », a-t-il ajouté."
    )
    assert speakers(quotes_in(text)) == [("", ""), ("", "")]


# Rule b: reporting verb or source before the quote --------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("Karim Benali a déclaré que « la réforme est prête ».", "Karim Benali", "a déclaré"),
        ("Leïla Haddad a affirmé : « Nous ne reculerons pas. »", "Leïla Haddad", "a affirmé"),
        ("Leïla Haddad a lancé : « Nous ne reculerons pas. »", "Leïla Haddad", "a lancé"),
        (
            "La ministre Sonia Mansour estime que « la réforme arrive trop tard ».",
            "Sonia Mansour",
            "estime",
        ),
        (
            "Karim Benali, porte-parole du parti, a averti que « la date est mal choisie ».",
            "Karim Benali",
            "a averti",
        ),
        (
            "Karim Benali a alors reconnu devant les élus que « la date est mal choisie ».",
            "Karim Benali",
            "a alors reconnu",
        ),
        (
            "Karim Benali a estimé que la réforme était « une erreur historique pour le pays ».",
            "Karim Benali",
            "a estimé",
        ),
        (
            "Karim Benali a déclaré à Leïla Haddad que « la réforme est prête ».",
            "Karim Benali",
            "a déclaré",
        ),
        ("Selon Karim Benali, « le calendrier est intenable ».", "Karim Benali", "selon"),
        (
            "Selon la ministre Sonia Mansour, le calendrier reste « tout à fait tenable ».",
            "Sonia Mansour",
            "selon",
        ),
        ("Pour Leïla Haddad, « il faut tout reprendre ».", "Leïla Haddad", "pour"),
        ("D’après Leïla Haddad : « il faut tout reprendre ».", "Leïla Haddad", "d’après"),
    ],
)
def test_a_reporting_verb_or_source_before_the_quote_names_the_speaker(text, speaker, cue):
    quote = only(quotes_in(text))
    assert (quote.speaker, quote.cue) == (speaker, cue)


def test_relative_qui_refers_to_the_person_just_named():
    text = (
        "Le parti a répondu par la voix de son porte-parole Karim Benali, qui a déclaré à Sfax "
        "que « rien n’est encore décidé »."
    )
    assert speakers(quotes_in(text)) == [("Karim Benali", "a déclaré")]


def test_relative_qui_picks_the_closest_person():
    text = "Karim Benali a reçu Leïla Haddad, qui a affirmé que « le dialogue reprendra bientôt »."
    assert speakers(quotes_in(text)) == [("Leïla Haddad", "a affirmé")]


def test_a_pronoun_subject_before_the_verb_is_the_previous_person():
    text = "Leïla Haddad a quitté la réunion. Elle a ajouté que « rien ne serait signé »."
    assert speakers(quotes_in(text)) == [("Leïla Haddad", "a ajouté")]


def test_an_abbreviated_title_does_not_end_the_sentence():
    text = (
        "M. Karim Benali a déclaré : « Nous partirons demain matin. » "
        "Puis il a ajouté : « Sans aucun regret. »"
    )
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a déclaré"),
        ("Karim Benali", "a ajouté"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Karim Benali est arrivé. Le ministre a déclaré que « rien n’est encore décidé ».",
        "Karim Benali a rencontré le ministre, qui a déclaré que « rien n’est encore décidé ».",
        "Selon Karim Benali, la ministre a jugé que « rien n’est encore décidé ».",
        "Pour Karim Benali, le gouvernement dénonce « une campagne de désinformation ».",
        "Pour Karim Benali la journée fut longue et « rien n’est encore décidé ».",
    ],
)
def test_a_reporting_verb_whose_subject_is_not_a_known_person_leaves_the_speaker_unknown(text):
    assert speakers(quotes_in(text)) == [("", "")]


# Rule c: continuation ---------------------------------------------------------------------------


def test_a_participle_clause_continues_the_speaker_of_the_previous_quote():
    text = (
        "« Le dialogue reprendra », a répondu Karim Benali, ajoutant que « personne ne sera "
        "oublié »."
    )
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a répondu"),
        ("Karim Benali", "ajoutant que"),
    ]


def test_a_participle_clause_continues_the_subject_of_the_sentence():
    text = "Leïla Haddad a quitté la salle, expliquant que « la discussion était terminée »."
    assert speakers(quotes_in(text)) == [("Leïla Haddad", "expliquant que")]


def test_a_colon_after_poursuivant_continues_the_speaker():
    text = "« Le dialogue reprendra », a estimé Karim Benali, poursuivant : « Rien n’est perdu. »"
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a estimé"),
        ("Karim Benali", "poursuivant :"),
    ]


def test_an_earlier_quote_in_the_sentence_shares_the_later_attribution():
    text = "« Le texte est prêt » et « il sera voté en mai », a déclaré Karim Benali."
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "suite"),
        ("Karim Benali", "a déclaré"),
    ]


def test_a_later_quote_in_the_sentence_shares_the_earlier_attribution():
    text = "Karim Benali a déclaré que « le texte est prêt » et que « le vote aura lieu en mai »."
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a déclaré"),
        ("Karim Benali", "suite"),
    ]


def test_a_quote_standing_alone_continues_the_previous_sentence_speaker():
    text = (
        "Leïla Haddad a déclaré : « Nous avons fini le travail. » "
        "« Le reste dépend désormais du gouvernement. »"
    )
    assert speakers(quotes_in(text)) == [
        ("Leïla Haddad", "a déclaré"),
        ("Leïla Haddad", "suite"),
    ]


def test_a_quote_standing_alone_in_a_new_paragraph_is_not_continued():
    text = (
        "Leïla Haddad a déclaré : « Nous avons fini le travail. »\n"
        "« Le reste dépend désormais du gouvernement. »"
    )
    assert speakers(quotes_in(text))[1] == ("", "")


def test_continuation_does_not_jump_over_a_quote_by_somebody_unknown():
    text = (
        "« Le texte est prêt », a déclaré Karim Benali, puis « il sera voté », a dit le "
        "ministre, et « personne ne sera oublié »."
    )
    assert speakers(quotes_in(text)) == [("Karim Benali", "a déclaré"), ("", ""), ("", "")]


def test_an_earlier_quote_takes_the_next_attribution_even_when_unknown():
    text = "« Le texte est prêt » et « il sera voté », a déclaré le ministre devant Karim Benali."
    assert speakers(quotes_in(text)) == [("", ""), ("", "")]


def test_a_new_explicit_speaker_is_not_overridden_by_continuation():
    text = (
        "« Le texte est prêt », a déclaré Karim Benali, et « il sera voté en mai », a répondu "
        "Leïla Haddad."
    )
    assert speakers(quotes_in(text)) == [
        ("Karim Benali", "a déclaré"),
        ("Leïla Haddad", "a répondu"),
    ]


# Rule d: the only person of the sentence, as its subject ----------------------------------------


def test_the_only_subject_of_the_sentence_is_the_speaker_by_proximity():
    text = "Karim Benali a qualifié la réforme de « recul sans précédent pour les libertés »."
    assert speakers(quotes_in(text)) == [("Karim Benali", "proximité")]


def test_a_subject_with_a_role_and_a_fronted_complement_counts():
    text = "À Sfax, la ministre Sonia Mansour a parlé d’un « tournant pour toute la région »."
    assert speakers(quotes_in(text)) == [("Sonia Mansour", "proximité")]


@pytest.mark.parametrize(
    "text",
    [
        "Karim Benali et Leïla Haddad ont qualifié la réforme de « recul sans précédent ».",
        "La réforme, un « recul sans précédent pour les libertés », inquiète Karim Benali.",
        "Le ministre a rencontré Karim Benali pour parler d’un « recul sans précédent ».",
        "Karim Benali est arrivé hier. La réforme marque un « recul sans précédent ».",
        "Karim Benali a lu « Une saison à Tunis » pendant les vacances.",
    ],
)
def test_proximity_needs_exactly_one_subject_before_the_quote(text):
    assert speakers(quotes_in(text)) == [("", "")]


# The seed page ----------------------------------------------------------------------------------


def test_the_seed_page_has_three_quotes_by_dmitri_peskov():
    if not SEED.exists():
        pytest.skip(f"seed page not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    quotes = find_quotes(text, mentions_in(text, SEED_PEOPLE))

    assert [quote.speaker for quote in quotes] == ["Dmitri Peskov"] * 3
    openings = (
        "la Biélorussie est le partenaire",
        "Les relations sont larges",
        "naturellement, aussi des aspects militaires",
    )
    for quote, opening in zip(quotes, openings, strict=True):
        assert quote.text.startswith(opening)
        assert_offsets(text, quote)
        assert text[quote.start : quote.start + len(opening)] == opening
    assert [quote.cue for quote in quotes] == ["a déclaré", "a poursuivi", "expliquant que"]
    assert quotes[0].text.endswith("de nos peuples et de notre Union")
    assert quotes[2].text.endswith("turbulente qui nous entoure")


# Robustness -------------------------------------------------------------------------------------

MARKS_AND_WORDS = st.lists(
    st.sampled_from(
        [
            "«",
            "»",
            '"',
            "“",
            "”",
            "‹",
            "›",
            "\u00a0",
            "\u202f",
            " ",
            "\n",
            ".",
            ",",
            ":",
            "?",
            "la réforme",
            "est prête",
            "a déclaré",
            "a-t-il ajouté",
            "selon",
            "qui",
            "que",
            "Karim Benali",
            "Leïla Haddad",
            "Il",
            "expliquant que",
        ]
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(pieces=MARKS_AND_WORDS, noise=st.text(max_size=40), data=st.data())
def test_find_quotes_never_raises_and_offsets_stay_in_bounds(pieces, noise, data):
    text = "".join(pieces) + noise
    spans = data.draw(
        st.lists(
            st.tuples(st.integers(-2, len(text) + 2), st.integers(-2, len(text) + 2)),
            max_size=8,
        )
    )
    mentions = [SpeakerMention(start, end, "Karim Benali") for start, end in spans]
    mentions += mentions_in(text)
    for quote in find_quotes(text, mentions):
        assert 0 <= quote.start < quote.end <= len(text)
        assert_offsets(text, quote)
        assert quote.speaker in {"", "Karim Benali", "Leïla Haddad"}
        assert bool(quote.speaker) == bool(quote.cue)
