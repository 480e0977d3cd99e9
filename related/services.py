"""Computing, storing and reading each article's “À lire sur le même thème”.

`rank_article` gathers the signals of an article and of its candidates in a fixed number of
queries (`related.candidates`) and hands them to `related.ranking`.

`refresh_after_change` is what the background task runs when an article is published,
changed, enriched or unpublished: the article's text profile and list, then the lists of the
articles that list it or should now list it.

What the page shows is read by `related.reading` (re-exported here as `articles_to_read`),
which imports none of this: this module reaches spaCy (`related.terms`), web processes never
import it (issue #15).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from enrichment.models import Entity
from newsroom.models import ArticlePage, Topic
from newsroom.services import purge_reader_pages
from related import ranking
from related.candidates import (
    entity_candidates,
    load_corpus,
    load_entity_counts,
    load_rarity,
    load_signals,
    text_matches,
    topic_candidates,
)
from related.exceptions import ArticleNotFound
from related.models import RelatedArticle
from related.profiles import drop_text_profile, store_text_profile
from related.reading import DISPLAYED, articles_to_read

__all__ = ["DISPLAYED", "KEPT", "articles_to_read"]

KEPT = 8  # stored per article; the page shows DISPLAYED of them
NEIGHBOURS = 20  # articles whose list is refreshed after this one changes
TEXT_CANDIDATES = 150  # the best by text similarity (see related.candidates)


@dataclass(frozen=True)
class RankedArticle:
    """One ranked candidate with its page and the names behind its reasons."""

    article: ArticlePage
    score: float
    reasons: ranking.Reasons
    entity_names: tuple[str, ...]
    topic_names: tuple[str, ...]

    def as_json(self) -> dict:
        return {
            "id": self.article.pk,
            "title": self.article.title,
            "url": self.article.url,
            "score": self.score,
            "reasons": reasons_json(self.reasons, self.entity_names, self.topic_names),
        }


def reasons_json(
    reasons: ranking.Reasons, entity_names: Iterable[str], topic_names: Iterable[str]
) -> dict:
    """Why a candidate is listed, as stored with it (`RelatedArticle.reasons`)."""
    return {
        "entities": list(entity_names),
        "topics": list(topic_names),
        "countries": list(reasons.countries),
        "terms": list(reasons.terms),
        "entity_similarity": reasons.entity_similarity,
        "topic_similarity": reasons.topic_similarity,
        "country_similarity": reasons.country_similarity,
        "text_similarity": reasons.text_similarity,
        "recency": reasons.recency,
    }


# --- Ranking --------------------------------------------------------------------------------


def rank_article(
    page: ArticlePage,
    *,
    limit: int = KEPT,
    weights: ranking.Weights = ranking.DEFAULT_WEIGHTS,
) -> list[ranking.RankedCandidate]:
    """The article's best published candidates, scored, with their reasons."""
    return rank_articles([page], limit=limit, weights=weights)[page.pk]


def rank_articles(
    pages: list[ArticlePage],
    *,
    limit: int = KEPT,
    weights: ranking.Weights = ranking.DEFAULT_WEIGHTS,
    known: dict[int, ranking.ArticleSignals] | None = None,
) -> dict[int, list[ranking.RankedCandidate]]:
    """`rank_article` for each page, reading together what the pages share: their own
    signals, the corpus BM25 reads, and the signals of every candidate of any of them.

    Why (issue #15): a bulk import leaves one neighbour list to rank again per article, and
    loading the candidates' signals was half of each ranking; neighbours share most of
    their candidates. Each page's ranking is the one it gets alone.

    `known`: signals already read by the caller, kept there for its next call (the own
    lists of a batch of refreshes, ranked one after another: `refresh_own_list`). A
    refresh writes none of what they are read from (links, topics, countries, pages).
    """
    own = _signals([page.pk for page in pages], known)
    corpus = load_corpus() if weights.text else None
    documents = ArticlePage.objects.published().count()
    # One page alone reads its own (one query fewer than the batch's check).
    counts = (
        load_entity_counts(pk for signals in own.values() for pk in signals.entities)
        if weights.entities and len(pages) > 1
        else None
    )
    wanted = {}
    for page in pages:
        signals = own.get(page.pk) or ranking.ArticleSignals(article_id=page.pk)
        matches = text_matches(page, corpus) if weights.text else {}
        best_text = sorted(matches, key=lambda pk: -matches[pk].similarity)[:TEXT_CANDIDATES]
        rarity: dict[int, float] = {}
        if weights.entities:
            rarity = (
                load_rarity(list(signals.entities), documents)
                if counts is None
                else counts.rarity(signals.entities, documents)
            )
        pool = set(best_text)
        if weights.entities:
            pool.update(entity_candidates(signals, rarity, counts))
        if weights.topics:
            pool |= topic_candidates(signals)
        pool.discard(page.pk)
        wanted[page.pk] = (signals, matches, rarity, pool)
    every = set().union(*(pool for _, _, _, pool in wanted.values()))
    published = ArticlePage.objects.published().filter(pk__in=every)
    candidates = _signals(published.values_list("pk", flat=True), known)
    return {
        pk: ranking.rank(
            signals,
            [candidates[candidate] for candidate in sorted(pool) if candidate in candidates],
            matches,
            rarity,
            weights=weights,
            limit=limit,
        )
        for pk, (signals, matches, rarity, pool) in wanted.items()
    }


