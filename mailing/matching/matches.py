"""Matching one article: the rule, and the SQL reading who it reaches from the index.

The rule, in one place for publication and digests: an index row under one of the article's
fixed keys ("topic:12") matches with that key's reason; a row under one of its words
("term:gaz") matches only if its subscription's whole keyword query does (`Verdicts`).
`decision` applies it as one SELECT over the covering index (key, frequency, subscriber,
subscription) giving each key's readers as one list; Python only checks the distinct
keyword queries filed under the article's words. mailing.matching.audiences folds those
lists into who gets the article, and with which reasons, and writes the instant rows.
"""

from __future__ import annotations

import functools
import json
import sys
from array import array
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import connection

from mailing.matching.index import ArticleProfile, term_key
from mailing.models import Frequency, Subscription, SubscriptionKey
from mailing.query import parse_query

# A correction republished days later must not alert readers who joined since, nor send
# week-old news as an "alert": only articles first published this recently are matched.
MATCH_WINDOW = timedelta(days=2)

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

    def keyword_reason(self, query: str, label: str) -> str | None:
        """Why a keyword subscription (`query`, `label`) matches, or None."""
        return f"{KEYWORDS}{label or query}" if self.matches(query) else None

    def reason(self, key: str, value: str, label: str) -> str | None:
        """Why an index row under `key` (of a subscription `value`) matches, or None."""
        fixed = self.profile.reasons.get(key)
        return fixed if fixed is not None else self.keyword_reason(value, label)

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


def _ids(column: str) -> str:
    """SQL aggregating the ids in `column` into one value: a reader is a slice of it, not a
    row of the cursor (a tenth of the cost per id). PostgreSQL sends each id as its 8
    bytes (`int8send`), read back as one machine array; SQLite a comma-separated text."""
    if connection.vendor == "postgresql":
        return f"string_agg(int8send({column}), ''::bytea)"
    return f"group_concat({column})"


def id_list(value: bytes | str | None) -> Sequence[int]:
    """The ids `_ids` aggregated, read back."""
    if not value:
        return ()
    if isinstance(value, str):
        return list(map(int, value.split(",")))
    ids = array("q")
    ids.frombytes(value)
    if sys.byteorder == "little":  # int8send is big-endian
        ids.byteswap()
    return ids


def decision(
    profile: ArticleProfile, frequencies: Sequence[str] | None = None
) -> tuple[str, list[Any], list[str]]:
    """The SQL reading who may get the article, and the reasons of its fixed keys.

    One row per list of readers: (frequency, reason, query, label, readers' ids as text).
    A fixed key's row carries the number of its reason in the list returned (the same
    text, the same number: two keys giving one reason count once). The article's words
    give one row per keyword query, label and frequency filed under them, for the caller
    to check each query once (`Verdicts`); the reason is then the label, or the query.
    Fixed keys read only the covering index (key, frequency, subscriber, subscription), in
    its order, so their ids are aggregated without a sort. A word's rows read their
    subscription by primary key, row by row: hashed, PostgreSQL read the whole
    subscription table (#15). The index holds only readers who receive mail
    (mailing.matching.index), so nobody is left out here.
    """
    quote = connection.ops.quote_name
    keys_table = quote(SubscriptionKey._meta.db_table)
    subscriptions = quote(Subscription._meta.db_table)
    wanted = list(frequencies or Frequency.values)
    in_wanted = f"frequency IN ({', '.join(['%s'] * len(wanted))})"
    reasons = list(dict.fromkeys(profile.reasons.values()))
    number = {reason: position for position, reason in enumerate(reasons)}
    branches: list[str] = []
    params: list[Any] = []
    for key, reason in profile.reasons.items():
        branches.append(
            f"SELECT frequency, %s, CAST(NULL AS TEXT), CAST(NULL AS TEXT), "  # noqa: S608
            f"{_ids('subscriber_id')} FROM {keys_table} WHERE key = %s AND {in_wanted} "
            "GROUP BY frequency"
        )
        params += [number[reason], key, *wanted]
    terms = sorted(term_key(word) for word in profile.text.words)
    if terms:
        among_terms, terms_params = _one_of("k.key", terms)
        # Only keyword subscriptions are filed under words: the kind, as the partial
        # index mailing_keyword_queries is defined, lets both read that index alone.
        keywords = f"s.kind = '{Subscription.Kind.KEYWORDS.value}'"
        if connection.vendor == "postgresql":
            # OFFSET 0 keeps PostgreSQL from flattening it into a hash join that reads the
            # whole subscription table.
            subscription = (
                f"CROSS JOIN LATERAL (SELECT s.value, s.label FROM {subscriptions} s "  # noqa: S608
                f"WHERE s.id = k.subscription_id AND {keywords} OFFSET 0) AS s"
            )
        else:
            subscription = f"JOIN {subscriptions} s ON s.id = k.subscription_id AND {keywords}"
        branches.append(
            f"SELECT k.frequency, -1, s.value, s.label, {_ids('k.subscriber_id')} "  # noqa: S608
            f"FROM {keys_table} k {subscription} WHERE {among_terms} AND k.{in_wanted} "
            "GROUP BY k.frequency, s.value, s.label"
        )
        params += [*terms_params, *wanted]
    if not branches:  # an empty profile reaches no one
        branches.append(f"SELECT key, 0, key, key, key FROM {keys_table} WHERE 1 = 0")  # noqa: S608
    return " UNION ALL ".join(branches), params, reasons
