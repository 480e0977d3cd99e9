"""What ranking reads about articles, and which articles are worth ranking at all.

`load_signals` gathers the ranking signals of many articles in a fixed number of queries.
Candidates are the published articles that share one of an article's main entities or topics,
or its distinctive lemmas (BM25 over `TermCount`, `text_matches`): scoring every article
gives the same top five in the bench (bench/related.py) at a fraction of the cost.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Avg, Case, Count, F, FloatField, Q, Sum, Value, When

from enrichment.merges import kept_ids, member_ids
from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Entity, Status
from newsroom.models import ArticlePage
from related import ranking
from related.models import TermCount, TextProfile
from related.terms import fold, page_terms

# Candidates: the articles sharing most of the article's main entities (weighted in SQL),
# the latest ones on its main topics, and the best by text.
MAIN_ENTITIES = 10
ENTITY_CANDIDATES = 200
MAIN_TOPICS = 2
TOPIC_CANDIDATES = 100
DISTINCTIVE_TERMS = 30
# A suggestion nobody has reviewed yet counts, but less than an editor's decision.
# Keyed by the status as stored (a plain string from values_list).
STATUS_WEIGHT: dict[str, float] = {Status.ACCEPTED: 1.0, Status.SUGGESTED: 0.6}
MIN_LINK_WEIGHT = 0.1
_NOT_A_WORD = re.compile(r"\W+")


@lru_cache(maxsize=20_000)
def _title_key(title: str) -> str:
    return _NOT_A_WORD.sub(" ", fold(title)).strip()


def _codes(value: Any) -> set[str]:
    if not value:
        return set()
    if isinstance(value, str):
        return {code for code in value.split(",") if code}
    return {str(code) for code in value}


def load_signals(article_ids: Iterable[int]) -> dict[int, ranking.ArticleSignals]:
    """Signals of many articles in five queries (pages, entities, topics ×2, countries),
    plus one per step of the longest chain of merges among their entities."""
    article_ids = list(article_ids)
    rows = ArticlePage.objects.filter(pk__in=article_ids).values_list(
        "pk", "path", "depth", "first_published_at", "last_published_at", "title", "countries"
    )
    pages = {row[0]: row for row in rows}
    entities: defaultdict[int, dict[int, float]] = defaultdict(dict)
    links = list(
        ArticleEntity.objects.filter(article_id__in=pages)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "entity_id", "score", "status", "entity__merged_into")
    )
    # A record merged into another, in one step or several, counts as the one that stays;
    # only the merged ones are looked up (issue #15: every record was, in one long query).
    kept = kept_ids({entity_id for _, entity_id, _, _, merged in links if merged is not None})
    for article_id, entity_id, score, status, _ in links:
        key = kept.get(entity_id, entity_id)
        weight = max(score, MIN_LINK_WEIGHT) * STATUS_WEIGHT[status]
        entities[article_id][key] = max(entities[article_id].get(key, 0.0), weight)
    topics: defaultdict[int, dict[int, float]] = defaultdict(dict)
    suggested_topics = (
        ArticleTopic.objects.filter(article_id__in=pages)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "topic_id", "score", "status")
    )
    for article_id, topic_id, score, status in suggested_topics:
        topics[article_id][topic_id] = max(score, MIN_LINK_WEIGHT) * STATUS_WEIGHT[status]
    on_page = ArticlePage.topics.through.objects.filter(articlepage_id__in=pages).values_list(
        "articlepage_id", "topic_id"
    )
    for article_id, topic_id in on_page:
        topics[article_id][topic_id] = 1.0  # set on the page: the editor's choice
    countries = defaultdict(set)
    about = (
        ArticleCountry.objects.filter(article_id__in=pages, about=True)
        .exclude(status=Status.REJECTED)
        .values_list("article_id", "country")
    )
    for article_id, code in about:
        countries[article_id].add(str(code))
    signals = {}
    for pk, path, depth, first, last, title, page_countries in pages.values():
        signals[pk] = ranking.ArticleSignals(
            article_id=pk,
            section=path[: -ArticlePage.steplen] if depth > 1 else "",
            published_at=first or last,
            title_key=_title_key(title),
            entities=entities[pk],
            topics=topics[pk],
            countries=frozenset(countries[pk] | _codes(page_countries)),
        )
    return signals


def entity_candidates(
    signals: ranking.ArticleSignals,
    rarity: dict[int, float],
    counts: EntityCounts | None = None,
) -> list[int]:
    """The articles sharing the most of the main entities, each weighted by its salience
    here and its rarity, summed in the database (`counts`: the batch's records, read once)."""

    def weight(entity_id: int) -> float:
        return signals.entities[entity_id] * rarity.get(entity_id, 1.0)

    main = sorted(signals.entities, key=lambda entity_id: -weight(entity_id))[:MAIN_ENTITIES]
    if not main:
        return []
    members = member_ids(main) if counts is None else counts.members_of(main)
    weighted = Case(
        *[
            When(
                entity_id__in=[pk for pk, kept in members.items() if kept == entity_id],
                then=Value(weight(entity_id)),
            )
            for entity_id in main
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return list(
        ArticleEntity.objects.filter(entity_id__in=list(members))
        .exclude(status=Status.REJECTED)
        .values("article_id")
        .annotate(overlap=Sum(F("score") * weighted))
        .order_by("-overlap", "-article_id")
        .values_list("article_id", flat=True)[:ENTITY_CANDIDATES]
    )


def topic_candidates(signals: ranking.ArticleSignals) -> set[int]:
    main = sorted(signals.topics, key=lambda key: -signals.topics[key])[:MAIN_TOPICS]
    found = set()
    for topic_id in main:
        found.update(
            ArticlePage.objects.filter(
                Q(topics=topic_id)
                | Q(pk__in=ArticleTopic.objects.filter(topic_id=topic_id).values("article_id"))
            )
            .order_by("-first_published_at")
            .values_list("pk", flat=True)[:TOPIC_CANDIDATES]
        )
    return found


@dataclass(frozen=True)
class Corpus:
    """What BM25 reads of every profiled article: their number, mean and each length.

    Read once for a batch of articles ranked together (`related.services.rank_articles`),
    not once per article (issue #15)."""

    documents: int
    average: float
    lengths: dict[int, int]


def load_corpus() -> Corpus:
    stats = TextProfile.objects.aggregate(documents=Count("pk"), average=Avg("words"))
    # Every length in one read (4 ms at 10,000 articles), cheaper than joining each posting.
    return Corpus(
        documents=max(stats["documents"] or 0, 1),
        average=stats["average"] or 1.0,
        lengths=dict(TextProfile.objects.values_list("article_id", "words")),
    )


def text_matches(page: ArticlePage, corpus: Corpus | None = None) -> dict[int, ranking.TextMatch]:
    """BM25 of the article's distinctive lemmas against every profiled article."""
    counts = dict(
        TermCount.objects.filter(article=page).values_list("term", "count")
    ) or page_terms(page)
    if not counts:
        return {}
    corpus = corpus or load_corpus()
    documents = corpus.documents
    frequency = dict(
        TermCount.objects.filter(term__in=list(counts))
        .values("term")
        .annotate(n=Count("pk"))
        .values_list("term", "n")
    )
    distinctive = ranking.distinctive_terms(counts, frequency, documents, DISTINCTIVE_TERMS)
    postings: defaultdict[str, dict[int, int]] = defaultdict(dict)
    rows = TermCount.objects.filter(term__in=list(distinctive)).values_list(
        "term", "article_id", "count"
    )
    for term, article_id, count in rows:
        postings[term][article_id] = count
    return ranking.bm25_similarities(
        {term: counts[term] for term in distinctive},
        sum(counts.values()),
        postings,
        corpus.lengths,
        corpus.average,
        frequency,
        documents,
    )


def load_rarity(entity_ids: Iterable[int], documents: int) -> dict[int, float]:
    """How rare each entity is among the articles (merged records counted with the kept one)."""
    entity_ids = list(entity_ids)
    members = member_ids(entity_ids)
    return EntityCounts(members=members, links=links_of(members)).rarity(entity_ids, documents)


def links_of(records: Iterable[int]) -> dict[int, int]:
    """Each record's links to articles, rejected suggestions left out."""
    rows = (
        ArticleEntity.objects.filter(entity_id__in=list(records))
        .exclude(status=Status.REJECTED)
        .values("entity_id")
        .annotate(n=Count("pk"))
        .values_list("entity_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class EntityCounts:
    """The records leading to a batch's entities and the links of each, read once for the
    articles ranked together (issue #15: `load_rarity` and `entity_candidates` read them
    again for each article)."""

    members: dict[int, int]  # every record leading to one of the batch's → that one
    links: dict[int, int]  # a record → its articles' links not rejected

    def members_of(self, kept: Iterable[int]) -> dict[int, int]:
        """`member_ids(kept)`, from what was read."""
        wanted = set(kept)
        return {pk: root for pk, root in self.members.items() if root in wanted}

    def rarity(self, entity_ids: Iterable[int], documents: int) -> dict[int, float]:
        """`load_rarity(entity_ids, documents)`, from what was read."""
        entity_ids = list(entity_ids)
        frequency: Counter[int] = Counter()
        for pk, root in self.members_of(entity_ids).items():
            if pk in self.links:
                frequency[root] += self.links[pk]
        return ranking.entity_rarity(
            {entity_id: frequency.get(entity_id, 1) for entity_id in entity_ids}, documents
        )


def load_entity_counts(kept: Iterable[int]) -> EntityCounts | None:
    """`EntityCounts` of records that stay (not merged into another), whose trees of merged
    records are then apart, so one read gives each article's own; None when one of them was
    merged (a loop of merges), for the caller to read article by article."""
    kept = set(kept)
    if Entity.objects.filter(pk__in=kept, merged_into__isnull=False).exists():
        return None
    members = member_ids(kept)
    return EntityCounts(members=members, links=links_of(members))