def _reason_names(
    ranked: list[ranking.RankedCandidate],
) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the entities and topics behind the candidates' reasons."""
    entity_ids = {pk for candidate in ranked for pk in candidate.reasons.entities}
    topic_ids = {pk for candidate in ranked for pk in candidate.reasons.topics}
    entity_names = (
        dict(Entity.objects.filter(pk__in=entity_ids).values_list("pk", "name"))
        if entity_ids
        else {}
    )
    topic_names = (
        dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name")) if topic_ids else {}
    )
    return entity_names, topic_names


def _signals(
    article_ids: Iterable[int], known: dict[int, ranking.ArticleSignals] | None
) -> dict[int, ranking.ArticleSignals]:
    """`load_signals`, reading only those `known` lacks (and keeping them there)."""
    if known is None:
        return load_signals(article_ids)
    article_ids = list(article_ids)
    known.update(load_signals([pk for pk in article_ids if pk not in known]))
    return {pk: known[pk] for pk in article_ids if pk in known}


def explain(page: ArticlePage, ranked: list[ranking.RankedCandidate]) -> list[RankedArticle]:
    """Attach pages and entity/topic names to ranked candidates (for the command, the admin)."""
    pages = ArticlePage.objects.in_bulk([candidate.article_id for candidate in ranked])
    entity_names, topic_names = _reason_names(ranked)
    return [
        RankedArticle(
            article=pages[candidate.article_id],
            score=candidate.score,
            reasons=candidate.reasons,
            entity_names=tuple(entity_names.get(pk, "?") for pk in candidate.reasons.entities),
            topic_names=tuple(topic_names.get(pk, "?") for pk in candidate.reasons.topics),
        )
        for candidate in ranked
        if candidate.article_id in pages
    ]


@transaction.atomic
def store_related(page: ArticlePage, ranked: list[ranking.RankedCandidate]) -> None:
    """Replace the article's stored list with the first `KEPT` of `ranked`, with the names
    behind its reasons (the editor's Related tab shows them); the article's cached page is
    purged, since it shows the list.

    The rows are what `explain` gives, read without the candidates' pages (issue #15:
    loading each page and its URL was a fifth of a neighbour list's refresh): their ids
    are checked, their titles and URLs are not stored."""
    ranked = ranked[:KEPT]
    ids = [candidate.article_id for candidate in ranked]
    existing = set(ArticlePage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    entity_names, topic_names = _reason_names(ranked)
    RelatedArticle.objects.filter(article=page).delete()
    RelatedArticle.objects.bulk_create(
        [
            RelatedArticle(
                article=page,
                candidate_id=candidate.article_id,
                rank=position,
                score=candidate.score,
                reasons=reasons_json(
                    candidate.reasons,
                    (entity_names.get(pk, "?") for pk in candidate.reasons.entities),
                    (topic_names.get(pk, "?") for pk in candidate.reasons.topics),
                ),
            )
            for position, candidate in enumerate(
                (candidate for candidate in ranked if candidate.article_id in existing), start=1
            )
        ]
    )
    purge_reader_pages([f"related:{page.pk}"])


def refresh_related(
    page: ArticlePage,
    *,
    limit: int = KEPT,
    known: dict[int, ranking.ArticleSignals] | None = None,
) -> list[ranking.RankedCandidate]:
    """Rank the article again and store its list; returns the first `limit` candidates
    (`known`: see `rank_articles`)."""
    ranked = rank_articles([page], limit=max(limit, KEPT), known=known)[page.pk]
    store_related(page, ranked)
    return ranked[:limit]


def refresh_own_list(
    page: ArticlePage, *, known: dict[int, ranking.ArticleSignals] | None = None
) -> set[int]:
    """After a publication, change, enrichment or unpublication: this article's profile and
    list (or, unpublished, their removal). Returns the ids of the other lists that may now
    change: those that name it and, published, those of its nearest articles.
    `known`: see `rank_articles`."""
    listers = set(
        RelatedArticle.objects.filter(candidate=page).values_list("article_id", flat=True)
    )
    if page.live:
        store_text_profile(page)
        ranked = refresh_related(page, limit=NEIGHBOURS, known=known)
        neighbours = listers | {candidate.article_id for candidate in ranked}
    else:
        drop_text_profile(page)
        RelatedArticle.objects.filter(article=page).delete()
        RelatedArticle.objects.filter(candidate=page).delete()
        neighbours = listers
    return neighbours - {page.pk}


def refresh_after_change(page: ArticlePage) -> int:
    """This article's list (`refresh_own_list`), then the other lists it changes, at once.
    Returns how many lists were refreshed."""
    neighbours = refresh_own_list(page)
    refreshed = 1 if page.live else 0
    for neighbour in ArticlePage.objects.published().filter(pk__in=neighbours):
        refresh_related(neighbour)
        refreshed += 1
    return refreshed


def find_article(reference: str) -> ArticlePage:
    """An article by id, slug or URL path ("/maghreb/mon-article/")."""
    reference = reference.strip()
    articles = ArticlePage.objects.all()
    found = None
    if reference.isdigit():
        found = articles.filter(pk=int(reference)).first()
    elif "/" in reference:
        # A full URL or a path: Wagtail's url_path starts with the site root's own slug.
        path = "/" + reference.split("://", 1)[-1].split("/", 1)[-1].strip("/") + "/"
        found = articles.filter(url_path__endswith=path).order_by("depth").first()
    else:
        found = articles.filter(slug=reference).first()
    if found is None:
        raise ArticleNotFound(reference)
    return found
