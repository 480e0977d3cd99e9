"""The readers' search: French full text through Wagtail's search backend, entity-aware.

`search_articles` turns what a reader typed and the filters they chose into ranked article
ids; `load_hits` fetches one page of them with their highlighted snippets. The search page,
its RSS feed, the entity feed and `manage.py search` all call these two.

Ranking. The query's French terms (stemmed, without accents) must all be in an article
(operator "and"); the backend ranks those text matches. When the query names an entity
("Putin", "Vladimir Poutine", "بوتين"; `search.query`), the articles editors tagged with it
are added and boosted. The two lists are fused by rank, not by score (`search.ranking`).
Sorting by date keeps the same set, newest first. On SQLite, Wagtail's relevance costs a
full-text match per result, so a query matching more than about 250 articles
(SQLITE_SCORING_BUDGET) is ranked from the newest-first order (headline, tags and recency)
rather than by the backend's score.

Filters live in `search.filters`, the shapes of what comes back in `search.results`.

At most CANDIDATE_LIMIT articles are ranked (each list is cut there): beyond that a reader
narrows the search rather than pages on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from wagtail.query import PageQuerySet
from wagtail.search.backends import get_search_backend

from enrichment.models import Entity
from newsroom.models import ArticlePage, SectionPage, Topic
from search.analysis import french_terms, highlight, unique_terms
from search.exceptions import dates_reversed, query_too_long, unknown_sort
from search.filters import accepted_links, narrow, published_articles
from search.query import find_entity, name_terms
from search.ranking import by_date, fuse, timestamp
from search.results import Candidate, RankedArticle, SearchHit, SearchResults

CANDIDATE_LIMIT = 1_000
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
SORTS = ("relevance", "date")
SNIPPET_WORDS = 30
# On SQLite, the backend ranks by relevance only if results × matches stay under this
# (about 30 ms; see _text_matches).
SQLITE_SCORING_BUDGET = 60_000


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
            articles, narrowed, terms, narrowed_by_ids=any(filters.values()), sort=sort, limit=limit
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
) -> list[Candidate]:
    """Articles of `narrowed` holding every term, best first (or newest first).

    `articles` is `narrowed` without its filters on ids (`narrowed_by_ids`), for backends
    that cannot apply those: their matches are intersected with `narrowed` afterwards.
    Where the backend's relevance costs a full-text match per result (SQLite: each result
    × every article holding the terms, filtered or not), matches are scored only within
    SQLITE_SCORING_BUDGET; more keep the newest-first order, ranked by headline, tags and
    recency in `search.ranking.fuse`.
    """
    intersect = narrowed_by_ids and not _filters_in_backend()
    queryset = (articles if intersect else narrowed).only(*_CANDIDATE_FIELDS)
    query = " ".join(terms)
    if sort == "relevance" and not _scoring_is_quadratic():
        candidates = _rows(queryset.search(query, operator="and"), limit)
    else:
        newest = queryset.order_by("-first_published_at", "-id")
        candidates = _rows(newest.search(query, operator="and", order_by_relevance=False), limit)
        if sort == "relevance" and len(candidates) ** 2 <= SQLITE_SCORING_BUDGET:
            everywhere = ArticlePage.objects.search(query, operator="and", order_by_relevance=False)
            if len(candidates) * everywhere.count() <= SQLITE_SCORING_BUDGET:
                candidates = _rows(queryset.search(query, operator="and"), limit)
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
        rows = get_queryset().values_list(*_CANDIDATE_FIELDS)
        return [Candidate(*row) for row in rows]
    return [Candidate(page.pk, page.title, page.first_published_at) for page in results]


def _scoring_is_quadratic() -> bool:
    """Wagtail's SQLite backend scores each result with a correlated sub-query that runs the
    whole full-text match again (django-modelsearch #85): 13 s for 5,000 matches among
    10,000 articles. PostgreSQL and OpenSearch score each match once."""
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database.sqlite")


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
            narrowed, tagged, rest_terms, narrowed_by_ids=True, sort=sort, limit=limit
        )
    links = accepted_links(entity)
    salience: dict[int, float] = {}
    for article_id, score in links.values_list("article_id", "score"):
        salience[article_id] = max(score, salience.get(article_id, score))
    rows = narrowed.filter(pk__in=links.values("article_id")).values_list(*_CANDIDATE_FIELDS)
    candidates = [Candidate(*row) for row in rows]

    def newest(candidate: Candidate) -> tuple[float, int]:
        return (timestamp(candidate.published_at), candidate.article_id)

    if sort == "relevance":
        candidates.sort(key=lambda c: (salience[c.article_id], *newest(c)), reverse=True)
    else:
        candidates.sort(key=newest, reverse=True)
    return candidates[:limit]


def _filters_in_backend() -> bool:
    """Whether the backend applies any ORM filter of the searched queryset.

    The database backends run the queryset as SQL, so filters on ids (country, topic,
    entity) stay in the query. Elasticsearch/OpenSearch translate only FilterFields and drop
    a filter on the page pointer without a word: there the ids are intersected here.
    """
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")


# --- One page of results ----------------------------------------------------------------


def load_hits(results: SearchResults, ranked: Iterable[RankedArticle]) -> list[SearchHit]:
    """The articles of `ranked` (a slice of results.ranked), with highlighted snippets.

    An article unpublished since the search was ranked is left out.
    """
    ranked = list(ranked)
    pages = ArticlePage.objects.published().filter(pk__in=[r.article_id for r in ranked])
    pages = {page.pk: page for page in pages.for_listing()}
    steplen = ArticlePage.steplen
    section_paths = {page.path[:-steplen] for page in pages.values()}
    sections = SectionPage.objects.filter(path__in=section_paths)
    sections = {section.path: section for section in sections}
    terms = results.marked_terms or results.terms
    hits = []
    for item in ranked:
        page = pages.get(item.article_id)
        if page is None:
            continue
        text = "\n".join([page.standfirst, *page.body_paragraphs()])
        hits.append(
            SearchHit(
                article=page,
                section=sections.get(page.path[:-steplen]),
                score=item.score,
                tagged=item.tagged,
                title=highlight(page.title, terms, words=len(page.title)),
                snippet=highlight(text, terms, words=SNIPPET_WORDS),
            )
        )
    return hits
