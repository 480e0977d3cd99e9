"""One ranking from the lists of matches: fused by rank, not by score.

Backends score on different scales (SQLite's bm25 is negative, PostgreSQL's ts_rank is not,
OpenSearch has its own), so an article gets 1/(RANK_OFFSET + rank) from each list it is in:
text matches, weighted up when the headline holds the query terms; tagged articles, weighted
ENTITY_WEIGHT. Sorting by date keeps the same set, newest first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, F, Func
from wagtail.query import PageQuerySet

from search.analysis import index_terms
from search.results import Candidate, RankedArticle

RANK_OFFSET = 10
ENTITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
# Beyond this rank the headline bonus could not lift an article onto the first pages.
TITLE_RANKS = 200


# The date key's SQL per database, from the date column's (see PublishedKey).
_KEY_TEMPLATES = {
    "sqlite": "substr({date} || '.000000', 1, 26)",
    "postgresql": "to_char({date} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}


class PublishedKey(Func):
    """An article's publication date as text that sorts as the date does: UTC,
    "YYYY-MM-DD HH:MM:SS.ffffff", what `published_key` makes of a datetime.

    The ranking only compares dates. Read as datetimes, a thousand candidates cost 3 ms
    of parsing on PostgreSQL (Django's timestamptz loader is Python) and 1.5 ms on SQLite,
    more than fetching them (#15). SQLite already stores this text, without the fraction
    when it is zero.
    """

    output_field = CharField()

    def __init__(self, **extra: Any) -> None:
        super().__init__(F("first_published_at"), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = published_key_sql("sqlite", "%(expressions)s")
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = published_key_sql("postgresql", "%(expressions)s")
        return self.as_sql(compiler, connection, template=template, **extra)


def published_key_sql(vendor: str, date: str) -> str:
    """PublishedKey's SQL on `vendor` for the date column (or expression) `date`."""
    return _KEY_TEMPLATES[vendor].format(date=date)


def published_key(moment: datetime.datetime | None) -> str:
    """What PublishedKey reads in the database, from a datetime; "" (before any) for none."""
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def by_date(narrowed: PageQuerySet, limit: int) -> list[RankedArticle]:
    """The first `limit` of `narrowed`, newest first (a search without words)."""
    rows = narrowed.order_by("-first_published_at", "-pk").annotate(published_key=PublishedKey())
    rows = rows.values_list("pk", "published_key")[:limit]
    return [RankedArticle(pk, 0.0, key or "", False) for pk, key in rows]


def fuse(
    text: list[Candidate], tagged: list[Candidate], terms: Iterable[str], *, sort: str
) -> list[RankedArticle]:
    """One list from the text matches and the tagged articles (see the module docstring)."""
    wanted = set(terms)
    scores: dict[int, float] = {}
    dates = {}
    for rank, (article_id, title, key) in enumerate(text):
        in_title = 0.0
        if rank < TITLE_RANKS:
            in_title = len(wanted.intersection(index_terms(title))) / len(wanted)
        scores[article_id] = (1 + TITLE_WEIGHT * in_title) / (RANK_OFFSET + rank)
        dates[article_id] = key or ""
    for rank, (article_id, _, key) in enumerate(tagged):
        scores[article_id] = scores.get(article_id, 0.0) + ENTITY_WEIGHT / (RANK_OFFSET + rank)
        dates[article_id] = key or ""
    tagged_ids = {candidate.article_id for candidate in tagged}
    # Sorted as (score, date, id) or (date, id) tuples, highest first: the id breaks every tie.
    if sort == "date":
        order = sorted([(dates[pk], pk) for pk in scores], reverse=True)
        ranked = [pk for _, pk in order]
    else:
        ranking = sorted([(score, dates[pk], pk) for pk, score in scores.items()], reverse=True)
        ranked = [pk for _, _, pk in ranking]
    return [RankedArticle(pk, round(scores[pk], 6), dates[pk], pk in tagged_ids) for pk in ranked]
