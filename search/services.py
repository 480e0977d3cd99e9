"""The readers' search: French full text through Wagtail's search backend, entity-aware.

`search_articles` turns what a reader typed and the filters they chose into ranked article
ids; `load_hits` (`search.hits`, re-exported here) fetches one page of them with their
highlighted snippets. The search page, its RSS feed, the entity feed and `manage.py search`
all call these two.

Ranking. The query's French terms (stemmed, without accents) must all be in an article
(operator "and"); the backend ranks those text matches. When the query names an entity
("Putin", "Vladimir Poutine", "بوتين"; `search.query`), the articles editors tagged with it
are added and boosted. The two lists are fused by rank, not by score (`search.ranking`).
Sorting by date keeps the same set, newest first. On the database backends a query
matching at least SCORED_MATCHES articles keeps the newest of them, ranked by headline,
tags and recency; a narrower one is ordered by the backend's own relevance score, computed
for its matches only (see _text_matches).

Filters live in `search.filters`, the shapes of what comes back in `search.results`.

At most CANDIDATE_LIMIT articles are ranked (each list is cut there): beyond that a reader
narrows the search rather than pages on.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Max
from wagtail.query import PageQuerySet
from wagtail.search.backends import get_search_backend

from enrichment.models import Entity
from newsroom.models import SectionPage, Topic
from search.analysis import french_terms, unique_terms
from search.backends import (
    candidate_rows,
    database_backend,
    newest_candidates,
    newest_postgres_matches,
    newest_sqlite_matches,
    relevance_scores,
)
from search.exceptions import dates_reversed, query_too_long, unknown_sort
from search.filters import accepted_links, narrow, published_articles
from search.hits import load_hits
from search.query import find_entity, name_terms
from search.ranking import by_date, fuse, published_key, published_key_sql
from search.results import Candidate, SearchResults

__all__ = ["load_hits", "search_articles"]

CANDIDATE_LIMIT = 1_000
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
SORTS = ("relevance", "date")
# The database backends score by relevance a query matching fewer articles than this;
# broader ones are ranked from the newest matches (see _text_matches).
SCORED_MATCHES = CANDIDATE_LIMIT


def search_articles(
    query: str,
    *,
    section: SectionPage | None = None,
    country: str | None = None,
    topic: Topic | None = None,
    entity: Entity | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    sort: str = "relevance",
    limit: int = CANDIDATE_LIMIT,
) -> SearchResults:
    """Published articles matching `query` and the filters, best first (or newest first).

    An empty query with filters lists the filtered articles, newest first; with neither,
    nothing. Raises SearchError for a query over MAX_QUERY_LENGTH characters, an unknown
    sort or reversed dates.
    """
    query = " ".join(query.split())
    if len(query) > MAX_QUERY_LENGTH:
        raise query_too_long(MAX_QUERY_LENGTH)
    if sort not in SORTS:
        raise unknown_sort(sort)
    if date_from and date_to and date_from > date_to:
        raise dates_reversed()
    filters: dict[str, Any] = {"country": country, "topic": topic, "entity": entity}
    filtered = any(filters.values()) or section or date_from or date_to
    articles = published_articles(section=section, date_from=date_from, date_to=date_to)
    narrowed = narrow(articles, **filters)
    terms = tuple(unique_terms(french_terms(query)))
    if not query:
        ranked = by_date(narrowed, limit) if filtered else []
        return SearchResults(query, terms, "date", None, tuple(ranked), len(ranked) >= limit)
    match, rest_terms = find_entity(query)
    text = []
    if terms:
        text = _text_matches(
            articles,
            narrowed,
            terms,
            narrowed_by_ids=any(filters.values()),
            filtered=bool(filtered),
            sort=sort,
            limit=limit,
        )
    tagged = []
    if match is not None:
        tagged = _tagged_matches(narrowed, match.entity, rest_terms, sort=sort, limit=limit)
    ranked = fuse(text, tagged, terms, sort=sort)
    capped = len(ranked) > limit or limit in (len(text), len(tagged))
    marked = terms + (name_terms(match.entity) if match else ())
    return SearchResults(
        query, terms, sort, match, tuple(ranked[:limit]), capped, tuple(unique_terms(marked))
    )


# --- Candidates -------------------------------------------------------------------------

_CANDIDATE_FIELDS = ("id", "title", "first_published_at")


def _text_matches(
    articles: PageQuerySet,
    narrowed: PageQuerySet,
    terms: Sequence[str],
    *,
    narrowed_by_ids: bool,
    sort: str,
    limit: int,
    filtered: bool = False,
) -> list[Candidate]:
    """Articles of `narrowed` holding every term, best first (or newest first).

    `articles` is `narrowed` without its filters on ids (`narrowed_by_ids`), for backends
    that cannot apply those: their matches are intersected with `narrowed` afterwards.
    `filtered`: `narrowed` is not all the published articles (SQLite then never reads
    them newest first, as it cannot tell how many it would read).

    On the database backends (#15) the newest matches come first, at most `limit`; when
    that is all of them (fewer than SCORED_MATCHES), they are ordered by the backend's own
    relevance score, computed for those articles only — the same order as Wagtail's
    relevance, without its cost (SQLite re-runs the full-text match per result; PostgreSQL
    ranks every match, thousands for a common word). A broader query keeps the newest
    matches, ranked by headline, tags and recency in `search.ranking.fuse`.
    """
    intersect = narrowed_by_ids and not _filters_in_backend()
    queryset = (articles if intersect else narrowed).only(*_CANDIDATE_FIELDS)
    query = " ".join(terms)
    database = database_backend()
    if sort == "relevance" and database is None:
        candidates = _rows(queryset.search(query, operator="and"), limit)
    elif database == "postgresql":
        candidates = newest_postgres_matches(queryset, query, limit)
    elif database == "sqlite":
        candidates = newest_sqlite_matches(queryset, query, limit, filtered=filtered)
    else:
        newest = queryset.order_by("-first_published_at", "-id")
        candidates = _rows(newest.search(query, operator="and", order_by_relevance=False), limit)
    if sort == "relevance" and database and len(candidates) < min(limit, SCORED_MATCHES):
        ids = [c.article_id for c in candidates]
        scores = relevance_scores(database, query, ids, all_matches=not filtered)
        candidates.sort(key=lambda c: (scores.get(c.article_id, 0.0), c.article_id), reverse=True)
    if intersect:
        found = [candidate.article_id for candidate in candidates]
        allowed = set(narrowed.filter(pk__in=found).values_list("pk", flat=True))
        candidates = [candidate for candidate in candidates if candidate.article_id in allowed]
    return candidates


def _rows(results: Any, limit: int) -> list[Candidate]:
    """Id, headline and date of the first `limit` search results.

    The database backends hand their query over as a QuerySet: reading three columns from
    it spares building up to CANDIDATE_LIMIT page objects (half the time of a broad query).
    """
    results = results[:limit]
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is not None:
        return [Candidate(*row) for row in candidate_rows(get_queryset())]
    return [
        Candidate(page.pk, page.title, published_key(page.first_published_at)) for page in results
    ]


def _tagged_matches(
    narrowed: PageQuerySet, entity: Entity, rest_terms: Sequence[str], *, sort: str, limit: int
) -> list[Candidate]:
    """Articles tagged with `entity` (holding the query's other terms, if any).

    Most salient first (the enrichment score of the link), newest first on a tie or when
    sorting by date.
    """
    if rest_terms:
        tagged = narrowed.filter(pk__in=accepted_links(entity).values("article_id"))
        return _text_matches(
            narrowed,
            tagged,
            rest_terms,
            narrowed_by_ids=True,
            filtered=True,
            sort=sort,
            limit=limit,
        )
    links = accepted_links(entity)
    if sort == "relevance":
        return _most_salient(narrowed, links, limit)
    tagged = narrowed.filter(pk__in=links.values("article_id"))
    return newest_candidates(tagged, limit, nulls_last=True)


def _most_salient(narrowed: PageQuerySet, links: Any, limit: int) -> list[Candidate]:
    """The first `limit` of the articles of `narrowed` that `links` tag: the best score of
    the article's links (the records merged into the entity each have one), then newest
    first, then the highest id.

    The best scores are one grouped read of the links joined to the articles: a sub-query
    per tagged article took 2.5 times as long for an entity tagged on 4,000 articles out of
    10,000 (bench/search.py, #15). The join alone keeps the tagged articles: the articles
    also filtered by the links read them twice (13 against 10 ms). Only the first `limit`
    rows leave the database.
    """
    articles = narrowed.order_by().values_list("id", "title", "first_published_at")
    articles_sql, articles_params = articles.query.sql_with_params()
    best = links.order_by().values("article_id").annotate(best=Max("score"))
    best_sql, best_params = best.query.sql_with_params()
    # The date key (search.ranking.PublishedKey) is computed for the kept rows only, after
    # the cut (#15); it sorts as the date does, and none sorts last either way.
    key = published_key_sql(connection.vendor, "s.first_published_at")
    order = "{0}.best DESC NULLS LAST, {1}.first_published_at DESC NULLS LAST, {1}.id DESC"
    sql = (
        f"SELECT s.id, s.title, {key} FROM ("  # noqa: S608 (Django's own SQL)
        f"SELECT a.id, a.title, a.first_published_at, l.best FROM ({articles_sql}) a "
        f"JOIN ({best_sql}) l ON l.article_id = a.id ORDER BY {order.format('l', 'a')} LIMIT %s"
        f") s ORDER BY {order.format('s', 's')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*articles_params, *best_params, limit])
        return [Candidate(*row) for row in cursor.fetchall()]


def _filters_in_backend() -> bool:
    """Whether the backend applies any ORM filter of the searched queryset.

    The database backends run the queryset as SQL, so filters on ids (country, topic,
    entity) stay in the query. Elasticsearch/OpenSearch translate only FilterFields and drop
    a filter on the page pointer without a word: there the ids are intersected here.
    """
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")
