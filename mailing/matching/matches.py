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

    def in_order(self, reasons: Sequence[str]) -> list[str]:
        """Each reason once, in the order of the article's tagging, keywords last.

        The same list for every reader with the same reasons: callers must not change it.
        """
        combination = tuple(reasons)
        ordered = self._ordered.get(combination)
        if ordered is None:
            ordered = self._ordered[combination] = sorted(
                set(reasons), key=lambda reason: (self._rank.get(reason, len(self._rank)), reason)
            )
        return ordered


def _select(sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of `sql` ("… IN ({keys}) …") for the keys, chunk by chunk, on a plain cursor."""
    with connection.cursor() as cursor:
        for chunk in chunked(keys):
            cursor.execute(sql.format(keys=", ".join(["%s"] * len(chunk))), [*chunk, *params])
            while rows := cursor.fetchmany(10 * WRITE_BATCH):
                yield from rows


def excluded_subscribers() -> set[int]:
    """Readers the index may still list who must not match: not active, or suppressed.

    Read on a plain cursor, from the status index and the suppression list (at 1,000,000
    subscriptions on SQLite: 9 ms, where an EXISTS per inactive reader took 23 ms, the
    same through the ORM 25–50 ms, and checking the status of every index row found
    doubled the lookup).
    """
    quote = connection.ops.quote_name
    subscribers = quote(Subscriber._meta.db_table)
    suppressions = quote(Suppression._meta.db_table)
    inactive = [status for status in Subscriber.Status if status != Subscriber.Status.ACTIVE]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {subscribers} WHERE status IN ({', '.join(['%s'] * len(inactive))})",  # noqa: S608
            inactive,
        )
        excluded = {pk for (pk,) in cursor.fetchall()}
        # Addresses first, then their readers by the unique index: joined, PostgreSQL
        # hashed the whole subscriber table (50 ms at 1,000,000 subscriptions).
        cursor.execute(f"SELECT email FROM {suppressions}")  # noqa: S608
        addresses = [email for (email,) in cursor.fetchall()]
    excluded.update(
        pk
        for (pk,) in _select(f"SELECT id FROM {subscribers} WHERE email IN ({{keys}})", addresses)  # noqa: S608
    )
    return excluded


def find_matches(
    profile: ArticleProfile,
    frequencies: Sequence[str] | None = None,
    excluded: set[int] | None = None,
) -> list[Match]:
    """(subscriber id, frequency, reasons) of every reader the article matches; reads only.

    `frequencies` narrows it (publication asks for instant alerts only). Readers who are
    not active, or whose address is suppressed, are left out even when the index still
    lists them.

    Tags: one query per (key, frequency) reads subscriber ids from the covering index, and
    sets do the rest (a reader is found once, the reason tuple shared by every reader found
    only through that key); Python touches a reader one by one only when several keys find
    them. Words: one query per chunk of words, each keyword query checked once.
    """
    if excluded is None:
        excluded = excluded_subscribers()
    verdicts = Verdicts(profile)
    keys_table = connection.ops.quote_name(SubscriptionKey._meta.db_table)
    subscriptions = connection.ops.quote_name(Subscription._meta.db_table)
    wanted = list(frequencies or Frequency.values)
    found: dict[str, dict[int, tuple[str, ...]]] = {frequency: {} for frequency in wanted}
    # Reasons are tuples shared by every reader with the same ones: one per combination.
    combined: dict[tuple[int, str], tuple[str, ...]] = {}

    def adding(reasons: tuple[str, ...], reason: str) -> tuple[str, ...]:
        both = combined.get((id(reasons), reason))
        if both is None:
            both = combined[id(reasons), reason] = (*reasons, reason)
        return both

    ids = f"SELECT subscriber_id FROM {keys_table} WHERE key = %s AND frequency = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for frequency in wanted:
            readers = found[frequency]
            for key, reason in profile.reasons.items():
                cursor.execute(ids, [key, frequency])
                matched = {pk for (pk,) in cursor.fetchall()} - excluded
                again = matched.intersection(readers)
                if again:
                    for pk in again:
                        readers[pk] = adding(readers[pk], reason)
                    matched -= again
                readers.update(dict.fromkeys(matched, (reason,)))

    # The words: index rows first, then the queries of the subscriptions found, by primary
    # key. Joined in one query, PostgreSQL hashed the whole subscription table (#15).
    placeholders = ", ".join(["%s"] * len(wanted))
    words = (
        f"SELECT key, subscription_id, subscriber_id, frequency FROM {keys_table} "  # noqa: S608
        f"WHERE key IN ({{keys}}) AND frequency IN ({placeholders})"
    )
    terms = sorted(term_key(word) for word in profile.text.words)
    candidates = [row for row in _select(words, terms, wanted) if row[2] not in excluded]
    queries = {
        pk: (value, label)
        for pk, value, label in _select(
            f"SELECT id, value, label FROM {subscriptions} WHERE id IN ({{keys}})",  # noqa: S608
            sorted({row[1] for row in candidates}),
        )
    }
    seen = set()
    for key, subscription_id, subscriber_id, frequency in candidates:
        if subscription_id in seen:
            continue  # a query indexed under several of the article's words is checked once
        seen.add(subscription_id)
        keyword_reason = verdicts.reason(key, *queries[subscription_id])
        if keyword_reason:
            readers = found[frequency]
            readers[subscriber_id] = adding(readers.get(subscriber_id, ()), keyword_reason)

    # Readers found through the same keys share one tuple: put it in order once.
    ordered: dict[int, list[str]] = {}
    matches = []
    for frequency, readers in found.items():
        for pk, reasons in readers.items():
            in_order = ordered.get(id(reasons))
            if in_order is None:
                in_order = ordered[id(reasons)] = verdicts.in_order(reasons)
            matches.append((pk, frequency, in_order))
    return matches


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
        # In subscriber order: neighbouring rows of the unique index, fewer pages touched.
        return write_matches(article.pk, sorted(instant), now=now)


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
