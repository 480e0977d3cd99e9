"""What the search asks Wagtail's database backends directly (SQLite FTS5, PostgreSQL full
text), below their own query API: the matches newest first, and relevance scores for a
given set of articles. `search.services` ranks what comes back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import CharField, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Cast
from modelsearch.query import PlainText  # type: ignore[import-untyped]
from modelsearch.utils import get_descendants_content_types_pks  # type: ignore[import-untyped]
from wagtail.query import PageQuerySet
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from newsroom.models import ArticlePage
from search.ranking import PublishedKey, published_key_sql
from search.results import Candidate


def candidate_rows(queryset: PageQuerySet) -> Any:
    """Id, headline and date key (search.ranking.PublishedKey) of each article."""
    return queryset.annotate(published_key=PublishedKey()).values_list(
        "id", "title", "published_key"
    )


def newest_candidates(
    queryset: PageQuerySet, limit: int, *, nulls_last: bool = False
) -> list[Candidate]:
    """The newest `limit` articles of `queryset` (then the highest id) as Candidates.

    The date key is computed for these rows only, after the cut: computed in the sorted
    query, PostgreSQL's to_char ran on every match (5,000 for a common word at 10,000
    articles) before the top thousand were kept (#15). The rows are read by the cursor
    itself: Django's reading of a thousand rows, with nothing to convert in them, cost
    more than the query. `nulls_last`: undated articles last (else the database's order).
    """
    sql, params = _newest_sql(queryset, limit, nulls_last=nulls_last)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Candidate(*row) for row in cursor.fetchall()]


def _newest_sql(queryset: PageQuerySet, limit: int, *, nulls_last: bool) -> tuple[str, Any]:
    """The statement of `newest_candidates` and its parameters."""
    if nulls_last:
        date = F("first_published_at").desc(nulls_last=True)
    else:
        date = F("first_published_at").desc()
    rows = queryset.order_by(date, F("id").desc()).values_list("id", "title", "first_published_at")
    sql, params = rows[:limit].query.sql_with_params()
    nulls = " NULLS LAST" if nulls_last else ""
    key = published_key_sql(connection.vendor, "s.first_published_at")
    outer = (
        f"SELECT s.id, s.title, {key} FROM ({sql}) s "  # noqa: S608 (Django's own SQL)
        f"ORDER BY s.first_published_at DESC{nulls}, s.id DESC"
    )
    return outer, params


def database_backend() -> str | None:
    """ "sqlite" or "postgresql" for Wagtail's database backends, None for the others."""
    module = type(get_search_backend()).__module__
    for vendor, prefix in (("sqlite", "sqlite"), ("postgresql", "postgres")):
        if module.startswith(f"modelsearch.backends.database.{prefix}"):
            return vendor
    return None


def _compiled(query: str) -> tuple[Any, Any]:
    """The search backend and its compiler of `query` (every term required) over articles:
    what the matching and scoring below read Wagtail's own SQL from."""
    backend = get_search_backend()
    return backend, backend.query_compiler_class(ArticlePage.objects.all(), PlainText(query, "and"))


def relevance_scores(
    database: str, query: str, article_ids: Sequence[int], *, all_matches: bool = False
) -> dict[int, float]:
    """The backend's relevance of each of `article_ids` for `query`, higher is better.

    The same expression as Wagtail's relevance ordering (SQLite: bm25 of the headline and
    the text, negated, as bm25 is lower for better; PostgreSQL: ts_rank of the headline ×
    its norm + ts_rank of the text), computed in one query for these articles only.
    `all_matches`: the ids are (about) every article the query matches, an unfiltered
    search's, so SQLite scores the match as it reads it, without picking the ids first
    (1.8 against 3.9 ms of CPU for 600 matches at 10,000 articles, #15); a score depends
    on the article and the query only, not on which others are scored.
    """
    if not article_ids:
        return {}
    backend, compiler = _compiled(query)
    content_types = get_descendants_content_types_pks(ArticlePage)
    # The ids are one parameter, not a list of up to a thousand that Django writes out and
    # the database parses (#15); the entries hold them as text.
    object_ids = [str(int(pk)) for pk in article_ids]
    if database == "sqlite":
        from modelsearch.backends.database.sqlite.query import SQLiteFTSIndexEntry  # type: ignore[import-untyped]

        rank = compiler._build_rank_expression(compiler.get_search_vectors(), None)
        entries = SQLiteFTSIndexEntry.objects.filter(_sqlite_match(compiler))
        if all_matches:
            rows = (
                entries.filter(index_entry__content_type_id__in=content_types)
                .annotate(score=rank)
                .values_list("index_entry__object_id", "score")
            )
            wanted = set(object_ids)
            return {int(pk): -score for pk, score in rows if pk in wanted}
        # The entries are picked by their ids first, so only theirs are read in full.
        listed = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(object_ids)])
        entry_ids = IndexEntry.objects.filter(
            content_type_id__in=content_types, object_id__in=listed
        ).values("id")
        rows = (
            # `+ 0`: a rowid list handed to FTS5 would re-run the match once per rowid.
            entries.annotate(row=F("pk") + 0)
            .filter(row__in=entry_ids)
            .annotate(score=rank)
            .values_list("index_entry__object_id", "score")
        )
        return {int(object_id): -score for object_id, score in rows}
    vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
    rank = compiler._build_rank_expression(vectors, backend.config)
    listed = RawSQL("SELECT unnest(%s::text[])", ["{" + ",".join(object_ids) + "}"])
    rows = (
        IndexEntry.objects.filter(content_type_id__in=content_types, object_id__in=listed)
        .annotate(score=rank)
        .values_list("object_id", "score")
    )
    return {int(object_id): score for object_id, score in rows}


