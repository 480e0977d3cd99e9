"""Readers' search: Wagtail's search with French terms beside a naive `icontains` scan.

    .venv/bin/python bench/search.py [--sizes 1000,10000] [--databases sqlite,postgres]
                                     [--rounds 3] [--keep] [--reuse] [--no-filters]
                                     [--profile] [--before REVISION|CHECKOUT]

Data — published articles from the French Wikinews corpus (WiNER-fr, `../shared/data/ner/`,
964 articles, CC BY 2.5), then articles recombined from corpus paragraphs (a corpus article's
title, standfirst and first paragraphs, plus paragraphs of two others, published up to two
months later) until each size is reached. The curated gazetteer is loaded and each article is
tagged (accepted) with the gazetteer entities its corpus annotations name. Pages are
bulk-inserted with their treebeard paths computed here (no revisions: live rows, as a
publish leaves them), then indexed with Wagtail's own indexer (`backend.add_bulk`, what
`manage.py update_index` does) — minutes faster than publishing 10,000 pages one by one.
Each database is fresh: a temporary SQLite file, or the PostgreSQL database
`rotative_bench_search` (or $BENCH_SEARCH_PG_NAME) at postgres://postgres@127.0.0.1:5432,
created and dropped here; the SQLite file is $BENCH_SEARCH_SQLITE if set.
`--keep` leaves it in place and `--reuse` starts from the one left (it grows it if it is
smaller than asked), so a second run measures without building 10,000 articles again.

Queries — about 150, from the corpus: the most frequent annotated names (people,
organisations, places), other-language aliases of tagged gazetteer entities ("Putin"),
common words, frequent two-word phrases, and accented words with their unaccented spelling.

Each query runs, interleaved, (a) `search_articles` (French terms, entity detection, ranking
of up to 1,000 ids), (a+) the same plus the first page of 20 results with highlighted
snippets, as /recherche/ renders them, and (b) the naive scan: published articles whose
title, standfirst or body `icontains` every word, counted, the newest 20 fetched. Each
figure is the median of `--rounds` runs after one warm-up; p50/p95/p99 are over the
queries. One child process per database; the table compares them side by side.
`--no-filters` skips the filtered runs and `--naive-every N` runs (b) on every Nth query
only, its ratio taken against (a+) on those same queries (both quicker at 100,000
articles, where one naive scan takes seconds); `--profile` prints,
per database and size, where (a+) spends its time (cProfile, cumulative) to stderr.

`--before main` (a revision, exported with `git archive`, or a checkout's folder) measures
that tree's search beside this one's on the same database in the same run: two child
processes per database, each query run by one then the other, round after round, so a
load on the machine weighs on both alike. It reports (a) and (a+) for both and their
ratio, and how many queries gave both trees the same results (a hash of the whole ranking
and of the first page's headlines and snippets, `digest`); it measures at the largest of
`--sizes` only, grown by this tree's code (the
baseline's schema is whatever the database holds, indexes added by later migrations too).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and "search" would be this file,
# not the search app.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]
WIKINEWS = REPO.parent / "shared" / "data" / "ner" / "winer_fr_2016_2017.jsonl"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = os.environ.get("BENCH_SEARCH_PG_NAME", "rotative_bench_search")
SQLITE_PATH = Path(
    os.environ.get("BENCH_SEARCH_SQLITE")
    or Path(tempfile.gettempdir()) / "rotative_bench_search.sqlite3"
)
SEED = 2025
PAGE_SIZE = 20
INSERT_BATCH = 500
NAME_TYPES = {"Person", "Organization", "Location"}
_WORD = re.compile(r"[^\W\d_]+")
_STOP = set(
    "avait avaient aussi autre autres avant avons cette celui ceux comme contre depuis dont "
    "elles encore entre était étaient faire leurs lors mais même notre nous plus pour quand "
    "selon sont sous tous toute toutes très vers leur après ainsi alors avec dans être avoir "
    "elle ils pas par sur une des les est été ont aux qui que ses son sa ces cet".split()
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Database -------------------------------------------------------------------------------


def configure(database: str, *, reuse: bool = False, tree: Path = REPO) -> str:
    """Point Django at a fresh (or, with `reuse`, the kept) database; returns its description.

    `tree` is the checkout whose code runs (another one for `--before`)."""
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_NAME,)
            ).fetchone()
            if exists and not reuse:
                admin.execute(f'DROP DATABASE "{PG_NAME}"')
            if not exists or not reuse:
                admin.execute(f'CREATE DATABASE "{PG_NAME}"')
        url, where = f"{PG_SERVER}/{PG_NAME}", f"PostgreSQL database {PG_NAME}"
    else:
        if not reuse:
            remove_sqlite()
        url, where = f"sqlite:///{SQLITE_PATH}", f"SQLite file {SQLITE_PATH}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "rotative.settings.test"
    os.environ["CONN_MAX_AGE"] = "0"
    os.environ["ROTATIVE_VAR_DIR"] = tempfile.mkdtemp(prefix="rotative-bench-search-")
    sys.path.insert(0, str(tree))
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # Wagtail's and the task backend's page and task messages
    return where


def remove_sqlite() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def drop_postgres() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')


def database_bytes() -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return sum(
        Path(f"{SQLITE_PATH}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{SQLITE_PATH}{suffix}").exists()
    )


def analyze() -> None:
    """Statistics for the planner, and on PostgreSQL the vacuum autovacuum would run after
    such a load. This server runs with autovacuum off: without it, every index entry kept
    a dead copy (Wagtail writes each twice) and the GIN index's pending list held all the
    new entries, which a search then read one by one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- The corpus -----------------------------------------------------------------------------


