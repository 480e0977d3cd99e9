"""The readers' search: French full text through Wagtail's search backend, entity-aware.

`search_articles` turns what a reader typed and the filters they chose into ranked article
ids; `load_hits` fetches one page of them with their highlighted snippets. The search page,
its RSS feed, the entity feed and `manage.py search` all call these two.

Ranking. The query's French terms (stemmed, without accents) must all be in an article
(operator "and"); the backend ranks those text matches. When the query names an entity
("Putin", "Vladimir Poutine", "بوتين"), the articles editors tagged with it are added and
boosted. Backends score on different scales (SQLite's bm25 is negative, PostgreSQL's
ts_rank is not, OpenSearch has its own), so ranks are fused rather than scores: an article
gets 1/(RANK_OFFSET + rank) from each list it is in (text matches, weighted up when the
headline holds the query terms; tagged articles, weighted ENTITY_WEIGHT). Sorting by date
keeps the same set, newest first. On SQLite, Wagtail's relevance costs a full-text match per
result, so a query matching more than about 250 articles (SQLITE_SCORING_BUDGET) is ranked
from the newest-first order (headline, tags and recency) rather than by the backend's score.

At most CANDIDATE_LIMIT articles are ranked (each list is cut there): beyond that a reader
narrows the search rather than pages on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.search.backends import get_search_backend

from enrichment.gazetteer import normalise_name
from enrichment.merges import kept_record, member_ids
from enrichment.models import ArticleCountry, ArticleEntity, Entity, EntityAlias, Status
from newsroom.models import ArticlePage, SectionPage, Topic
from search.analysis import french_terms, highlight, index_terms, unique_terms
from search.exceptions import dates_reversed, query_too_long, unknown_sort

CANDIDATE_LIMIT = 1_000
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
SORTS = ("relevance", "date")
RANK_OFFSET = 10
ENTITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
# Beyond this rank the headline bonus could not lift an article onto the first pages.
TITLE_RANKS = 200
# An entity name is looked for in runs of up to this many words of the query.
MAX_ENTITY_WORDS = 6
SNIPPET_WORDS = 30
# On SQLite, the backend ranks by relevance only if results × matches stay under this
# (about 30 ms; see _text_matches).
SQLITE_SCORING_BUDGET = 60_000


@dataclass(frozen=True)
class EntityMatch:
    """The entity a query names, and the words that named it."""

    entity: Entity
    words: str


@dataclass(frozen=True)
class RankedArticle:
    article_id: int
    score: float
    published_at: datetime.datetime | None
    tagged: bool  # tagged with the entity the query names


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    sort: str
    entity_match: EntityMatch | None
    ranked: tuple[RankedArticle, ...]
    capped: bool  # more matched than CANDIDATE_LIMIT
    marked_terms: tuple[str, ...] = ()  # to highlight: the terms, the entity's names too

    @property
    def total(self) -> int:
        return len(self.ranked)

    @property
    def only_common_words(self) -> bool:
        """The reader typed something, but only words too common to search for."""
        return bool(self.query) and not self.terms and self.entity_match is None


@dataclass(frozen=True)
class SearchHit:
    article: ArticlePage
    section: SectionPage | None
    score: float
    tagged: bool
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class _Candidate:
    article_id: int
    title: str
    published_at: datetime.datetime | None


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
    filters = {"country": country, "topic": topic, "entity": entity}
    filtered = any(filters.values()) or section or date_from or date_to
    articles = published_articles(section=section, date_from=date_from, date_to=date_to)
    narrowed = narrow(articles, **filters)
    terms = tuple(unique_terms(french_terms(query)))
    if not query:
        ranked = _by_date(narrowed, limit) if filtered else []
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
    ranked = _fuse(text, tagged, terms, sort=sort)
    capped = len(ranked) > limit or limit in (len(text), len(tagged))
    marked = terms + (_name_terms(match.entity) if match else ())
    return SearchResults(
        query, terms, sort, match, tuple(ranked[:limit]), capped, tuple(unique_terms(marked))
    )


# --- Filters ----------------------------------------------------------------------------


def published_articles(*, section=None, date_from=None, date_to=None):
    """Published articles, narrowed by what every backend filters on (tree path, date)."""
    articles = ArticlePage.objects.published()
    if section is not None:
        articles = articles.descendant_of(section)
    if date_from is not None:
        articles = articles.filter(first_published_at__gte=_start_of_day(date_from))
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        articles = articles.filter(first_published_at__lt=_start_of_day(next_day))
    return articles


def narrow(articles, *, country=None, topic=None, entity=None):
    """`articles` about `country`, on `topic`, tagged with `entity` (each when given)."""
    if country:
        accepted = ArticleCountry.objects.filter(country=country, status=Status.ACCEPTED)
        about = ArticlePage.objects.filter(
            Q(countries__contains=country) | Q(pk__in=accepted.values("article_id"))
        )
        articles = articles.filter(pk__in=about.values("pk"))
    if topic is not None:
        on_topic = ArticlePage.topics.through.objects.filter(topic=topic)
        articles = articles.filter(pk__in=on_topic.values("articlepage_id"))
    if entity is not None:
        articles = articles.filter(pk__in=accepted_links(entity).values("article_id"))
    return articles


def accepted_links(entity: Entity):
    """Accepted article links of `entity` and of the records merged into it."""
    members = member_ids([kept_record(entity).pk])
    return ArticleEntity.objects.filter(entity_id__in=list(members), status=Status.ACCEPTED)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filters_in_backend() -> bool:
    """Whether the backend applies any ORM filter of the searched queryset.

    The database backends run the queryset as SQL, so filters on ids (country, topic,
    entity) stay in the query. Elasticsearch/OpenSearch translate only FilterFields and drop
    a filter on the page pointer without a word: there the ids are intersected here.
    """
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")


# --- Entities in the query --------------------------------------------------------------


def find_entity(query: str) -> tuple[EntityMatch | None, list[str]]:
    """The entity the longest run of query words names, and the other words' terms.

    A run matches an alias (compared as `normalise_name` does: no case, accents or leading
    article) or a canonical name. When several records share the name, the one with the most
    accepted articles wins; a merged record gives way to the one it joined.
    """
    words = query.split()
    runs = {}
    for size in range(min(len(words), MAX_ENTITY_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            surface = " ".join(words[start : start + size])
            key = normalise_name(surface)
            if len(key) >= 2 and french_terms(key) and key not in runs:
                runs[key] = (size, start, surface)
    if not runs:
        return None, french_terms(query)
    by_key: dict[str, set[int]] = {}
    for key, entity_id in EntityAlias.objects.filter(normalised__in=list(runs)).values_list(
        "normalised", "entity_id"
    ):
        by_key.setdefault(key, set()).add(entity_id)
    surfaces = {run[2] for run in runs.values()}
    surfaces |= {form for surface in surfaces for form in (surface.title(), surface.lower())}
    for name, entity_id in Entity.objects.filter(name__in=surfaces).values_list("name", "pk"):
        by_key.setdefault(normalise_name(name), set()).add(entity_id)
    found = [key for key in by_key if key in runs]
    if not found:
        return None, french_terms(query)
    key = max(found, key=lambda key: (runs[key][0], -runs[key][1]))
    size, start, surface = runs[key]
    entity = _most_followed(by_key[key])
    rest = " ".join(words[:start] + words[start + size :])
    return EntityMatch(entity=entity, words=surface), french_terms(rest)


def _name_terms(entity: Entity) -> tuple[str, ...]:
    """Terms of the entity's names, so "Putin" marks "Poutine" in a snippet."""
    names = [entity.name, *entity.aliases.values_list("name", flat=True)]
    return tuple(french_terms(" ".join(names)))


