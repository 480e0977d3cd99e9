"""One ranking from the lists of matches: fused by rank, not by score.

Backends score on different scales (SQLite's bm25 is negative, PostgreSQL's ts_rank is not,
OpenSearch has its own), so an article gets 1/(RANK_OFFSET + rank) from each list it is in:
text matches, weighted up when the headline holds the query terms; tagged articles, weighted
ENTITY_WEIGHT. Sorting by date keeps the same set, newest first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from wagtail.query import PageQuerySet

from search.analysis import index_terms
from search.results import Candidate, RankedArticle

RANK_OFFSET = 10
ENTITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
# Beyond this rank the headline bonus could not lift an article onto the first pages.
TITLE_RANKS = 200


def timestamp(moment: datetime.datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def by_date(narrowed: PageQuerySet, limit: int) -> list[RankedArticle]:
    """The first `limit` of `narrowed`, newest first (a search without words)."""
    rows = narrowed.order_by("-first_published_at", "-pk").values_list("pk", "first_published_at")[
        :limit
    ]
    return [RankedArticle(pk, 0.0, published_at, False) for pk, published_at in rows]


def fuse(
    text: list[Candidate], tagged: list[Candidate], terms: Iterable[str], *, sort: str
) -> list[RankedArticle]:
    """One list from the text matches and the tagged articles (see the module docstring)."""
    wanted = set(terms)
    scores: dict[int, float] = {}
    dates = {}
    for rank, candidate in enumerate(text):
        in_title = 0.0
        if rank < TITLE_RANKS:
            in_title = len(wanted.intersection(index_terms(candidate.title))) / len(wanted)
        scores[candidate.article_id] = (1 + TITLE_WEIGHT * in_title) / (RANK_OFFSET + rank)
        dates[candidate.article_id] = candidate.published_at
    for rank, candidate in enumerate(tagged):
        bonus = ENTITY_WEIGHT / (RANK_OFFSET + rank)
        scores[candidate.article_id] = scores.get(candidate.article_id, 0.0) + bonus
        dates[candidate.article_id] = candidate.published_at
    tagged_ids = {candidate.article_id for candidate in tagged}
    newest = {pk: timestamp(date) for pk, date in dates.items()}  # once each, not per comparison
    if sort == "date":
        keys = {pk: (newest[pk], pk) for pk in scores}
    else:
        keys = {pk: (score, newest[pk], pk) for pk, score in scores.items()}
    order = sorted(keys, key=keys.__getitem__, reverse=True)
    return [RankedArticle(pk, round(scores[pk], 6), dates[pk], pk in tagged_ids) for pk in order]
