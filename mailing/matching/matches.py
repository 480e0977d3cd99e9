"""Matching one article: who it reaches, decided in the database; instant rows at once.

The rule, in one place for publication and digests: an index row under one of the article's
fixed keys ("topic:12") matches with that key's reason; a row under one of its words
("term:gaz") matches only if its subscription's whole keyword query does (`Verdicts`).
`decision` applies it to every reader as one SELECT over the covering index (key,
frequency, subscriber, subscription): sets of ids combined in SQL, each reader's reasons
in order, inactive and suppressed readers left out. Python only checks the distinct
keyword queries filed under the article's words.

Publishing (`match_article`) records when the article was matched (MatchedArticle, one row)
and inserts what the decision selects for instant-alert readers, in the same statement, so
no reader id travels to Python and back; a digest decides its contents when it is built
(mailing.matching.digests). The unique (subscriber, article, frequency) makes matching
twice write nothing new (#15).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence
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


# A query parsed once per process, not once per article: a Query is immutable, and the
# same few thousand queries come back with every article matched.
_parsed = functools.lru_cache(maxsize=20_000)(parse_query)

# A keyword query's reason: "keywords:" and its label, or the query itself if it has none.
KEYWORDS = "keywords:"


class Verdicts:
    """The matching rule for one article: each reason, its place, each keyword query once.

    Publication applies it in SQL (`decision`) and digests in Python
    (mailing.matching.digests); both take the reasons and their order from here.
    """

    def __init__(self, profile: ArticleProfile) -> None:
        self.profile = profile
        self._verdicts: dict[str, bool] = {}
        rank = {reason: position for position, reason in enumerate(profile.reasons.values())}
        self._rank = rank
        self._ordered: dict[tuple[str, ...], list[str]] = {}  # few distinct combinations

    def matches(self, query: str) -> bool:
        """Whether the keyword query matches the article's text (checked once per query)."""
        if query not in self._verdicts:
            self._verdicts[query] = _parsed(query).matches(self.profile.text)
        return self._verdicts[query]

    def matching(self, queries: Iterable[str]) -> list[str]:
        """The keyword queries among `queries` the article matches."""
        return [query for query in queries if self.matches(query)]

    def reason(self, key: str, value: str, label: str) -> str | None:
        """Why an index row under `key` (of a subscription `value`) matches, or None."""
        fixed = self.profile.reasons.get(key)
        if fixed is not None:
            return fixed
        return f"{KEYWORDS}{label or value}" if self.matches(value) else None

    def position(self, reason: str) -> int:
        """Where a reason goes: the article's tagging in order, then keywords (by text)."""
        return self._rank.get(reason, len(self._rank))

    def in_order(self, reasons: Sequence[str]) -> list[str]:
        """Each reason once, by position, then by text (code points, as SQL's "C" order).

        The same list for every reader with the same reasons: callers must not change it.
        """
        combination = tuple(reasons)
        ordered = self._ordered.get(combination)
        if ordered is None:
            ordered = self._ordered[combination] = sorted(
                set(reasons), key=lambda reason: (self.position(reason), reason)
            )
        return ordered