def _sqlite_match(compiler: Any) -> Any:
    """The FTS5 MATCH condition Wagtail's SQLite backend builds for the compiler's query."""
    from modelsearch.backends.database.sqlite.query import MatchExpression
    from modelsearch.backends.database.sqlite.sqlite import normalize  # type: ignore[import-untyped]

    query = compiler.build_search_query(normalize(compiler.query))
    return MatchExpression(compiler.FTS_TABLE_FIELDS, query)


def newest_sqlite_matches(
    queryset: PageQuerySet, query: str, limit: int, *, filtered: bool = False
) -> list[Candidate]:
    """The newest `limit` articles of `queryset` holding every term, on SQLite.

    Wagtail joins each FTS5 match to its index row by rowid, then to its article, and
    sorts them all: a common word's 5,300 matches took 11 ms of CPU at 10,000 articles,
    the FTS5 match itself 0.3 (bench/search.py, #15). When the match is broad
    (`_walk_newest`), the articles are read newest first instead, each one's index row
    found by (content type, object id), which holds its rowid, and looked up in the
    match, stopping at `limit`: the common word then reads some 1,900 articles (5 ms).
    A narrower match is joined as Wagtail does, by rowid (1.5 ms for 600 matches, 3 when
    every index row of the articles was read for its rowid instead).
    """
    from modelsearch.backends.database.sqlite.query import SQLiteFTSIndexEntry

    _, compiler = _compiled(query)
    rowids = SQLiteFTSIndexEntry.objects.filter(_sqlite_match(compiler)).values("pk")
    kinds = get_descendants_content_types_pks(ArticlePage)
    if not filtered and _walk_newest(rowids, kinds, limit):
        # `+ 0`: the rowid looked up in the match's list, not the match run for each rowid.
        entry = IndexEntry.objects.filter(
            content_type_id__in=kinds, object_id=Cast(OuterRef("pk"), CharField())
        ).values(row=F("id") + 0)[:1]
        found = queryset.annotate(entry_row=Subquery(entry)).filter(entry_row__in=rowids)
        return newest_candidates(found, limit)
    entries = IndexEntry.objects.filter(id__in=rowids, content_type_id__in=kinds)
    return newest_candidates(queryset.filter(pk__in=entries.values("object_id")), limit)


