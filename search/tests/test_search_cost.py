"""What a search costs, whatever it finds: a fixed number of queries per page of results,
and the backend's relevance order kept when it is computed for the matches only (#15)."""

import datetime
import itertools

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from modelsearch.utils import get_descendants_content_types_pks

from enrichment.models import ArticleEntity, Entity, Status
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory
from search import backends, services
from search.filters import published_articles
from search.ranking import PublishedKey, published_key
from search.services import database_backend, load_hits, relevance_scores, search_articles
from search.tests.conftest import days_ago, tag

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


def more_articles(newsroom, count, *, word="phosphate"):
    """`count` published articles holding `word`, each tagged with Vladimir Poutine."""
    for _ in range(count):
        number = next(_numbers)
        article = ArticlePageFactory(
            parent=newsroom.site_tree.maghreb,
            title=f"Marché numéro {number}",
            standfirst=f"Le {word} et Poutine, semaine {number}.",
            first_published_at=days_ago(10 + number),
            body__0__paragraph__value=f"<p>Les exportations de {word} progressent.</p>",
        )
        tag(article, newsroom.poutine, with_callbacks=newsroom.callbacks)


def queries_of(client, parameters):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/recherche/", parameters)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def busy_newsroom(newsroom, django_capture_on_commit_callbacks):
    newsroom.callbacks = django_capture_on_commit_callbacks
    return newsroom


@pytest.mark.parametrize("query", ["phosphate", "Poutine phosphate", "Putin"])
def test_a_page_of_results_costs_the_same_queries_with_2_or_20_hits(busy_newsroom, client, query):
    more_articles(busy_newsroom, 2)
    few = queries_of(client, {"q": query})
    more_articles(busy_newsroom, 20, word="phosphate")

    many = queries_of(client, {"q": query, "sort": "relevance"})  # another cache key

    assert many <= few


def test_one_page_of_hits_is_read_in_a_fixed_number_of_queries(
    busy_newsroom, django_assert_max_num_queries
):
    more_articles(busy_newsroom, 25)
    results = search_articles("phosphate")
    assert results.total == 25

    with django_assert_max_num_queries(3):  # the view restrictions, the pages, their sections
        hits = load_hits(results, results.ranked[:20])

    assert len(hits) == 20
    assert "<mark>phosphate</mark>" in hits[0].snippet


def test_matches_are_ordered_as_the_backends_relevance_orders_them(newsroom):
    for repeats, days in ((1, 0), (4, 9), (2, 8)):  # the newest says it least
        ArticlePageFactory(
            parent=newsroom.site_tree.golfe,
            title="Les marchés du Golfe",
            slug=f"marches-du-golfe-{days}",
            standfirst="Une semaine calme.",
            first_published_at=days_ago(days),
            body__0__paragraph__value="<p>" + "Le phosphate recule. " * repeats + "</p>",
        )
    backend_order = [
        page.pk for page in ArticlePage.objects.live().search("phosphat", operator="and")
    ]
    scores = relevance_scores(database_backend(), "phosphat", backend_order)

    ours = sorted(backend_order, key=lambda pk: (scores[pk], pk), reverse=True)

    assert ours == backend_order
    ranked = [item.article_id for item in search_articles("phosphate").ranked]
    assert ranked == backend_order  # the same headline everywhere: relevance alone decides
    assert ranked != [item.article_id for item in search_articles("phosphate", sort="date").ranked]


def test_a_query_matching_too_many_to_score_keeps_the_newest_first(newsroom, monkeypatch):
    for repeats, days in ((1, 0), (4, 9)):
        ArticlePageFactory(
            parent=newsroom.site_tree.golfe,
            title="Les marchés du Golfe",
            slug=f"marches-du-golfe-{days}",
            standfirst="Une semaine calme.",
            first_published_at=days_ago(days),
            body__0__paragraph__value="<p>" + "Le phosphate recule. " * repeats + "</p>",
        )
    scored = [item.article_id for item in search_articles("phosphate").ranked]
    monkeypatch.setattr(services, "SCORED_MATCHES", 2)

    broad = [item.article_id for item in search_articles("phosphate").ranked]

    assert broad == list(reversed(scored))


def test_the_database_backend_is_recognised():
    assert database_backend() == connection.vendor


def _seqscan_setting():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.parametrize("inside_a_transaction", [True, False])
@pytest.mark.django_db(transaction=True)
def test_sequential_scans_are_off_for_the_match_only(busy_newsroom, inside_a_transaction):
    more_articles(busy_newsroom, 2)
    assert _seqscan_setting() == "on"

    if inside_a_transaction:
        with transaction.atomic():
            found = search_articles("phosphate").total
            assert _seqscan_setting() == "on"
    else:
        found = search_articles("phosphate").total

    assert found == 2
    assert _seqscan_setting() == "on"


def test_the_date_key_sorts_as_the_dates_and_reads_as_in_python(newsroom):
    paris = datetime.timezone(datetime.timedelta(hours=2))
    moments = [
        datetime.datetime(2024, 5, 1, 8, 0, 0, tzinfo=datetime.UTC),  # no fraction
        datetime.datetime(2024, 5, 1, 8, 0, 0, 500, tzinfo=datetime.UTC),
        datetime.datetime(2024, 5, 1, 8, 0, 0, 40, tzinfo=datetime.UTC),
        datetime.datetime(2024, 5, 1, 11, 0, 0, tzinfo=paris),  # 09:00 UTC
        datetime.datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    ]
    for number, moment in enumerate(moments):
        ArticlePageFactory(
            parent=newsroom.site_tree.golfe, slug=f"moment-{number}", first_published_at=moment
        )
    rows = ArticlePage.objects.filter(slug__startswith="moment-").annotate(key=PublishedKey())

    keys = {page.first_published_at: page.key for page in rows}

    assert keys == {moment: published_key(moment) for moment in moments}
    assert sorted(keys, key=keys.__getitem__) == sorted(moments)