def _one_of(column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL for `column` being one of `values`, as one parameter however many there are.

    PostgreSQL takes an array (hashed once it is long); SQLite a JSON array read by
    json_each, which it turns into a temporary index once. A list of placeholders would
    be cut to SQLite's parameter limit, and each chunk would be a separate statement.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::text[])", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608


def _fence() -> str:
    """What keeps PostgreSQL from pulling a sub-select up into the query around it.

    Pulled up, a sub-select in the select list that is also tested runs twice a row, and a
    test pushed down into each branch of a UNION runs once per branch. SQLite does
    neither here, and has no OFFSET without LIMIT.
    """
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _excluded(column: str) -> tuple[str, list[Any]]:
    """SQL for the reader in `column` being one who may receive mail: active, not suppressed.

    The index may still list a reader whose status changed without a rebuild. Both lists
    are read once per statement (a temporary index on SQLite, a hashed sub-plan on
    PostgreSQL), not once per reader found. The suppressed readers are found address by
    address through the unique email index: joined, PostgreSQL hashed the whole
    subscriber table (50 ms at 1,000,000 subscriptions). An address no reader has counts
    as reader 0, which is no one: a NULL would make NOT IN exclude everyone.
    """
    quote = connection.ops.quote_name
    subscribers = quote(Subscriber._meta.db_table)
    suppressions = quote(Suppression._meta.db_table)
    inactive = [status for status in Subscriber.Status if status != Subscriber.Status.ACTIVE]
    sql = (
        f"{column} NOT IN (SELECT id FROM {subscribers} "  # noqa: S608
        f"WHERE status IN ({', '.join(['%s'] * len(inactive))})) "
        f"AND {column} NOT IN (SELECT COALESCE((SELECT r.id FROM {subscribers} r "
        f"WHERE r.email = p.email), 0) FROM {suppressions} p)"
    )
    return sql, [str(status) for status in inactive]


def _keyword_queries(terms: Sequence[str], frequencies: Sequence[str]) -> list[str]:
    """The distinct keyword queries filed under one of the article's words.

    The subscription is read by primary key, index row by index row: joined, PostgreSQL
    hashed the whole subscription table (#15).
    """
    quote = connection.ops.quote_name
    keys_table = quote(SubscriptionKey._meta.db_table)
    subscriptions = quote(Subscription._meta.db_table)
    among, params = _one_of("k.key", terms)
    sql = (
        f"SELECT DISTINCT (SELECT s.value FROM {subscriptions} s "  # noqa: S608
        f"WHERE s.id = k.subscription_id) FROM {keys_table} k "
        f"WHERE {among} AND k.frequency IN ({', '.join(['%s'] * len(frequencies))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *frequencies])
        return [value for (value,) in cursor.fetchall()]


def decision(
    profile: ArticleProfile, frequencies: Sequence[str] | None = None
) -> tuple[str, list[Any]]:
    """The SQL deciding who the article reaches: (subscriber_id, frequency, reasons) rows.

    One row per reader and frequency, `reasons` a JSON list in `Verdicts`' order. It reads
    subscriber ids per key from the covering index (key, frequency, subscriber,
    subscription), so nothing reaches Python but the distinct keyword queries to check
    (`Verdicts`, each once): publishing inserts what this selects without reading it
    (`match_article`), and `find_matches` reads it. Readers who are not active, or whose
    address is suppressed, are left out even when the index still lists them.
    """
    quote = connection.ops.quote_name
    keys_table = quote(SubscriptionKey._meta.db_table)
    subscriptions = quote(Subscription._meta.db_table)
    verdicts = Verdicts(profile)
    wanted = list(frequencies or Frequency.values)
    in_wanted = f"frequency IN ({', '.join(['%s'] * len(wanted))})"
    branches: list[str] = []
    params: list[Any] = []
    # A fixed key ("topic:12"): its readers with its reason, straight from the index.
    for key, reason in profile.reasons.items():
        branches.append(
            "SELECT subscriber_id, frequency, CAST(%s AS TEXT) AS reason, "  # noqa: S608
            f"%s AS position FROM {keys_table} WHERE key = %s AND {in_wanted}"
        )
        params += [reason, verdicts.position(reason), key, *wanted]
    # The words: rows of the keyword queries the article matches, each query checked once.
    terms = sorted(term_key(word) for word in profile.text.words)
    matching = verdicts.matching(_keyword_queries(terms, wanted)) if terms else []
    if matching:
        among_terms, terms_params = _one_of("k.key", terms)
        among_queries, queries_params = _one_of("s.value", matching)
        branches.append(
            "SELECT subscriber_id, frequency, reason, %s AS position FROM ("  # noqa: S608
            "SELECT k.subscriber_id, k.frequency, (SELECT "
            f"%s || COALESCE(NULLIF(s.label, ''), s.value) FROM {subscriptions} s "
            f"WHERE s.id = k.subscription_id AND {among_queries}) AS reason "
            f"FROM {keys_table} k WHERE {among_terms} AND k.{in_wanted}{_fence()}"
            ") AS words WHERE reason IS NOT NULL"
        )
        params += [
            verdicts.position(KEYWORDS),
            KEYWORDS,
            *queries_params,
            *terms_params,
            *wanted,
        ]
    if not branches:
        branches.append(  # an empty profile reaches no one
            "SELECT subscriber_id, frequency, key AS reason, 0 AS position "  # noqa: S608
            f"FROM {keys_table} WHERE 1 = 0"
        )
    # Each reader's reasons once (a query filed under several of the article's words, two
    # keys giving the same reason), in subscriber order.
    distinct = (
        "SELECT subscriber_id, frequency, position, reason "  # noqa: S608
        f"FROM ({' UNION ALL '.join(branches)}) AS found "
        "GROUP BY subscriber_id, frequency, position, reason"
    )
    allowed, allowed_params = _excluded("subscriber_id")
    if connection.vendor == "postgresql":
        # The fence keeps the readers' check above the branches: pushed into each, its
        # hashed list was built once per branch and parallel worker (20 ms → 120 ms).
        # Reasons compared byte by byte, as Python sorts them, whatever the collation.
        sql = (
            "SELECT subscriber_id, frequency, "  # noqa: S608
            'jsonb_agg(reason ORDER BY position, reason COLLATE "C") AS reasons '
            f"FROM ({distinct}{_fence()}) AS distinct_found WHERE {allowed} "
            "GROUP BY subscriber_id, frequency"
        )
    elif sqlite3.sqlite_version_info >= (3, 44):
        sql = (
            "SELECT subscriber_id, frequency, "  # noqa: S608
            "json_group_array(reason ORDER BY position, reason) AS reasons "
            f"FROM ({distinct}) AS distinct_found WHERE {allowed} "
            "GROUP BY subscriber_id, frequency"
        )
    else:
        # No ORDER BY inside an aggregate before SQLite 3.44. The rows come sorted; the
        # grouping sorts them again by reader, and SQLite's sorter (a merge sort) keeps
        # rows of equal keys in the order they came, so each reader's reasons stay in
        # order (the bench checks every reason of 65,000 readers against the naive loop).
        # A window function would promise it, at three to four times the cost (84 ms
        # against 21 ms for 17,000 readers).
        sql = (
            "SELECT subscriber_id, frequency, json_group_array(reason) AS reasons "  # noqa: S608
            f"FROM ({distinct} ORDER BY subscriber_id, frequency, position, reason) "
            f"AS distinct_found WHERE {allowed} GROUP BY subscriber_id, frequency"
        )
    return sql, [*params, *allowed_params]


def find_matches(profile: ArticleProfile, frequencies: Sequence[str] | None = None) -> list[Match]:
    """(subscriber id, frequency, reasons) of every reader the article matches; reads only.

    `frequencies` narrows it. What `decision` selects, read into Python: for the digests'
    checks, the tests and the benchmark; publishing does not read it.
    """
    sql, params = decision(profile, frequencies)
    decoded: dict[str, list[str]] = {}  # most readers share a few lists of reasons
    matches = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10 * WRITE_BATCH):
            for subscriber_id, frequency, reasons in rows:
                if isinstance(reasons, str):  # JSON text (SQLite; Django's jsonb loader)
                    if reasons not in decoded:
                        decoded[reasons] = json.loads(reasons)
                    reasons = decoded[reasons]
                matches.append((subscriber_id, frequency, reasons))
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
    selected, params = decision(article_profile(article), frequencies=[Frequency.INSTANT])
    table = connection.ops.quote_name(PendingMatch._meta.db_table)
    moment = (
        now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    )
    # The decision and the rows in one statement: no reader id travels to Python and back.
    # What is left on PostgreSQL is its own work, measured at 17,700 rows on a loaded
    # machine: about 35 µs a row to write the table and its four indexes, and 26 µs for
    # the two foreign-key checks at commit. "WHERE true": SQLite would read ON CONFLICT
    # as the SELECT's join constraint.
    insert = (
        f"INSERT INTO {table} (subscriber_id, article_id, frequency, reasons, matched_at) "  # noqa: S608
        f"SELECT subscriber_id, %s, frequency, reasons, %s FROM ({selected}) AS decided "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with transaction.atomic():
        MatchedArticle.objects.update_or_create(article_id=article.pk, defaults={"matched_at": now})
        with connection.cursor() as cursor:
            cursor.execute(insert, [article.pk, moment, *params])
            return cursor.rowcount


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
