"""search_articles: French matching, entities, filters, sorting, and what never shows."""

import datetime

import pytest
from wagtail.search.backends import get_search_backend

from enrichment import services as enrichment_services
from enrichment.models import ArticleCountry, ArticleEntity, Entity, EntityAlias, Status
from newsroom.models import ArticlePage
from search import services
from search.exceptions import SearchError
from search.services import load_hits, search_articles
from search.tests.conftest import NOW, tag

pytestmark = pytest.mark.django_db


def found(newsroom, results):
    """The fixture names of the articles in `results`, in order."""
    names = {article.pk: name for name, article in newsroom.articles.items()}
    return [names[item.article_id] for item in results.ranked]


# --- French ---------------------------------------------------------------------------------


def test_a_country_name_finds_its_adjective_and_its_accents_do_not_matter(newsroom):
    results = search_articles("Biélorussie")

    # tunis only says "biélorusse"; the order of equal matches is the backend's.
    assert set(found(newsroom, results)) == {"minsk", "tunis", "rabat"}
    for spelling in ("biélorusse", "bielorussie", "BIÉLORUSSES"):
        assert found(newsroom, search_articles(spelling)) == found(newsroom, results)


def test_egypte_without_accent_finds_egypte_with_one(newsroom):
    assert found(newsroom, search_articles("Egypte")) == ["cairo"]
    assert found(newsroom, search_articles("ÉGYPTE")) == ["cairo"]


def test_every_word_must_be_in_the_article(newsroom):
    assert set(found(newsroom, search_articles("pétrole"))) == {"kremlin", "oil"}
    assert found(newsroom, search_articles("pétrole baril")) == ["oil"]
    assert found(newsroom, search_articles("pétrole Tunis")) == []


def test_a_query_of_common_words_only_finds_nothing_and_says_so(newsroom):
    results = search_articles("de la")

    assert results.ranked == ()
    assert results.only_common_words


def test_snippets_mark_the_matching_words_and_the_section_is_given(newsroom):
    results = search_articles("Egypte")

    (hit,) = load_hits(results, results.ranked)

    assert hit.section.title == "Golfe"
    assert "<mark>Égypte</mark>" in hit.title
    assert "<mark>Égypte</mark>" in hit.snippet


# --- Entities -------------------------------------------------------------------------------


def test_an_alias_finds_the_articles_tagged_with_the_entity(newsroom):
    kremlin = newsroom["kremlin"]
    assert "Putin" not in kremlin.title + kremlin.standfirst

    for query in ("Putin", "Vladimir Putin", "بوتين", "poutine"):
        results = search_articles(query)
        assert found(newsroom, results) == ["kremlin"], query
        assert results.entity_match.entity == newsroom.poutine
        assert results.ranked[0].tagged


def test_the_longest_entity_name_in_the_query_wins(newsroom):
    vladimir = Entity.objects.create(kind="PER", name="Vladimir", slug="vladimir")
    EntityAlias.objects.create(entity=vladimir, name="Vladimir")

    results = search_articles("Vladimir Putin")

    assert results.entity_match.entity == newsroom.poutine
    assert results.entity_match.words == "Vladimir Putin"


def test_the_other_words_of_the_query_still_narrow_the_tagged_articles(newsroom):
    assert found(newsroom, search_articles("Putin pétrole")) == ["kremlin"]
    assert found(newsroom, search_articles("Putin Tunis")) == []


def test_tagged_articles_are_found_even_before_the_index_knows_the_tag(newsroom):
    ArticleEntity.objects.create(
        article=newsroom["oil"], entity=newsroom.poutine, status=Status.ACCEPTED
    )  # no decision, so no re-indexing

    results = search_articles("Putin")

    assert set(found(newsroom, results)) == {"kremlin", "oil"}
    assert all(item.tagged for item in results.ranked)