def load_corpus():
    """Parsed corpus articles, each with the (surface, entity id) pairs of its annotations."""
    from enrichment.gazetteer import Gazetteer
    from ingest.wikinews import WikinewsImportError, parse_record

    gazetteer = Gazetteer.from_database()
    records = []
    with WIKINEWS.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            raw = json.loads(line)
            try:
                article = parse_record(raw, line=number)
            except WikinewsImportError:
                continue
            names = []
            for annotation in raw.get("entities", ()):
                if annotation["type"] not in NAME_TYPES:
                    continue
                canonical = gazetteer.lookup(annotation["text"])
                if canonical is not None and canonical.entity_id:
                    names.append((annotation["text"], canonical.entity_id))
            records.append((raw, article, names))
    return records


def article_specs(records, start: int, stop: int, rng: random.Random):
    """Articles number start..stop-1: the corpus first, then recombined ones."""
    for number in range(start, stop):
        if number < len(records):
            _, article, names = records[number]
            paragraphs = list(article.paragraphs)
            published_at = article.published_at
            sources = [records[number]]
        else:
            base, *others = rng.sample(records, 3)
            article = base[1]
            paragraphs = list(article.paragraphs[:2])
            for other in others:
                if other[1].paragraphs:
                    paragraphs.append(rng.choice(other[1].paragraphs))
            published_at = article.published_at + timedelta(days=rng.randint(1, 60))
            sources = [base, *others]
        text = "\n".join([article.title, article.standfirst, *paragraphs])
        entity_ids = {eid for source in sources for surface, eid in source[2] if surface in text}
        yield {
            "number": number,
            "title": article.title,
            "standfirst": article.standfirst,
            "paragraphs": paragraphs or [article.standfirst],
            "published_at": published_at,
            "section": article.section_slug,
            "countries": list(article.countries),
            "entities": sorted(entity_ids),
        }


# --- Bulk publishing ------------------------------------------------------------------------


def grow_to(size: int, records, sections, rng: random.Random) -> dict:
    """Insert articles until `size` are published, tag them, index them; timings."""
    from django.db import transaction
    from django.utils.html import escape
    from wagtail.rich_text import RichText
    from wagtail.search.backends import get_search_backend

    from newsroom.models import ArticlePage

    have = ArticlePage.objects.count()
    if have >= size:
        return {"inserted": 0, "insert_s": 0.0, "index_s": 0.0}
    started = time.perf_counter()
    new_ids = []
    specs = list(article_specs(records, have, size, rng))
    for start in range(0, len(specs), INSERT_BATCH):
        batch = specs[start : start + INSERT_BATCH]
        with transaction.atomic():
            new_ids += insert_batch(batch, sections, RichText, escape)
    inserted = time.perf_counter() - started
    log(f"  {len(new_ids)} articles inserted in {inserted:.1f} s; indexing")
    started = time.perf_counter()
    backend = get_search_backend()
    with terms_read_once(ArticlePage):
        for start in range(0, len(new_ids), INSERT_BATCH):
            chunk = new_ids[start : start + INSERT_BATCH]
            pages = ArticlePage.objects.filter(pk__in=chunk).prefetch_related("topics")
            backend.add_bulk(ArticlePage, list(pages))
    indexed = time.perf_counter() - started
    log(f"  indexed in {indexed:.1f} s")
    analyze()
    return {"inserted": len(new_ids), "insert_s": inserted, "index_s": indexed}


