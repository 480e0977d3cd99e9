"""Who an article reaches, folded from the index's lists; publishing's rows (#15).

`decide` reads each matching key's readers as one packed array (mailing.matching.packed:
one row per key, not per reader, corrected by the index changes not folded in yet) and
folds them into audiences: the readers who share a frequency and a list of reasons
(mailing.matching.folding, in numpy). `decide_by_rows` does the same from the
SubscriptionKey rows (`decision`), each reader's reasons as the bits of one integer: the
reference the packed arrays must equal. The index holds only readers who may receive
mail, so none is left out here.

Publishing (`match_article`) records when the article was matched (MatchedArticle, one row)
and writes the instant audiences' PendingMatch rows in one statement, the readers' ids
passed as one array; a digest decides its contents when it is built
(mailing.matching.digests). The unique (subscriber, article, frequency) makes matching
twice write nothing new.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import filterfalse
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from mailing.matching.folding import fold, reasons_of
from mailing.matching.index import WRITE_BATCH, ArticleProfile, article_profile, chunked
from mailing.matching.matches import (
    MATCH_WINDOW,
    Verdicts,
    decision,
    id_list,
)
from mailing.matching.packed import (
    TERM,
    Group,
    corrected,
    pack_key_readers,
    packed_decision,
    unpack,
)
from mailing.models import Frequency, MatchedArticle, PendingMatch
from newsroom.models import ArticlePage

Match = tuple[int, str, list[str]]  # (subscriber id, frequency, reasons)


@dataclass(frozen=True)
class Audience:
    """Readers an article reaches at one frequency for the same reasons.

    `reasons` is in `Verdicts`' order and shared: callers must not change it.
    """

    frequency: str
    reasons: list[str]
    readers: list[int]  # ascending


def decide(profile: ArticleProfile, frequencies: Sequence[str] | None = None) -> list[Audience]:
    """Who the article reaches, at `frequencies` (all by default), as audiences.

    One statement reads the packed lists under the article's keys and their pending
    changes (mailing.matching.packed); each group's list, corrected, goes to its reason,
    and the lists are folded into audiences (mailing.matching.folding). The same as
    `decide_by_rows`, which reads the SubscriptionKey rows. Reads only.
    """
    verdicts = Verdicts(profile)
    wanted = list(frequencies or Frequency.values)
    sql, params = packed_decision(sorted(profile.keys()), wanted)
    arrays: dict[Group, list[Any]] = {}
    now_in: dict[Group, list[int]] = {}
    gone: dict[Group, list[int]] = {}
    rows = _read(sql, params, binary=True)
    for key, frequency, query, label, readers, subscriber, is_member in rows:
        group = (key, frequency, query, label)
        if subscriber is None:
            arrays.setdefault(group, []).append(unpack(readers))
        else:
            (now_in if is_member else gone).setdefault(group, []).append(subscriber)
    lists: dict[str, list[tuple[str, Any]]] = {}
    for group in {**arrays, **now_in, **gone}:
        key, frequency, query, label = group
        if key.startswith(TERM):
            reason = verdicts.keyword_reason(query, label)
        else:
            reason = profile.reasons.get(key)
        if reason is None:
            continue
        stored = arrays.get(group, [])
        # A group is one row; a second one (never written by the fold) is merged in.
        readers = stored[0] if len(stored) == 1 else merged(stored)
        readers = corrected(readers, now_in.get(group, ()), gone.get(group, ()))
        lists.setdefault(frequency, []).append((reason, readers))
    return [
        Audience(frequency, verdicts.in_order(reasons), readers)
        for frequency, found in lists.items()
        for reasons, readers in fold(found)
    ]


def merged(arrays: Sequence[Any]) -> Any:
    """Several arrays of ids as one, ascending, each id once."""
    import numpy as np

    return np.unique(np.concatenate(arrays)) if arrays else unpack(None)


def decide_by_rows(
    profile: ArticleProfile, frequencies: Sequence[str] | None = None
) -> list[Audience]:
    """`decide` from the SubscriptionKey rows, one per reader per key (`decision`): what
    the packed lists must give, kept for the tests and the bench. Reads only."""
    verdicts = Verdicts(profile)
    sql, params, reasons = decision(profile, frequencies)
    bits = {reason: position for position, reason in enumerate(reasons)}
    found: dict[str, list[tuple[int, Sequence[int]]]] = {}
    for frequency, reason, query, label, ids in _read(sql, params):
        if query is not None:  # a keyword query, checked once; few distinct reasons
            text = verdicts.keyword_reason(query, label)
            if text is None:
                continue
            reason = bits.get(text)
            if reason is None:
                reason = bits[text] = len(reasons)
                reasons.append(text)
        found.setdefault(frequency, []).append((1 << reason, id_list(ids)))
    audiences = []
    for frequency, lists in found.items():
        audiences += [
            Audience(frequency, verdicts.in_order(reasons_of(combination, reasons)), readers)
            for combination, readers in _fold(lists).items()
        ]
    return audiences


def _fold(lists: Sequence[tuple[int, Sequence[int]]]) -> dict[int, list[int]]:
    """Readers by the bits of their reasons, ascending, from (reason bit, readers) lists.

    Most readers are in one list: they are taken out of it as a whole (in C: a dict, a
    set, `filterfalse`), and only those in several lists (`again`) are seen one by one,
    to OR their bits. A list may name a reader twice (a keyword query filed under two of
    the article's words), and its order is the database's: each audience is sorted.
    """
    readers: dict[int, int] = {}  # reader → bits, for those found again
    again: set[int] = set()
    parts: list[tuple[int, dict[int, int]]] = []
    for bit, ids in lists:
        new = dict.fromkeys(ids, bit)
        both = new.keys() & readers.keys()
        if both:
            again |= both
            for reader in both:
                new[reader] |= readers[reader]
        readers.update(new)
        parts.append((bit, new))
    groups: dict[int, list[int]] = {}
    for bit, new in parts:
        once = filterfalse(again.__contains__, new) if again else new
        groups.setdefault(bit, []).extend(once)
    for reader in again:
        groups.setdefault(readers[reader], []).append(reader)
    for group in groups.values():
        group.sort()
    return {combination: group for combination, group in groups.items() if group}


def _read(sql: str, params: Sequence[Any], binary: bool = False) -> list[tuple[Any, ...]]:
    """The decision's rows. PostgreSQL compiles a statement it thinks costly (JIT): its
    estimate for an article of 600 words passed the threshold, and compiling took 0.7 s
    of 0.85 (#15); the statement is index reads, which compiling does not speed up.

    `binary`: PostgreSQL sends the rows in its binary format, the packed arrays as their
    bytes rather than as hexadecimal text (a third less time for the statement). Django's
    cursors bind parameters on the client, which allows no binary results: this takes a
    psycopg cursor on the same connection, in the same transaction, and logs the query as
    Django's cursors do when queries are logged.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        cursor.execute("SET LOCAL jit = off")
        if not binary:
            cursor.execute(sql, params)
            return cursor.fetchall()
        import psycopg

        started = time.monotonic()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, params, binary=True, prepare=False)
            rows = raw.fetchall()
        if connection.queries_logged:
            elapsed = f"{time.monotonic() - started:.3f}"
            connection.queries_log.append({"sql": sql, "time": elapsed})
        return rows


def find_matches(profile: ArticleProfile, frequencies: Sequence[str] | None = None) -> list[Match]:
    """(subscriber id, frequency, reasons) of every reader the article matches, by reader:
    `decide`'s audiences one reader at a time, for the digests' checks and the tests."""
    matches = [
        (reader, audience.frequency, audience.reasons)
        for audience in decide(profile, frequencies)
        for reader in audience.readers
    ]
    matches.sort(key=lambda match: (match[0], match[1]))
    return matches


def match_article(article: ArticlePage, now: datetime | None = None) -> int:
    """Record that the live article was matched; write its instant alerts' PendingMatches;
    then fold the index changes noted meanwhile into the packed arrays (`pack_key_readers`).

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
    audiences = decide(article_profile(article), frequencies=[Frequency.INSTANT])
    with transaction.atomic():
        MatchedArticle.objects.update_or_create(article_id=article.pk, defaults={"matched_at": now})
        inserted = insert_audiences(article.pk, audiences, now)
    pack_key_readers()  # the index changes noted since, folded in: KeyChange stays small
    return inserted


def insert_audiences(article_id: int, audiences: Sequence[Audience], moment: datetime) -> int:
    """Insert a PendingMatch per reader of `audiences` for the article, unless it is there.

    One statement whatever the number of readers: their ids go as one array (PostgreSQL)
    or one JSON text (SQLite), each with its audience's number, and the rows are written
    in reader order (neighbouring index pages: 17,700 rows on SQLite took 150 ms shuffled,
    97 ms sorted). What is left on PostgreSQL is its own work, measured at 17,700 rows on
    a loaded machine: about 35 µs a row to write the table and its indexes, and 26 µs for
    the two foreign-key checks at commit. Returns how many rows were new.
    """
    if not any(audience.readers for audience in audiences):
        return 0
    table = connection.ops.quote_name(PendingMatch._meta.db_table)
    columns = "(subscriber_id, article_id, frequency, reasons, matched_at)"
    params: list[Any]
    if connection.vendor == "postgresql":
        readers: list[int] = []
        numbers: list[int] = []
        for number, audience in enumerate(audiences, start=1):
            readers += audience.readers
            numbers += [number] * len(audience.readers)
        sql = (
            f"INSERT INTO {table} {columns} "  # noqa: S608
            "SELECT m.reader, %s, (%s::text[])[m.audience], "
            "CAST((%s::text[])[m.audience] AS jsonb), %s "
            "FROM unnest(%s::bigint[], %s::int[]) AS m(reader, audience) "
            "ORDER BY m.reader ON CONFLICT DO NOTHING"
        )
        params = [
            article_id,
            [audience.frequency for audience in audiences],
            [json.dumps(audience.reasons, ensure_ascii=False) for audience in audiences],
            moment,
            readers,
            numbers,
        ]
    else:
        # Each audience's frequency and reasons read once (MATERIALIZED: flattened, SQLite
        # read them again for every reader, parsing the audience's whole list each time).
        # "WHERE true": SQLite would read ON CONFLICT as the SELECT's join constraint.
        sql = (
            f"INSERT INTO {table} {columns} "  # noqa: S608
            "WITH a AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS frequency, "
            "json_extract(value, '$[1]') AS reasons, json_extract(value, '$[2]') AS readers "
            "FROM json_each(%s)) SELECT r.value, %s, a.frequency, a.reasons, %s "
            "FROM a, json_each(a.readers) AS r WHERE true ORDER BY r.value ON CONFLICT DO NOTHING"
        )
        listed = [[each.frequency, each.reasons, each.readers] for each in audiences]
        params = [
            json.dumps(listed, ensure_ascii=False),
            article_id,
            connection.ops.adapt_datetimefield_value(moment),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
