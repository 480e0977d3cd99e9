"""The index packed: each key's readers as one array, and the changes not folded in yet (#15).

SubscriptionKey holds a row per reader per key: the truth, which the services write
(mailing.matching.index). KeyReaders holds the same readers packed, per key, frequency and,
for a keyword subscription's word, its query and label (a "group"): the subscriber ids
ascending as one little-endian int64 array. Database triggers (migration 0009) note every
reader whose place in a group may have changed in KeyChange: an index row added, deleted or
updated, a keyword subscription's query or label changed, or the subscription deleted; so a
write around the services is not missed either.

The decision for an article (`packed_decision`) is one statement reading the packed
groups under the article's keys and their pending changes, each change with whether the
reader is in the group now (`MEMBER`, checked against SubscriptionKey): a group's readers
are its array, plus those now in it, less those no longer in it. `pack_key_readers` folds
the changes into the arrays and deletes them, so KeyChange stays small; on PostgreSQL
under an advisory lock, so two workers never fold at once.

A change is deleted only once an array holds what SubscriptionKey held when the change
was visible, so a note written meanwhile stays until the next fold. A TRUNCATE of
SubscriptionKey or Subscription fires no row trigger: call `rebuild_key_readers` after
one (it rebuilds every array from SubscriptionKey).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, connection, transaction

from mailing.models import KeyChange, KeyReaders, Subscription, SubscriptionKey

if TYPE_CHECKING:
    import numpy as np

Group = tuple[str, str, str, str]  # (key, frequency, query, label)

TERM = "term:"
KEYWORDS = Subscription.Kind.KEYWORDS.value
# pg_try_advisory_xact_lock's key: one fold at a time, whichever the worker.
PACK_LOCK = 0x6D61696C  # "mail"
PACK_BATCH = 20_000  # changes folded per transaction


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _values(values: Sequence[Any], cast: str = "text") -> tuple[str, list[Any]]:
    """SQL for a list of values as one parameter: an array on PostgreSQL, a JSON array
    read by json_each on SQLite (a list of placeholders would meet SQLite's limit)."""
    if connection.vendor == "postgresql":
        return f"= ANY(%s::{cast}[])", [list(values)]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def member(change: str = "c") -> str:
    """SQL: whether the reader of the KeyChange row `change` is in its group now, by the
    SubscriptionKey rows (a word's group: through a keyword subscription with that query
    and label; the subscription's kind as the row decision reads it)."""
    keys, subscriptions = _table(SubscriptionKey), _table(Subscription)
    same = (
        f"k.key = {change}.key AND k.frequency = {change}.frequency "
        f"AND k.subscriber_id = {change}.subscriber_id"
    )
    return (
        f"CASE WHEN substr({change}.key, 1, 5) <> '{TERM}' "  # noqa: S608
        f"THEN EXISTS (SELECT 1 FROM {keys} k WHERE {same}) "
        f"ELSE EXISTS (SELECT 1 FROM {keys} k JOIN {subscriptions} s ON s.id = k.subscription_id "
        f"WHERE {same} AND s.kind = '{KEYWORDS}' AND s.value = {change}.query "
        f"AND s.label = {change}.label) END"
    )


def packed_decision(keys: Sequence[str], frequencies: Sequence[str]) -> tuple[str, list[Any]]:
    """One statement: the packed groups under `keys` at `frequencies`, then their changes.

    Rows (key, frequency, query, label, readers, subscriber, member): a group's array
    with the last two NULL, or a pending change, the array NULL, with whether its reader
    is in the group now (each change once, however many times it was noted).
    """
    among_keys, key_params = _values(keys)
    among_frequencies, frequency_params = _values(frequencies)
    ids = "CAST(NULL AS BIGINT)"
    flag = "CAST(NULL AS BOOLEAN)" if connection.vendor == "postgresql" else "NULL"
    blob = "CAST(NULL AS BYTEA)" if connection.vendor == "postgresql" else "NULL"
    sql = (
        f"SELECT key, frequency, query, label, readers, {ids}, {flag} "  # noqa: S608
        f"FROM {_table(KeyReaders)} WHERE key {among_keys} AND frequency {among_frequencies} "
        "UNION ALL "
        f"SELECT DISTINCT c.key, c.frequency, c.query, c.label, {blob}, c.subscriber_id, "
        f"{member('c')} FROM {_table(KeyChange)} c "
        f"WHERE c.key {among_keys} AND c.frequency {among_frequencies}"
    )
    return sql, [*key_params, *frequency_params, *key_params, *frequency_params]


# --- Arrays -------------------------------------------------------------------------------


def unpack(value: bytes | memoryview | None) -> np.ndarray:
    """A group's readers: the ascending int64 ids of a KeyReaders.readers value."""
    import numpy as np

    if not value:
        return np.empty(0, dtype=np.int64)
    return np.frombuffer(value, dtype="<i8")


def pack(readers: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(readers, dtype="<i8").tobytes()


def corrected(readers: np.ndarray, now_in: Iterable[int], gone: Iterable[int]) -> np.ndarray:
    """`readers` (ascending, each once) with `now_in` added and `gone` taken out."""
    import numpy as np

    now_in, gone = list(now_in), list(gone)
    if now_in:
        readers = np.union1d(readers, np.array(now_in, dtype=np.int64))
    if gone:
        readers = readers[~np.isin(readers, np.array(gone, dtype=np.int64), assume_unique=True)]
    return readers


# --- Folding the changes in ---------------------------------------------------------------


def pack_key_readers(limit: int = PACK_BATCH) -> int:
    """Fold pending KeyChange rows into the packed arrays; returns how many were folded.

    Each batch is one transaction: the changes read with whether their readers are in
    their groups (one statement, so what they note is visible to it), the arrays rewritten,
    exactly the changes read deleted. Another worker already folding (PostgreSQL: the
    advisory lock is taken), or another writer first (SQLite: the snapshot went stale), and
    this one gives up: the changes stay and matching reads them meanwhile.
    """
    folded = 0
    while True:
        try:
            done = _pack_batch(limit)
        except OperationalError:
            if connection.vendor == "postgresql":
                raise
            return folded  # SQLite: another connection wrote first; its fold or ours later
        if done is None:
            return folded
        folded += done
        if done < limit:
            return folded


def _pack_batch(limit: int) -> int | None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [PACK_LOCK])
            if not cursor.fetchone()[0]:
                return None
        cursor.execute(
            f"SELECT c.id, c.key, c.frequency, c.query, c.label, c.subscriber_id, "  # noqa: S608
            f"{member('c')} FROM {_table(KeyChange)} c ORDER BY c.id LIMIT %s",
            [limit],
        )
        changes = cursor.fetchall()
        if not changes:
            return 0
        now_in: dict[Group, set[int]] = {}
        gone: dict[Group, set[int]] = {}
        for _, key, frequency, query, label, subscriber_id, is_member in changes:
            now_in.setdefault((key, frequency, query, label), set())
            gone.setdefault((key, frequency, query, label), set())
            side = now_in if is_member else gone
            side[key, frequency, query, label].add(subscriber_id)
        _rewrite(cursor, now_in, gone)
        where, params = _values([row[0] for row in changes], "bigint")
        cursor.execute(f"DELETE FROM {_table(KeyChange)} WHERE id {where}", params)  # noqa: S608
        return len(changes)


def _rewrite(cursor: Any, now_in: dict[Group, set[int]], gone: dict[Group, set[int]]) -> None:
    """Rewrite the arrays of the groups changed: `now_in` added, `gone` taken out."""
    import numpy as np

    among, params = _values(sorted({group[0] for group in now_in}))
    cursor.execute(
        f"SELECT id, key, frequency, query, label, readers FROM {_table(KeyReaders)} "  # noqa: S608
        f"WHERE key {among} ORDER BY id",
        params,
    )
    stored: dict[Group, list[tuple[int, np.ndarray]]] = {}
    for pk, key, frequency, query, label, readers in cursor.fetchall():
        group = (key, frequency, query, label)
        if group in now_in:
            stored.setdefault(group, []).append((pk, unpack(readers)))
    updates: list[KeyReaders] = []
    creates: list[KeyReaders] = []
    deletes: list[int] = []
    for group, added in now_in.items():
        rows = stored.get(group, [])
        readers = np.unique(np.concatenate([arr for _, arr in rows])) if rows else unpack(None)
        readers = corrected(readers, sorted(added), sorted(gone[group]))
        deletes += [pk for pk, _ in rows[1:]]  # a group is one row; a second is merged in
        if not len(readers):
            deletes += [pk for pk, _ in rows[:1]]
        elif rows:
            updates.append(KeyReaders(pk=rows[0][0], readers=pack(readers)))
        else:
            key, frequency, query, label = group
            creates.append(
                KeyReaders(
                    key=key, frequency=frequency, query=query, label=label, readers=pack(readers)
                )
            )
    KeyReaders.objects.bulk_update(updates, ["readers"], batch_size=500)
    KeyReaders.objects.bulk_create(creates, batch_size=500)
    if deletes:
        KeyReaders.objects.filter(pk__in=deletes).delete()


# --- Building every array -----------------------------------------------------------------


def groups_sql() -> str:
    """SQL: every group's readers, aggregated (see `aggregated_ids`), from SubscriptionKey."""
    keys, subscriptions = _table(SubscriptionKey), _table(Subscription)
    ids = aggregated_ids("m.subscriber_id")
    return (
        f"SELECT m.key, m.frequency, m.query, m.label, {ids} FROM ("  # noqa: S608
        f"SELECT k.key, k.frequency, '' AS query, '' AS label, k.subscriber_id FROM {keys} k "
        f"WHERE substr(k.key, 1, 5) <> '{TERM}' UNION ALL "
        f"SELECT k.key, k.frequency, s.value, s.label, k.subscriber_id FROM {keys} k "
        f"JOIN {subscriptions} s ON s.id = k.subscription_id "
        f"WHERE substr(k.key, 1, 5) = '{TERM}' AND s.kind = '{KEYWORDS}'"
        ") m GROUP BY m.key, m.frequency, m.query, m.label"
    )


def aggregated_ids(column: str) -> str:
    """SQL aggregating ids as one value: PostgreSQL each id's 8 big-endian bytes, SQLite a
    comma-separated text (`read_ids` reads either)."""
    if connection.vendor == "postgresql":
        return f"string_agg(int8send({column}), ''::bytea)"
    return f"group_concat({column})"


def read_ids(value: bytes | memoryview | str) -> np.ndarray:
    """The ids `aggregated_ids` gave, ascending and each once."""
    import numpy as np

    if isinstance(value, str):
        ids = np.array(value.split(","), dtype=np.int64)
    else:
        ids = np.frombuffer(value, dtype=">i8").astype(np.int64)
    return np.unique(ids)


@transaction.atomic
def rebuild_key_readers() -> int:
    """Rebuild every packed array from SubscriptionKey; returns the number of groups.

    The pending changes are deleted first, then the rows read: every change deleted was
    visible then, so what it notes is in what is read next. On PostgreSQL it waits for a
    fold under way to end.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PACK_LOCK])
        cursor.execute(f"DELETE FROM {_table(KeyChange)}")  # noqa: S608
        cursor.execute(f"DELETE FROM {_table(KeyReaders)}")  # noqa: S608
        cursor.execute(groups_sql())
        rows = [
            KeyReaders(
                key=key,
                frequency=frequency,
                query=query,
                label=label,
                readers=pack(read_ids(ids)),
            )
            for key, frequency, query, label, ids in cursor.fetchall()
        ]
    KeyReaders.objects.bulk_create(rows, batch_size=500)
    return len(rows)