@contextlib.contextmanager
def terms_read_once(model):
    """While indexing here, each page computes its search terms once.

    Wagtail's indexer asks a page for each search field several times (the title and text
    vectors, their plain copies, autocomplete), and each time the text terms re-read the
    page's entities: three times the work, half an hour at 100,000 articles on PostgreSQL.
    The index gets the same values; only the bench's setup is spared.
    """
    originals = {name: getattr(model, name) for name in ("search_title_terms", "search_text_terms")}

    def once(name, compute):
        def terms(page):
            kept = page.__dict__.setdefault("_bench_terms", {})
            if name not in kept:
                kept[name] = compute(page)
            return kept[name]

        return terms

    for name, compute in originals.items():
        setattr(model, name, once(name, compute))
    try:
        yield
    finally:
        for name, compute in originals.items():
            setattr(model, name, compute)


def insert_batch(specs, sections, RichText, escape) -> list[int]:  # noqa: N803
    """Page rows with computed tree paths, then ArticlePage rows, then accepted entities."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F
    from wagtail.models import Locale, Page

    from enrichment.models import ArticleEntity, Status
    from newsroom.models import ArticlePage

    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    pages, details, added = [], [], Counter()
    for spec in specs:
        section = sections[spec["section"]]
        added[section.pk] += 1
        step = section.numchild + added[section.pk]
        slug = f"article-{spec['number']}"
        pages.append(
            Page(
                title=spec["title"],
                draft_title=spec["title"],
                slug=slug,
                path=Page._get_path(section.path, section.depth + 1, step),
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                content_type=content_type,
                locale=locale,
                live=True,
                has_unpublished_changes=False,
                first_published_at=spec["published_at"],
                last_published_at=spec["published_at"],
            )
        )
        details.append(spec)
    Page.objects.bulk_create(pages)
    articles = [
        ArticlePage(
            page_ptr_id=page.pk,
            standfirst=spec["standfirst"],
            body=[("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in spec["paragraphs"]],
            countries=spec["countries"],
        )
        for page, spec in zip(pages, details, strict=True)
    ]
    ArticlePage._base_manager._insert(articles, fields=ArticlePage._meta.local_concrete_fields)
    for section in sections.values():
        if added[section.pk]:
            Page.objects.filter(pk=section.pk).update(numchild=F("numchild") + added[section.pk])
            section.numchild += added[section.pk]
    ArticleEntity.objects.bulk_create(
        ArticleEntity(article_id=page.pk, entity_id=eid, score=0.5, status=Status.ACCEPTED)
        for page, spec in zip(pages, details, strict=True)
        for eid in spec["entities"]
    )
    return [page.pk for page in pages]


# --- Queries --------------------------------------------------------------------------------


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def build_queries(records) -> list[tuple[str, str]]:
    """(kind, query) pairs a reader could type, from the corpus itself."""
    from enrichment.models import ArticleEntity, EntityAlias

    names = Counter()
    for raw, _, _ in records:
        for annotation in raw.get("entities", ()):
            if annotation["type"] in NAME_TYPES and len(annotation["text"]) >= 3:
                names[annotation["text"].strip()] += 1
    queries = [("name", name) for name, _ in names.most_common(40)]

    tagged = Counter(ArticleEntity.objects.values_list("entity_id", flat=True))
    aliases = []
    for entity_id, alias in EntityAlias.objects.filter(entity_id__in=list(tagged)).values_list(
        "entity_id", "name"
    ):
        if alias.isascii() and alias.replace(" ", "").isalpha() and alias not in names:
            aliases.append((tagged[entity_id], alias))
    aliases = sorted(set(aliases), key=lambda item: (-item[0], item[1]))
    queries += [("alias", alias) for _, alias in aliases[:10]]

    documents = Counter()
    bigrams = Counter()
    for _, article, _ in records:
        text = " ".join([article.title, article.standfirst, *article.paragraphs])
        words = [word.lower() for word in _WORD.findall(text)]
        documents.update({word for word in words if len(word) >= 5 and word not in _STOP})
        bigrams.update(
            {
                f"{first} {second}"
                for first, second in zip(words, words[1:], strict=False)
                if len(first) >= 4 and len(second) >= 4 and not {first, second} & _STOP
            }
        )
    common = [word for word, _ in documents.most_common(60)][:30]
    queries += [("word", word) for word in common]
    queries += [("two words", pair) for pair, _ in bigrams.most_common(30)]
    accented = [word for word, _ in documents.most_common(400) if fold(word) != word]
    for word in accented[:20]:
        queries += [("accented", word), ("unaccented", fold(word))]
    return queries


# --- Measuring ------------------------------------------------------------------------------


def naive(query: str):
    """Every word somewhere in title, standfirst or body (case-insensitive substring)."""
    from django.db.models import Q

    from newsroom.models import ArticlePage

    articles = ArticlePage.objects.published()
    for word in query.split():
        articles = articles.filter(
            Q(title__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)
        )
    return articles.count(), list(articles[:PAGE_SIZE])


def ours(query: str, *, with_page: bool):
    from search.services import load_hits, search_articles

    results = search_articles(query)
    if with_page:
        load_hits(results, results.ranked[:PAGE_SIZE])
    return results


def digest(query: str) -> str:
    """A hash of everything a search gives for `query`: the whole ranking (ids, scores,
    tagged), its total and cap, and the first page's hits with their highlighted headline
    and snippet. Two trees giving the same digest for every query give the same results."""
    import hashlib

    from search.services import load_hits, search_articles

    results = search_articles(query)
    hits = load_hits(results, results.ranked[:PAGE_SIZE])
    seen = [
        results.total,
        results.capped,
        [[item.article_id, item.score, item.tagged] for item in results.ranked],
        [[hit.article.pk, str(hit.title), str(hit.snippet), hit.tagged] for hit in hits],
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()


class CpuClock:
    """Nanoseconds on a CPU of this process and, on PostgreSQL, of its server process.

    On a loaded machine a query's wall time mostly measures waiting for a core; the time
    spent running is what the code costs. The server's share is read from
    /proc/<backend pid>/schedstat (the database runs on this machine, bench/search.py's
    server is 127.0.0.1); elsewhere only this process is counted.
    """

    def __init__(self) -> None:
        self._backend = None
        self._connection = None

    def __call__(self) -> int:
        return time.process_time_ns() + self._server_ns()

    def _server_ns(self) -> int:
        from django.db import connection

        if connection.vendor != "postgresql":
            return 0
        connection.ensure_connection()
        if connection.connection is not self._connection:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            self._connection = connection.connection
            self._backend = Path(f"/proc/{pid}/schedstat")
        try:
            return int(self._backend.read_text().split()[0])
        except OSError:  # another machine's server: its time is not ours to read
            return 0


def measure(queries, rounds: int, naive_every: int = 1) -> dict:
    """Timings of (a), (a+) and (b); (b) runs on every `naive_every`-th query only, and
    "page_beside_naive" is (a+) on those same queries, for the ratio."""
    timings = {"search": [], "page": [], "naive": [], "page_beside_naive": []}
    found = {"search": [], "naive": [], "entity": 0}
    for number, (_, query) in enumerate(queries):  # warm-up
        ours(query, with_page=True)
        if number % naive_every == 0:
            naive(query)
    for number, (_, query) in enumerate(queries):
        with_naive = number % naive_every == 0
        runs = {"search": [], "page": [], "naive": []}
        for _ in range(rounds):
            started = time.perf_counter()
            results = ours(query, with_page=False)
            runs["search"].append(time.perf_counter() - started)
            started = time.perf_counter()
            ours(query, with_page=True)
            runs["page"].append(time.perf_counter() - started)
            if with_naive:
                started = time.perf_counter()
                count, _ = naive(query)
                runs["naive"].append(time.perf_counter() - started)
        if with_naive:
            runs["page_beside_naive"] = runs["page"]
            found["naive"].append(count)
        for name, values in runs.items():
            if values:
                timings[name].append(statistics.median(values) * 1000)
        found["search"].append(results.total)
        found["entity"] += results.entity_match is not None
    return {
        name: {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "mean": statistics.fmean(values),
        }
        for name, values in timings.items()
    } | {
        "found_search": statistics.fmean(found["search"]),
        "found_naive": statistics.fmean(found["naive"]),
        "zero_search": sum(1 for n in found["search"] if n == 0),
        "zero_naive": sum(1 for n in found["naive"] if n == 0),
        "naive_queries": len(found["naive"]),
        "entity_queries": found["entity"],
    }


def profile(queries, size: int) -> None:
    """Where (a+) spends its time over all the queries: cProfile's top functions, to stderr."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _, query in queries:
        ours(query, with_page=True)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(40)
    log(f"--- profile of (a+) at {size} articles, {len(queries)} queries ---")
    log(out.getvalue())