def test_tagged_articles_rank_by_their_best_link_then_newest_first(newsroom):
    """The grouped read of the links (#15) keeps the order the per-article sub-query gave:
    the best score of an article's links to the entity and the records merged into it,
    then newest first; drafts and private articles stay out, and `limit` cuts."""
    duplicate = Entity.objects.create(
        kind="PER", name="V. Poutine", slug="v-poutine", merged_into=newsroom.poutine
    )
    links = {  # the kremlin article is tagged 0.9 by the fixture
        "oil": [(newsroom.poutine, 0.2), (duplicate, 0.95)],  # best: the merged record's
        "minsk": [(newsroom.poutine, 0.5)],
        "rabat": [(duplicate, 0.5)],  # older than minsk, same score
        "tunis": [(newsroom.poutine, 0.1)],
    }
    for name, scores in links.items():
        for entity, score in scores:
            ArticleEntity.objects.create(
                article=newsroom[name], entity=entity, score=score, status=Status.ACCEPTED
            )
    ArticleEntity.objects.create(  # a rejected link counts for nothing
        article=newsroom["tunis"], entity=duplicate, score=0.99, status=Status.REJECTED
    )
    by_pk = {article.pk: name for name, article in newsroom.articles.items()}

    def tagged(limit):
        found = services._tagged_matches(
            published_articles(), newsroom.poutine, [], sort="relevance", limit=limit
        )
        return [by_pk[candidate.article_id] for candidate in found]

    assert tagged(10) == ["oil", "kremlin", "minsk", "rabat", "tunis"]
    assert tagged(2) == ["oil", "kremlin"]
    (first, *_) = services._tagged_matches(
        published_articles(), newsroom.poutine, [], sort="relevance", limit=1
    )
    assert first.title == newsroom["oil"].title
    assert first.published_key == published_key(newsroom["oil"].first_published_at)


# Each backend's switch between reading a broad match newest first and joining every match.
BROAD_READING = {"postgresql": "_broad_match", "sqlite": "_walk_newest"}


@pytest.mark.skipif(connection.vendor not in BROAD_READING, reason="a SQL reading of matches")
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_a_broad_match_read_newest_first_finds_the_same_articles(busy_newsroom, monkeypatch, sort):
    """Walking the articles newest first (a word most articles hold, #15) or joining every
    match to its article (on SQLite, to the index rows by rowid): the same matches, in the
    same order, and none without the word."""
    more_articles(busy_newsroom, 6)
    more_articles(busy_newsroom, 3, word="uranium")
    monkeypatch.setattr(services, "SCORED_MATCHES", 2)  # the newest matches, as when broad
    switch = BROAD_READING[connection.vendor]
    found = {}
    for broad in (False, True):
        monkeypatch.setattr(backends, switch, lambda *args, broad=broad: broad)
        found[broad] = [item.article_id for item in search_articles("phosphate", sort=sort).ranked]

    assert found[True] == found[False]
    assert len(found[True]) == 6
    holding = ArticlePage.objects.filter(standfirst__contains="phosphate")
    assert set(found[True]) == set(holding.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite reading of matches")
def test_sqlite_reads_newest_first_only_a_match_most_articles_hold(busy_newsroom):
    """The rule: limit × articles / matches articles read against the matches joined."""
    more_articles(busy_newsroom, 6)
    more_articles(busy_newsroom, 2, word="uranium")
    (phosphate, uranium) = (_rowids(word) for word in ("phosphat", "uranium"))
    kinds = get_descendants_content_types_pks(ArticlePage)
    articles = ArticlePage.objects.count()

    assert backends._walk_newest(phosphate, kinds, limit=2)  # 6² > 2 × articles
    assert not backends._walk_newest(uranium, kinds, limit=2)  # 2² < 2 × articles
    assert not backends._walk_newest(phosphate, kinds, limit=articles)


def _rowids(term):
    from modelsearch.backends.database.sqlite.query import SQLiteFTSIndexEntry

    _, compiler = backends._compiled(term)
    return SQLiteFTSIndexEntry.objects.filter(backends._sqlite_match(compiler)).values("pk")


def test_scores_read_from_the_whole_match_are_the_scores_of_the_ids(busy_newsroom):
    """An unfiltered search scores the whole match (SQLite, #15): the same score per
    article as when its ids are picked first, and only the ids asked for."""
    more_articles(busy_newsroom, 5)
    more_articles(busy_newsroom, 2, word="uranium")
    ids = [item.article_id for item in search_articles("phosphate", sort="date").ranked]

    picked = relevance_scores(database_backend(), "phosphat", ids)
    whole = relevance_scores(database_backend(), "phosphat", ids, all_matches=True)
    some = relevance_scores(database_backend(), "phosphat", ids[:2], all_matches=True)

    assert whole == picked
    assert len(whole) == 5
    assert some == {pk: picked[pk] for pk in ids[:2]}
