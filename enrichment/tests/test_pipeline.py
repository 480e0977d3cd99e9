"""The whole enrichment of one article: entities, quotes, countries, topics, language."""

from pathlib import Path

import pytest

from enrichment.gazetteer import Gazetteer
from enrichment.gazetteer_data import gazetteer_entries
from enrichment.pipeline import Enricher
from ingest.formats import RawDocument
from ingest.formats.plaintext import PlainTextAdapter
from newsroom.article import ExtractedArticle

SEED = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "seed"
    / "mena-news-poutine-loukachenko-2022-12-19.txt"
)


@pytest.fixture(scope="module")
def enricher():
    return Enricher(gazetteer=Gazetteer.from_entries(gazetteer_entries()))


@pytest.fixture(scope="module")
def seed(enricher):
    if not SEED.exists():
        pytest.skip("../shared/seed is not present")
    article = PlainTextAdapter().extract(RawDocument(SEED.read_bytes()))[0]
    return enricher.enrich(article)


def names(article, kind):
    return {entity.name for entity in article.entities if entity.kind == kind}


def test_the_seed_has_its_six_people_under_their_full_names(seed):
    assert names(seed, "PER") == {
        "Vladimir Poutine",
        "Alexandre Loukachenko",
        "Anton Gerashchenko",
        "Matteo Turato",
        "Dmitri Peskov",
        "Sergueï Choïgou",
    }


def test_a_surname_alone_joins_the_full_name(seed):
    peskov = next(entity for entity in seed.entities if entity.name == "Dmitri Peskov")
    assert {mention.text for mention in peskov.mentions} == {"Dmitri Peskov", "Peskov"}
    assert len(peskov.mentions) == 3
    text = seed.analysed_text()
    assert all(text[m.start : m.end] == m.text for m in peskov.mentions)


def test_the_seed_places_are_linked_and_noise_is_dropped(seed):
    places = names(seed, "LOC")
    assert {"Minsk", "Moscou", "Ukraine", "Biélorussie"} <= places
    everything = {entity.name for entity in seed.entities}
    assert "Mena News" not in everything  # the site's own name
    assert "Ukrainiens" not in everything  # a demonym, not a place
    assert not any("ministre de la Défense" in name for name in everything)  # a role


def test_known_names_link_to_canonical_records(seed):
    poutine = next(entity for entity in seed.entities if entity.name == "Vladimir Poutine")
    assert poutine.entity_key and poutine.country == "RU"
    kremlin = [entity for entity in seed.entities if entity.name == "Kremlin"]
    assert kremlin and kremlin[0].kind == "ORG"


def test_the_three_peskov_quotes_have_their_speaker(seed):
    assert [quote.speaker for quote in seed.quotes] == ["Dmitri Peskov"] * 3
    assert seed.quotes[0].text.startswith("la Biélorussie est le partenaire")
    assert seed.quotes[1].text.startswith("Les relations sont larges")
    assert seed.quotes[2].text.startswith("naturellement, aussi des aspects militaires")


def test_the_seed_is_about_russia_belarus_and_ukraine(seed):
    about = {country.code for country in seed.countries if country.about}
    assert about == {"RU", "BY", "UA"}


def test_the_seed_gets_a_conflict_or_politics_topic(seed):
    if not seed.topics:
        pytest.skip("../shared/data/iptc is not present")
    top = {topic.qcode for topic in seed.topics[:3]}
    assert top & {"medtop:16000000", "medtop:11000000"}


def test_an_english_item_links_aliases_from_the_gazetteer(enricher):
    article = ExtractedArticle(
        title="Putin meets Lukashenko in Minsk",
        standfirst="The Kremlin said the talks covered trade and energy.",
        body=("Vladimir Putin travelled to Minsk on Monday for talks with his counterpart.",),
        language="en",
    )
    enriched = enricher.enrich(article)
    assert "Vladimir Poutine" in {entity.name for entity in enriched.entities}
    assert "Minsk" in {entity.name for entity in enriched.entities}


def test_other_languages_are_kept_but_not_enriched(enricher):
    article = ExtractedArticle(
        title="Incontro a Minsk",
        body=("Il presidente ha incontrato il suo omologo.",),
        language="it",
    )
    enriched = enricher.enrich(article)
    assert enriched.entities == ()
    assert any("not enriched" in warning for warning in enriched.warnings)


def test_the_dateline_is_found_in_the_standfirst_when_ingest_left_it(enricher):
    article = ExtractedArticle(
        title="Le port rouvre",
        standfirst="TUNIS – Le port a rouvert ses quais aux cargos ce lundi.",
        body=("Les autorités portuaires attendent un retour à la normale avant la fin du mois.",),
        language="fr",
    )
    enriched = enricher.enrich(article)
    assert enriched.dateline.places == ("Tunis",)
    assert enriched.standfirst.startswith("Le port a rouvert")
    assert "TN" in {country.code for country in enriched.countries if country.about}