def filter_choices(sections) -> dict:
    """One value per filter, chosen where the data is: the biggest section, the most frequent
    country, the most tagged entity, the corpus's first year."""
    import datetime

    from enrichment.models import ArticleEntity, Entity
    from newsroom.models import ArticlePage

    countries = Counter()
    for codes in ArticlePage.objects.values_list("countries", flat=True):
        countries.update(str(code) for code in codes)
    tagged = Counter(ArticleEntity.objects.values_list("entity_id", flat=True))
    section = max(sections.values(), key=lambda section: section.numchild)
    return {
        "section": {"section": section},
        "country": {"country": countries.most_common(1)[0][0]},
        "entity": {"entity": Entity.objects.get(pk=tagged.most_common(1)[0][0])},
        "dates": {
            "date_from": datetime.date(2016, 1, 1),
            "date_to": datetime.date(2016, 12, 31),
        },
    }


def measure_filters(queries, choices, rounds: int) -> dict:
    """Each filter applied inside the backend's query (the database backends) beside the
    intersection in Python that backends without those filter fields need."""
    from search import services

    in_backend = services._filters_in_backend
    timings = {"backend": [], "intersect": []}
    same = 0
    cases = [(query, arguments) for _, query in queries[::4] for arguments in choices.values()]
    for query, arguments in cases:
        runs = {"backend": [], "intersect": []}
        found = {}
        for _ in range(rounds):
            for strategy in ("backend", "intersect"):
                services._filters_in_backend = in_backend if strategy == "backend" else bool
                started = time.perf_counter()
                results = services.search_articles(query, **arguments)
                runs[strategy].append(time.perf_counter() - started)
                found[strategy] = [item.article_id for item in results.ranked]
        services._filters_in_backend = in_backend
        same += found["backend"] == found["intersect"]
        for strategy, values in runs.items():
            timings[strategy].append(statistics.median(values) * 1000)
    return {
        "filtered_cases": len(cases),
        "filtered_same": same,
        **{
            f"filtered_{strategy}": {"p50": percentile(values, 50), "p99": percentile(values, 99)}
            for strategy, values in timings.items()
        },
    }


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def data_sizes() -> dict:
    from django.db.models import Sum
    from django.db.models.functions import Length
    from wagtail.search.models import IndexEntry

    from enrichment.models import ArticleEntity
    from newsroom.models import ArticlePage

    text = ArticlePage.objects.aggregate(
        standfirst=Sum(Length("standfirst")), title=Sum(Length("title"))
    )
    body_chars = sum(
        len(" ".join(block.value.source for block in page.body if block.block_type == "paragraph"))
        for page in ArticlePage.objects.only("body").iterator(chunk_size=1000)
    )
    return {
        "articles": ArticlePage.objects.published().count(),
        "text_mb": ((text["standfirst"] or 0) + (text["title"] or 0) + body_chars) / 1e6,
        "entity_links": ArticleEntity.objects.count(),
        "index_entries": IndexEntry.objects.count(),
        "database_mb": database_bytes() / 1e6,
    }


