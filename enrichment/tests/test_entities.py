"""Each rule of the entity stage, on small invented texts (fictional people)."""

import pytest

from enrichment.entities import EntityRecogniser, Span, group_mentions, is_noise
from enrichment.gazetteer import Canonical, Gazetteer, normalise_name
from enrichment.gazetteer_data import gazetteer_entries
from enrichment.nlp import get_nlp


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_entries(gazetteer_entries())


@pytest.fixture(scope="module")
def recogniser(gazetteer):
    return EntityRecogniser(get_nlp("fr"), gazetteer)


def spans_of(recogniser, text):
    return recogniser.spans(recogniser.nlp(text))


def test_names_normalise_without_accents_articles_or_punctuation():
    assert normalise_name("l’Égypte") == normalise_name("Egypte") == "egypte"
    assert normalise_name("  Le Caire ") == "caire"


def test_the_site_name_is_never_an_entity():
    span = Span("Mena News", 0, 9, "PER")
    assert is_noise(span, own_names={normalise_name("Mena News")})


def test_demonyms_tagged_as_places_are_dropped_but_countries_stay():
    assert is_noise(Span("Ukrainiens", 0, 10, "LOC"), own_names=set())
    assert not is_noise(Span("Ukraine", 0, 7, "LOC"), own_names=set())


def test_fragments_opening_with_a_contraction_are_dropped():
    assert is_noise(Span("du Sud", 0, 6, "LOC"), own_names=set())
    assert not is_noise(Span("de Gaulle", 0, 9, "PER"), own_names=set())


def test_role_phrases_tagged_as_organisations_are_dropped():
    assert is_noise(Span("ministre de la Défense", 0, 22, "ORG"), own_names=set())
    assert not is_noise(Span("ministère de l'Intérieur", 0, 24, "ORG"), own_names=set())


def test_a_surname_alone_joins_the_one_full_name_it_ends(gazetteer):
    spans = [
        Span("Karim Benali", 0, 12, "PER"),
        Span("Benali", 40, 46, "PER"),
        Span("Leïla Haddad", 60, 72, "PER"),
    ]
    groups = group_mentions(spans, gazetteer)
    benali = next(group for group in groups if group.name == "Karim Benali")
    assert [span.text for span in benali.spans] == ["Karim Benali", "Benali"]
    assert len(groups) == 2


def test_an_ambiguous_surname_stays_alone(gazetteer):
    spans = [
        Span("Karim Benali", 0, 12, "PER"),
        Span("Nadia Benali", 20, 32, "PER"),
        Span("Benali", 40, 46, "PER"),
    ]
    assert len(group_mentions(spans, gazetteer)) == 3


def test_aliases_in_any_script_link_to_one_record(gazetteer):
    keys = {gazetteer.lookup(name, "PER").key for name in ("Poutine", "Putin", "بوتين")}
    assert len(keys) == 1
    assert gazetteer.lookup("Vladimir Poutine", "PER").country == "RU"


def test_the_gazetteer_corrects_the_kind_and_adds_what_the_model_missed(recogniser):
    spans = spans_of(
        recogniser, "Le Kremlin a salué mardi l'accord conclu entre l'OTAN et l'Union européenne."
    )
    kinds = {span.text: span.kind for span in spans}
    assert kinds.get("Kremlin") == "ORG"
    assert kinds.get("OTAN") == "ORG"


def test_offsets_point_at_the_text(recogniser):
    text = "À Tunis, la ministre Sonia Mansour a rencontré des syndicalistes de Sfax."
    for span in spans_of(recogniser, text):
        assert text[span.start : span.end] == span.text


def test_an_unknown_name_has_no_canonical_record(gazetteer):
    groups = group_mentions([Span("Hadrien Vasseur", 0, 15, "PER")], gazetteer)
    assert groups[0].canonical is None


def test_a_lookup_prefers_the_asked_kind_and_refuses_ambiguity():
    gazetteer = Gazetteer()
    gazetteer.add(Canonical("georgie-pays", "Géorgie", "LOC", "GE"), ["Géorgie"])
    gazetteer.add(Canonical("georgie-etat", "Géorgie (État)", "LOC", "US"), ["Géorgie"])
    gazetteer.add(Canonical("jordan", "Jordan", "PER"), ["Jordan"])
    assert gazetteer.lookup("Géorgie", "LOC") is None
    assert gazetteer.lookup("Jordan", "PER").key == "jordan"