def _most_followed(entity_ids: set[int]) -> Entity:
    """Of records sharing a name ("Georgia"), the kept one with the most accepted articles."""
    entities = Entity.objects.filter(pk__in=entity_ids).select_related("merged_into")
    kept = {entity.pk: entity for entity in (kept_record(entity) for entity in entities)}
    if len(kept) == 1:
        return next(iter(kept.values()))
    counts = dict(
        Entity.objects.filter(pk__in=kept)
        .annotate(
            accepted=Count(
                "article_links", filter=Q(article_links__status=Status.ACCEPTED), distinct=True
            )
        )
        .values_list("pk", "accepted")
    )
    return max(kept.values(), key=lambda entity: (counts.get(entity.pk, 0), -entity.pk))


# --- Candidates -------------------------------------------------------------------------

_CANDIDATE_FIELDS = ("id", "title", "first_published_at")


def _text_matches(articles, narrowed, terms, *, narrowed_by_ids, sort, limit) -> list[_Candidate]:
    """Articles of `narrowed` holding every term, best first (or newest first).

    `articles` is `narrowed` without its filters on ids (`narrowed_by_ids`), for backends
    that cannot apply those: their matches are intersected with `narrowed` afterwards.
    Where the backend's relevance costs a full-text match per result (SQLite: each result
    × every article holding the terms, filtered or not), matches are scored only within
    SQLITE_SCORING_BUDGET; more keep the newest-first order, ranked by headline, tags and
    recency in `_fuse`.
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


def _rows(results, limit) -> list[_Candidate]:
    """Id, headline and date of the first `limit` search results.

    The database backends hand their query over as a QuerySet: reading three columns from
    it spares building up to CANDIDATE_LIMIT page objects (half the time of a broad query).
    """
    results = results[:limit]
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is not None:
        rows = get_queryset().values_list(*_CANDIDATE_FIELDS)
        return [_Candidate(*row) for row in rows]
    return [_Candidate(page.pk, page.title, page.first_published_at) for page in results]


def _scoring_is_quadratic() -> bool:
    """Wagtail's SQLite backend scores each result with a correlated sub-query that runs the
    whole full-text match again (django-modelsearch #85): 13 s for 5,000 matches among
    10,000 articles. PostgreSQL and OpenSearch score each match once."""
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database.sqlite")


def _tagged_matches(narrowed, entity, rest_terms, *, sort, limit) -> list[_Candidate]:
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
    salience = {}
    for article_id, score in links.values_list("article_id", "score"):
        salience[article_id] = max(score, salience.get(article_id, score))
    rows = narrowed.filter(pk__in=links.values("article_id")).values_list(*_CANDIDATE_FIELDS)
    candidates = [_Candidate(*row) for row in rows]

    def newest(candidate):
        return (_timestamp(candidate.published_at), candidate.article_id)

    if sort == "relevance":
        candidates.sort(key=lambda c: (salience[c.article_id], *newest(c)), reverse=True)
    else:
        candidates.sort(key=newest, reverse=True)
    return candidates[:limit]


def _timestamp(moment: datetime.datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _by_date(narrowed, limit) -> list[RankedArticle]:
    rows = narrowed.order_by("-first_published_at", "-pk").values_list("pk", "first_published_at")[
        :limit
    ]
    return [RankedArticle(pk, 0.0, published_at, False) for pk, published_at in rows]


def _fuse(text, tagged, terms, *, sort) -> list[RankedArticle]:
    """One list from the text matches and the tagged articles (see the module docstring)."""
    wanted = set(terms)
    scores: dict[int, float] = {}
    dates = {}
    for rank, candidate in enumerate(text):
        in_title = 0.0
        if rank < TITLE_RANKS:
            in_title = len(wanted & set(index_terms(candidate.title))) / len(wanted)
        scores[candidate.article_id] = (1 + TITLE_WEIGHT * in_title) / (RANK_OFFSET + rank)
        dates[candidate.article_id] = candidate.published_at
    for rank, candidate in enumerate(tagged):
        bonus = ENTITY_WEIGHT / (RANK_OFFSET + rank)
        scores[candidate.article_id] = scores.get(candidate.article_id, 0.0) + bonus
        dates[candidate.article_id] = candidate.published_at
    tagged_ids = {candidate.article_id for candidate in tagged}

    def newest(article_id):
        return _timestamp(dates[article_id])

    if sort == "date":
        order = sorted(scores, key=lambda pk: (newest(pk), pk), reverse=True)
    else:
        order = sorted(scores, key=lambda pk: (scores[pk], newest(pk), pk), reverse=True)
    return [RankedArticle(pk, round(scores[pk], 6), dates[pk], pk in tagged_ids) for pk in order]


# --- One page of results ----------------------------------------------------------------


def load_hits(results: SearchResults, ranked) -> list[SearchHit]:
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