def test_a_merged_record_leads_to_the_one_that_stays(newsroom):
    duplicate = Entity.objects.create(
        kind="PER", name="V. Poutine", slug="v-poutine", merged_into=newsroom.poutine
    )
    EntityAlias.objects.create(entity=duplicate, name="V. Poutine")

    results = search_articles("V. Poutine")

    assert results.entity_match.entity == newsroom.poutine
    assert found(newsroom, results) == ["kremlin"]
    assert found(newsroom, search_articles("", entity=duplicate)) == ["kremlin"]


def test_accepting_or_rejecting_an_entity_reindexes_the_article(
    newsroom, django_capture_on_commit_callbacks
):
    def indexed_with_putin():
        return list(ArticlePage.objects.live().search("putin", operator="and"))

    assert newsroom["oil"] not in indexed_with_putin()

    row = tag(newsroom["oil"], newsroom.poutine, with_callbacks=django_capture_on_commit_callbacks)
    assert newsroom["oil"] in indexed_with_putin()

    with django_capture_on_commit_callbacks(execute=True):
        enrichment_services.decide(row, Status.REJECTED)
    assert newsroom["oil"] not in indexed_with_putin()

    with django_capture_on_commit_callbacks(execute=True):
        enrichment_services.add_entity_by_hand(newsroom["oil"], newsroom.poutine)
    assert newsroom["oil"] in indexed_with_putin()


def test_a_new_alias_is_indexed_on_the_articles_already_tagged(
    newsroom, django_capture_on_commit_callbacks
):
    def indexed_with(word):
        return list(ArticlePage.objects.live().search(word, operator="and"))

    tag(newsroom["oil"], newsroom.poutine, with_callbacks=django_capture_on_commit_callbacks)
    assert newsroom["oil"] not in indexed_with("vvp")

    with django_capture_on_commit_callbacks(execute=True):
        newsroom.poutine.aliases.add(EntityAlias(name="VVP"))
        newsroom.poutine.save()
    assert newsroom["oil"] in indexed_with("vvp")


# --- Filters --------------------------------------------------------------------------------


def test_filter_by_section(newsroom):
    golfe = newsroom.site_tree.golfe

    assert set(found(newsroom, search_articles("gaz"))) == {"oil", "minsk"}
    assert found(newsroom, search_articles("gaz", section=golfe)) == ["oil"]


def test_filter_by_country_uses_the_page_and_the_accepted_suggestions(newsroom):
    assert found(newsroom, search_articles("Biélorussie", country="BY")) == ["minsk"]

    ArticleCountry.objects.create(article=newsroom["rabat"], country="BY", status="accepted")
    ArticleCountry.objects.create(article=newsroom["tunis"], country="BY", status="suggested")

    assert set(found(newsroom, search_articles("Biélorussie", country="BY"))) == {
        "minsk",
        "rabat",
    }


def test_filter_by_topic(newsroom):
    assert found(newsroom, search_articles("Biélorussie", topic=newsroom.energy)) == ["minsk"]
    assert found(newsroom, search_articles("Biélorussie", topic=newsroom.diplomacy)) == ["tunis"]


def test_filter_by_entity(newsroom):
    assert found(newsroom, search_articles("pétrole", entity=newsroom.poutine)) == ["kremlin"]
    assert found(newsroom, search_articles("", entity=newsroom.poutine)) == ["kremlin"]


def test_filter_by_date_range_counts_whole_days(newsroom):
    four_days_ago = (NOW - datetime.timedelta(days=4)).date()
    two_days_ago = (NOW - datetime.timedelta(days=2)).date()

    results = search_articles("Biélorussie", date_from=four_days_ago, date_to=two_days_ago)
    assert found(newsroom, results) == ["tunis"]
    assert found(newsroom, search_articles("Biélorussie", date_from=two_days_ago)) == ["minsk"]


def test_filters_alone_list_the_articles_newest_first(newsroom):
    results = search_articles("", section=newsroom.site_tree.maghreb)

    assert found(newsroom, results) == ["minsk", "tunis", "rabat"]
    assert search_articles("").ranked == ()