def _walk_newest(rowids: Any, kinds: Sequence[int], limit: int) -> bool:
    """Whether reading every article newest first until `limit` matches are found reads
    fewer rows than the matches: about limit × articles / matches against matches (the
    rule of `_broad_match` on PostgreSQL), from the two counts, read in one statement
    (FTS5 counts a match without reading its rows: 0.3 ms for 5,000)."""
    match_sql, match_params = rowids.query.sql_with_params()
    entries = IndexEntry.objects.filter(content_type_id__in=kinds).values("pk")
    entries_sql, entries_params = entries.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM ({match_sql}) m), "  # noqa: S608 (Django's SQL)
            f"(SELECT count(*) FROM ({entries_sql}) e)",
            [*match_params, *entries_params],
        )
        matches, articles = cursor.fetchone()
    return bool(matches * matches > limit * articles)


def newest_postgres_matches(queryset: PageQuerySet, query: str, limit: int) -> list[Candidate]:
    """The newest `limit` articles of `queryset` holding every term, on PostgreSQL.

    The match reads the GIN index on the index table's `title || body` (migration 0001).
    PostgreSQL's planner does not see what that expression costs per row (each text's
    vector read and concatenated): it scans the whole table instead, 140 ms for a common
    word at 10,000 articles against 5 ms by the index (bench/search.py, #15). So the match
    is a sub-query whose content-type test cannot use another index (`+ 0`), run with
    sequential scans off for this one statement.
    """
    backend, compiler = _compiled(query)
    search_query = compiler.build_tsquery(compiler.query, config=backend.config)
    vector = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
    entries = (
        IndexEntry.objects.annotate(kind=F("content_type_id") + 0, vector=vector)
        .filter(kind__in=get_descendants_content_types_pks(ArticlePage), vector=search_query)
        .values(object_pk=Cast("object_id", IntegerField()))
    )
    with connection.cursor() as cursor:
        matches = queryset.filter(pk__in=entries)
        if _broad_match(cursor, queryset, entries, limit):
            # Not a join: a hashed set looked up while the articles are read newest first
            # (their date index), so the walk stops at `limit`. The `IS NULL`, never true,
            # keeps PostgreSQL (15) from turning the IN into a join.
            matches = queryset.filter(Q(pk__in=entries) | Q(pk__isnull=True))
        sql, params = _newest_sql(matches, limit, nulls_last=False)
        # The setting and the statement are sent together: out of a transaction they are
        # one (the setting ends with it), where a transaction of its own took three more
        # round trips to the server (#15). Inside a transaction the setting would outlive
        # the statement, so it is read first and put back after.
        nested = connection.in_atomic_block
        if nested:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off; " + sql, params)
        cursor.cursor.nextset()  # the statement's rows, after the setting's (none)
        rows = [Candidate(*row) for row in cursor.fetchall()]
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])
    return rows


def _broad_match(cursor: Any, queryset: PageQuerySet, entries: Any, limit: int) -> bool:
    """Whether the planner expects so many matches that reading the articles newest first
    and stopping at `limit` beats joining every match to its article, then sorting.

    The first reads about limit × articles / matches articles, the second every match:
    for a common word at 100,000 articles (54,000 matches), 110 ms against 400 (#15).
    """
    sql, params = queryset.values("pk").query.sql_with_params()
    match_sql, match_params = entries.query.sql_with_params()
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT (SELECT count(*) FROM ({sql}) a), "  # noqa: S608 (Django's SQL)
        f"(SELECT count(*) FROM ({match_sql}) m)",
        [*params, *match_params],
    )
    (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # The most rows any step of each count expects: the articles, and the GIN index's
    # matches (the step after it misjudges the content-type test kept off its index).
    counts = plan[0]["Plan"].get("Plans", [])
    if len(counts) != 2:  # another server's plan shape: the join, right whatever the size
        return False
    articles, matches = (_most_rows(node) for node in counts)
    return matches * matches > limit * articles


def _most_rows(node: dict[str, Any]) -> float:
    return max([node["Plan Rows"], *(_most_rows(child) for child in node.get("Plans", ()))])
