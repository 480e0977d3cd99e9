"""Matching one article: who it reaches, decided over the index in SQL; instant rows at once.

The rule, in one place for publication and digests: an index row under one of the article's
fixed keys ("topic:12") matches with that key's reason; a row under one of its words
("term:gaz") matches only if its subscription's whole keyword query does (`Verdicts`).
`find_matches` applies it to every reader at once: one query per group of keys (fixed keys,
then words), ids and frequencies read from the covering index, no model instance.

Publishing (`match_article`) records when the article was matched (MatchedArticle, one row)
and writes a PendingMatch only for instant-alert readers, who need it at once; a digest
decides its contents when it is built (mailing.matching.digests). The unique (subscriber,
article, frequency) makes matching twice write nothing new (#15).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mailing.matching.index import (
    WRITE_BATCH,
    ArticleProfile,
    article_profile,
    chunked,
    term_key,
)
from mailing.models import (
    Frequency,
    MatchedArticle,
    PendingMatch,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.query import parse_query
from newsroom.models import ArticlePage

# A correction republished days later must not alert readers who joined since, nor send
# week-old news as an "alert": only articles first published this recently are matched.
MATCH_WINDOW = timedelta(days=2)

Match = tuple[int, str, list[str]]  # (subscriber id, frequency, reasons)


class Verdicts:
    """Keyword queries checked against one article's text, each distinct query once."""

    def __init__(self, profile: ArticleProfile) -> None:
        self.profile = profile
        self._verdicts: dict[str, bool] = {}
        rank = {reason: position for position, reason in enumerate(profile.reasons.values())}
        self._rank = rank
        self._ordered: dict[tuple[str, ...], list[str]] = {}  # few distinct combinations

    def reason(self, key: str, value: str, label: str) -> str | None:
        """Why an index row under `key` (of a subscription `value`) matches, or None."""
        fixed = self.profile.reasons.get(key)
        if fixed is not None:
            return fixed
        if value not in self._verdicts:
            self._verdicts[value] = parse_query(value).matches(self.profile.text)
        return f"keywords:{label or value}" if self._verdicts[value] else None

    def in_order(self, reasons: list[str]) -> list[str]:
        """Each reason once, in the order of the article's tagging, keywords last."""
        if len(reasons) == 1:
            return reasons
        combination = tuple(reasons)
        if combination not in self._ordered:
            self._ordered[combination] = sorted(
                set(reasons), key=lambda reason: (self._rank.get(reason, len(self._rank)), reason)
            )
        return self._ordered[combination]