def test_filters_are_intersected_in_python_on_backends_that_cannot_apply_them(
    newsroom, monkeypatch
):
    monkeypatch.setattr(services, "_filters_in_backend", lambda: False)

    assert found(newsroom, search_articles("Biélorussie", country="BY")) == ["minsk"]
    assert found(newsroom, search_articles("Putin pétrole", topic=newsroom.energy)) == []


# --- Sorting --------------------------------------------------------------------------------


def test_sort_by_date_lists_the_same_articles_newest_first(newsroom):
    by_relevance = found(newsroom, search_articles("Biélorussie"))
    by_date = found(newsroom, search_articles("Biélorussie", sort="date"))

    assert by_date == ["minsk", "tunis", "rabat"]
    assert sorted(by_relevance) == sorted(by_date)


def test_relevance_puts_the_headline_first(newsroom):
    # "Égypte" is in the cairo headline; an older article only mentions it in its body.
    from newsroom.tests.factories import ArticlePageFactory

    ArticlePageFactory(
        parent=newsroom.site_tree.golfe,
        title="Les marchés du Golfe",
        standfirst="Une semaine calme.",
        first_published_at=NOW,
        body__0__paragraph__value="<p>On parle peu de l'Égypte cette semaine.</p>",
    )

    assert found_titles(search_articles("Egypte"))[0] == "Le Qatar finance une centrale en Égypte"
    assert found_titles(search_articles("Egypte", sort="date"))[0] == "Les marchés du Golfe"


def test_a_broad_query_is_ranked_by_headline_tags_and_recency(newsroom, monkeypatch):
    monkeypatch.setattr(services, "SCORED_MATCHES", 0)  # every query is "broad"
    from newsroom.tests.factories import ArticlePageFactory

    ArticlePageFactory(
        parent=newsroom.site_tree.golfe,
        title="Les marchés du Golfe",
        standfirst="Une semaine calme, loin de Poutine.",
        first_published_at=NOW,
        body__0__paragraph__value="<p>On parle peu de l'Égypte cette semaine.</p>",
    )

    assert found_titles(search_articles("Egypte")) == [
        "Le Qatar finance une centrale en Égypte",  # older, but the headline says it
        "Les marchés du Golfe",
    ]
    assert found_titles(search_articles("Poutine"))[0] == "Le président russe reçu à Riyad"


def found_titles(results):
    pages = ArticlePage.objects.in_bulk([item.article_id for item in results.ranked])
    return [pages[item.article_id].title for item in results.ranked]


def test_the_number_of_ranked_articles_is_capped(newsroom):
    results = search_articles("Biélorussie", limit=2)

    assert results.total == 2
    assert results.capped


# --- Never shown, and refused ---------------------------------------------------------------


def test_drafts_and_private_articles_never_show(newsroom):
    hidden = {newsroom["draft"].pk, newsroom["private"].pk}
    queries = ["Biélorussie", "Égypte", "Poutine", "Putin", "pétrole", "brouillon", "privée"]

    for query in queries:
        for sort in ("relevance", "date"):
            ids = {item.article_id for item in search_articles(query, sort=sort).ranked}
            assert not ids & hidden, query
    ids = {item.article_id for item in search_articles("", entity=newsroom.poutine).ranked}
    assert not ids & hidden


def test_an_unpublished_article_leaves_the_results(newsroom):
    newsroom["cairo"].unpublish()

    assert found(newsroom, search_articles("Egypte")) == []


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"query": "gaz " * 60}, "query_too_long"),
        ({"query": "gaz", "sort": "popularity"}, "unknown_sort"),
        (
            {
                "query": "gaz",
                "date_from": datetime.date(2024, 5, 2),
                "date_to": datetime.date(2024, 5, 1),
            },
            "dates_reversed",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_code(arguments, code):
    with pytest.raises(SearchError) as error:
        search_articles(**arguments)

    assert error.value.code == code


def test_the_configured_backend_is_wagtails_database_backend():
    assert type(get_search_backend()).__module__.startswith("modelsearch.backends.database")