# --- One database (child process) -----------------------------------------------------------


def worker(database: str, sizes: list[int], args: argparse.Namespace) -> None:
    started = time.perf_counter()
    rounds, keep = args.rounds, args.keep
    where = configure(database, reuse=args.reuse)
    from django.core.management import call_command

    from enrichment.gazetteer import load_gazetteer
    from newsroom.demo_content import ensure_site_tree

    call_command("migrate", verbosity=0)
    load_gazetteer()
    sections = ensure_site_tree().sections
    records = load_corpus()
    log(f"{where}: migrated, gazetteer and {len(records)} corpus articles loaded")
    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    output = {"database": database, "where": where, "sizes": []}
    queries = None
    for size in sizes:
        log(f"{database}: growing to {size} articles")
        built = grow_to(size, records, sections, rng)
        if queries is None:
            queries = build_queries(records)
        log(f"{database}: {len(queries)} queries × {rounds} rounds at {size}")
        result = measure(queries, rounds, args.naive_every)
        if args.profile:
            profile(queries, size)
        if not args.no_filters:
            result |= measure_filters(queries, filter_choices(sections), rounds)
        output["sizes"].append({"size": size, **built, **data_sizes(), **result})
    output["queries"] = Counter(kind for kind, _ in queries)
    output["examples"] = [query for _, query in queries[::15]]
    output["seconds"] = time.perf_counter() - started
    if database == "postgres" and not keep:
        drop_postgres()
    elif database == "sqlite" and not keep:
        remove_sqlite()
    print(json.dumps(output, default=str))