def _select(sql: str, keys: Sequence[str], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of `sql` ("… IN ({keys}) …") for the keys, chunk by chunk, on a plain cursor."""
    with connection.cursor() as cursor:
        for chunk in chunked(keys):
            cursor.execute(sql.format(keys=", ".join(["%s"] * len(chunk))), [*chunk, *params])
            while rows := cursor.fetchmany(10 * WRITE_BATCH):
                yield from rows


def excluded_subscribers() -> set[int]:
    """Indexed readers who must not match: suppressed, or no longer active (a stale index).

    Both sets are normally tiny, so two small queries beat joining every index row to its
    subscriber (measured: 2.2 s instead of 0.9 s for 250,000 rows on SQLite).
    """
    suppressed = Subscriber.objects.filter(
        status=Subscriber.Status.ACTIVE, email__in=Suppression.objects.values("email")
    )
    stale = Subscriber.objects.exclude(status=Subscriber.Status.ACTIVE).filter(
        Exists(SubscriptionKey.objects.filter(subscriber=OuterRef("pk")))
    )
    return {*suppressed.values_list("pk", flat=True), *stale.values_list("pk", flat=True)}


def find_matches(
    profile: ArticleProfile,
    frequencies: Sequence[str] | None = None,
    excluded: set[int] | None = None,
) -> list[Match]:
    """(subscriber id, frequency, reasons) of every reader the article matches; reads only.

    `frequencies` narrows it (publication asks for instant alerts only). Readers who are
    not active, or whose address is suppressed, are left out even when the index still
    lists them.
    """
    if excluded is None:
        excluded = excluded_subscribers()
    verdicts = Verdicts(profile)
    keys_table = connection.ops.quote_name(SubscriptionKey._meta.db_table)
    subscriptions = connection.ops.quote_name(Subscription._meta.db_table)
    narrowed, params = "", list(frequencies or ())
    if frequencies:
        narrowed = f" AND k.frequency IN ({', '.join(['%s'] * len(params))})"
    found: dict[tuple[int, str], list[str]] = {}

    fixed = (
        f"SELECT k.key, k.subscriber_id, k.frequency FROM {keys_table} k "  # noqa: S608
        f"WHERE k.key IN ({{keys}}){narrowed}"
    )
    reasons = profile.reasons
    for key, subscriber_id, frequency in _select(fixed, list(reasons), params):
        if subscriber_id not in excluded:
            pair = (subscriber_id, frequency)
            if pair in found:
                found[pair].append(reasons[key])
            else:
                found[pair] = [reasons[key]]

    words = (
        f"SELECT k.key, k.subscription_id, k.subscriber_id, k.frequency, s.value, s.label "  # noqa: S608
        f"FROM {keys_table} k JOIN {subscriptions} s ON s.id = k.subscription_id "
        f"WHERE k.key IN ({{keys}}){narrowed}"
    )
    seen = set()
    terms = sorted(term_key(word) for word in profile.text.words)
    for key, subscription_id, subscriber_id, frequency, value, label in _select(
        words, terms, params
    ):
        if subscription_id in seen or subscriber_id in excluded:
            continue  # a query indexed under several of the article's words is checked once
        seen.add(subscription_id)
        reason = verdicts.reason(key, value, label)
        if reason:
            found.setdefault((subscriber_id, frequency), []).append(reason)

    return [
        (pk, frequency, verdicts.in_order(found[pk, frequency])) for pk, frequency in sorted(found)
    ]


def match_article(article: ArticlePage, now: datetime | None = None) -> int:
    """Record that the live article was matched; write its instant alerts' PendingMatches.

    Digest readers get no row here: their digest takes the article when it is built.
    Returns the number of new instant matches: matching the same article again writes none.
    """
    now = now or timezone.now()
    published = (
        ArticlePage.objects.published()
        .filter(pk=article.pk)
        .values_list("first_published_at", flat=True)
    )
    if not published:
        return 0
    first_published_at = published[0]
    if first_published_at is not None and first_published_at < now - MATCH_WINDOW:
        return 0
    instant = find_matches(article_profile(article), frequencies=[Frequency.INSTANT])
    with transaction.atomic():
        MatchedArticle.objects.update_or_create(article_id=article.pk, defaults={"matched_at": now})
        return write_matches(article.pk, instant, now=now)


def write_matches(article_id: int, matches: Iterable[Match], *, now: datetime) -> int:
    """Insert an article's (subscriber id, frequency, reasons) matches; existing ones stay.

    Returns how many were new.
    """
    return insert_matches(
        (subscriber_id, article_id, frequency, reasons, now)
        for subscriber_id, frequency, reasons in matches
    )


def insert_matches(rows: Iterable[tuple[int, int, str, list[str], datetime]]) -> int:
    """Insert (subscriber, article, frequency, reasons, matched at) rows not there yet.

    What `bulk_create(ignore_conflicts=True)` does, with neither a model instance nor SQL
    compiled per row, since an article can match most of the newsletter's readers:
    matching one to 10,627 readers took 2.7 s with bulk_create, 0.3 s with this (SQLite,
    under cProfile). PostgreSQL gets whole columns as arrays: its executemany paid a round
    trip per row, and a VALUES list of thousands of parameters was slow to bind.
    Returns how many rows were new.
    """
    table = connection.ops.quote_name(PendingMatch._meta.db_table)
    columns = "(subscriber_id, article_id, frequency, reasons, matched_at)"
    encoded: dict[tuple[str, ...], str] = {}  # most rows share a few lists of reasons

    def reasons_json(reasons: list[str]) -> str:
        key = tuple(reasons)
        if key not in encoded:
            encoded[key] = json.dumps(reasons, ensure_ascii=False)
        return encoded[key]

    inserted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} {columns} "  # noqa: S608
                "SELECT subscriber_id, article_id, frequency, reasons::jsonb, matched_at "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], "
                "%s::timestamptz[]) AS m(subscriber_id, article_id, frequency, reasons, "
                "matched_at) "
                "ON CONFLICT DO NOTHING"
            )
            for batch in chunked(rows, 10 * WRITE_BATCH):
                subscribers, articles, frequencies, reasons, moments = zip(*batch, strict=True)
                cursor.execute(
                    sql,
                    [
                        list(subscribers),
                        list(articles),
                        list(frequencies),
                        [reasons_json(item) for item in reasons],
                        list(moments),
                    ],
                )
                inserted += cursor.rowcount
            return inserted
        adapt = connection.ops.adapt_datetimefield_value
        sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"  # noqa: S608
        adapted: dict[datetime, Any] = {}
        for batch in chunked(rows, WRITE_BATCH):
            values = []
            for subscriber_id, article_id, frequency, reasons, moment in batch:
                if moment not in adapted:
                    adapted[moment] = adapt(moment)
                values.append(
                    (subscriber_id, article_id, frequency, reasons_json(reasons), adapted[moment])
                )
            cursor.executemany(sql, values)
            inserted += cursor.rowcount
    return inserted