# --- Beside a baseline (--before) -----------------------------------------------------------


def serve(database: str, sizes: list[int], args: argparse.Namespace) -> None:
    """A child that runs the queries the parent asks for, one line of JSON each way.

    First line out: the queries (this tree's child builds them, growing the database first;
    the baseline's child is handed them). Then, for each line {"query": i} in: the times of
    (a) and (a+) for that query, once each.
    """
    tree = Path(args.tree) if args.tree else REPO
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # whatever Django or a library prints stays off the channel
    configure(database, reuse=args.reuse or args.tree is not None, tree=tree)
    if args.tree is None:
        from django.core.management import call_command

        from enrichment.gazetteer import load_gazetteer
        from newsroom.demo_content import ensure_site_tree

        call_command("migrate", verbosity=0)
        load_gazetteer()
        sections = ensure_site_tree().sections
        records = load_corpus()
        built = grow_to(max(sizes), records, sections, random.Random(SEED))  # noqa: S311
        queries = build_queries(records)
        ready = {"queries": queries, "built": built, **data_sizes()}
        del records, sections
    else:
        queries = json.loads(sys.stdin.readline())["queries"]
        ready = {"queries": queries}
    # Both children search with the heap a web process would have: the corpus this one
    # built from (some 20,000 objects, a tenth of the heap) is let go. Each of Python's full
    # collections walks the whole heap, about 100 ms here, on whichever query it falls.
    # Then the heap is frozen as a web worker's is once the app is loaded (rotative/wsgi.py):
    # a collection there never walks what start-up made.
    gc.collect()
    gc.freeze()
    channel.write(json.dumps(ready, default=str) + "\n")
    channel.flush()
    cpu = CpuClock()
    for line in sys.stdin:
        asked = json.loads(line)
        if "digest" in asked:
            channel.write(json.dumps(digest(queries[asked["digest"]][1])) + "\n")
            channel.flush()
            continue
        _, query = queries[asked["query"]]
        times = {}
        for kind, with_page in (("search", False), ("page", True)):
            started, ran = time.perf_counter(), cpu()
            ours(query, with_page=with_page)
            times[kind] = time.perf_counter() - started
            times[f"{kind}_cpu"] = (cpu() - ran) / 1e9
        channel.write(json.dumps(times) + "\n")
        channel.flush()


def beside(database: str, before: Path, args: argparse.Namespace) -> dict:
    """This tree's search and `before`'s on one database, query by query, round by round."""
    common = ["--sizes", args.sizes] + (["--reuse"] if args.reuse else [])
    children = {}
    for name, extra in (("after", []), ("before", ["--tree", str(before)])):
        command = [sys.executable, __file__, "--serve", database, *common, *extra]
        children[name] = subprocess.Popen(  # noqa: S603 (this script, our arguments)
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if name == "after":
            ready = json.loads(children["after"].stdout.readline())
    children["before"].stdin.write(json.dumps({"queries": ready["queries"]}) + "\n")
    children["before"].stdin.flush()
    children["before"].stdout.readline()

    def run(name: str, number: int) -> dict:
        child = children[name]
        child.stdin.write(json.dumps({"query": number}) + "\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    def digests(name: str) -> list[str]:
        child = children[name]
        for number in range(len(queries)):
            child.stdin.write(json.dumps({"digest": number}) + "\n")
        child.stdin.flush()
        return [json.loads(child.stdout.readline()) for _ in queries]

    queries = ready["queries"]
    found = {name: digests(name) for name in children}  # also the warm-up
    same = sum(a == b for a, b in zip(found["after"], found["before"], strict=True))
    for number in range(len(queries)):  # warm-up
        for name in children:
            run(name, number)
    kinds = ("search", "page", "search_cpu", "page_cpu")
    timings = {name: {kind: [] for kind in kinds} for name in children}
    for number in range(len(queries)):
        runs = {name: {kind: [] for kind in kinds} for name in children}
        for round_number in range(args.rounds):
            order = list(children) if round_number % 2 == 0 else list(reversed(children))
            for name in order:
                for kind, seconds in run(name, number).items():
                    runs[name][kind].append(seconds)
        for name in children:
            for kind, values in runs[name].items():
                timings[name][kind].append(statistics.median(values) * 1000)
    for child in children.values():
        child.stdin.close()
        child.wait()
    if database == "postgres" and not args.keep:
        drop_postgres()
    elif database == "sqlite" and not args.keep:
        remove_sqlite()
    figures = {
        name: {
            kind: {p: percentile(values, p) for p in (50, 95, 99)} for kind, values in kinds.items()
        }
        for name, kinds in timings.items()
    }
    return {
        "database": database,
        "queries": len(queries),
        "same_results": same,
        "ready": ready,
        "figures": figures,
    }


def report_beside(outputs: list[dict], before: str, rounds: int) -> None:
    kinds = ("search", "page", "search_cpu", "page_cpu")
    print(
        f"Search bench beside {before}: {outputs[0]['queries']} queries, median of {rounds} "
        "interleaved rounds each; (a) search_articles, (a+) plus the first page of 20 hits "
        "with snippets; wall clock, then CPU time (this process + its PostgreSQL server "
        "process). Milliseconds."
    )
    print(
        f"{'database':9} {'articles':>8} {'':6} "
        + " ".join(f"{label + ' p50':>10} {'p95':>6} {'p99':>6}" for label in ("(a)", "(a+)"))
        + "  "
        + " ".join(f"{label + ' p50':>10} {'p95':>6} {'p99':>6}" for label in ("cpu a", "cpu a+"))
    )
    for output in outputs:
        figures = output["figures"]
        for name in ("before", "after"):
            cells = [
                f"{figures[name][kind][50]:>10.1f} {figures[name][kind][95]:>6.1f} "
                f"{figures[name][kind][99]:>6.1f}"
                for kind in kinds
            ]
            print(
                f"{output['database']:9} {output['ready']['articles']:>8,} {name:6} "
                f"{cells[0]} {cells[1]}  {cells[2]} {cells[3]}"
            )
        cells = [
            f"{figures['before'][kind][50] / figures['after'][kind][50]:>9.2f}x "
            f"{figures['before'][kind][95] / figures['after'][kind][95]:>5.2f}x "
            f"{figures['before'][kind][99] / figures['after'][kind][99]:>5.2f}x"
            for kind in kinds
        ]
        print(f"{'':9} {'':8} {'b/a':6} {cells[0]} {cells[1]}  {cells[2]} {cells[3]}")
    for output in outputs:
        print(
            f"  {output['database']}: the same results (whole ranking, total, first page's "
            f"headlines and snippets) for {output['same_results']} of {output['queries']} queries"
        )


def baseline_tree(before: str) -> Path:
    """`before` as a folder: a checkout as it is, or a revision exported (bench/trees.py)."""
    if Path(before).is_dir():
        return Path(before).resolve()
    import importlib.util

    spec = importlib.util.spec_from_file_location("trees", REPO / "bench" / "trees.py")
    trees = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trees)
    return trees.export(before, Path(tempfile.mkdtemp(prefix="rotative-bench-search-before-")))


# --- Main -----------------------------------------------------------------------------------


def report(outputs: list[dict]) -> None:
    first = outputs[0]
    kinds = ", ".join(f"{count} {kind}" for kind, count in first["queries"].items())
    print(f"Search bench: {sum(first['queries'].values())} queries ({kinds})")
    print(f"  e.g. {' | '.join(first['examples'])}")
    print(
        "  (a) search_articles: French terms, entity detection, up to 1,000 ids ranked; "
        "(a+) plus the first page of 20 hits with snippets; (b) naive icontains scan over "
        "title+standfirst+body, count + newest 20. Milliseconds, median of rounds per query."
    )
    header = (
        f"{'database':9} {'articles':>8} {'text MB':>7} {'db MB':>6} "
        f"{'(a) p50':>8} {'p95':>6} {'p99':>6} {'(a+) p50':>9} {'p95':>6} {'p99':>6} "
        f"{'(b) p50':>8} {'p95':>6} {'p99':>6} {'b/a+ p50':>9} {'p95':>6} {'p99':>6} "
        f"{'found a':>8} {'found b':>8} {'none a/b':>9}"
    )
    print(header)
    for output in outputs:
        for row in output["sizes"]:
            a, page, b = row["search"], row["page"], row["naive"]
            beside = row["page_beside_naive"]
            print(
                f"{output['database']:9} {row['articles']:>8,} {row['text_mb']:>7.1f} "
                f"{row['database_mb']:>6.0f} "
                f"{a['p50']:>8.1f} {a['p95']:>6.1f} {a['p99']:>6.1f} "
                f"{page['p50']:>9.1f} {page['p95']:>6.1f} {page['p99']:>6.1f} "
                f"{b['p50']:>8.1f} {b['p95']:>6.1f} {b['p99']:>6.1f} "
                f"{b['p50'] / beside['p50']:>8.1f}x {b['p95'] / beside['p95']:>5.1f}x "
                f"{b['p99'] / beside['p99']:>5.1f}x "
                f"{row['found_search']:>8.1f} {row['found_naive']:>8.1f} "
                f"{row['zero_search']:>4}/{row['zero_naive']:<4}"
            )
    total_queries = sum(first["queries"].values())
    for output in outputs:
        for row in output["sizes"]:
            if row["naive_queries"] < total_queries:
                print(
                    f"  {output['database']} {row['articles']:,}: (b), b/a+ and found b over "
                    f"{row['naive_queries']} of the {total_queries} queries (--naive-every)"
                )
    print(
        "  Filters (biggest section, most frequent country, most tagged entity, one year) on "
        "every 4th query, p50/p99 ms: inside the backend's query vs matches intersected in "
        "Python (what backends without the filter fields need):"
    )
    for output in outputs:
        for row in output["sizes"]:
            if "filtered_backend" not in row:
                continue
            backend, intersect = row["filtered_backend"], row["filtered_intersect"]
            print(
                f"  {output['database']:9} {row['articles']:>7,}: in backend "
                f"{backend['p50']:.1f}/{backend['p99']:.1f}, intersected "
                f"{intersect['p50']:.1f}/{intersect['p99']:.1f}; same results in "
                f"{row['filtered_same']}/{row['filtered_cases']} cases"
            )
    for output in outputs:
        for row in output["sizes"]:
            if row["inserted"]:
                print(
                    f"  {output['database']} setup to {row['size']:,}: {row['inserted']:,} "
                    f"inserted in {row['insert_s']:.1f} s, indexed in {row['index_s']:.1f} s "
                    f"({row['index_entries']:,} index entries, {row['entity_links']:,} "
                    f"accepted entity links, {row['entity_queries']} queries named an entity)"
                )
        print(f"  {output['database']}: {output['where']}, run {output['seconds']:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="published articles, e.g. 1000")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query (median)")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--reuse", action="store_true", help="start from the kept databases")
    parser.add_argument("--no-filters", action="store_true", help="skip the filtered runs")
    parser.add_argument("--profile", action="store_true", help="cProfile of (a+) to stderr")
    parser.add_argument(
        "--naive-every", type=int, default=1, help="(b) on every Nth query only (slow at 100,000)"
    )
    parser.add_argument("--before", help="a revision or checkout measured beside this tree")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.worker:
        worker(args.worker, sizes, args)
        return
    if args.serve:
        serve(args.serve, sizes, args)
        return
    if args.before:
        tree = baseline_tree(args.before)
        outputs = [beside(database, tree, args) for database in args.databases.split(",")]
        report_beside(outputs, args.before, args.rounds)
        return
    outputs = []
    flags = [f"--{name.replace('_', '-')}" for name in ("keep", "reuse", "no_filters", "profile")]
    for database in args.databases.split(","):
        command = [sys.executable, __file__, "--worker", database, "--sizes", args.sizes]
        command += ["--rounds", str(args.rounds), "--naive-every", str(args.naive_every)]
        command += [flag for flag in flags if getattr(args, flag[2:].replace("-", "_"))]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode:
            sys.exit(f"the {database} run failed (exit {done.returncode})")
        outputs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    report(outputs)


if __name__ == "__main__":
    main()
