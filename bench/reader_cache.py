"""Reader page cache: does a page stay cached in a busy newsroom? Before and after issue #15.

    .venv/bin/python bench/reader_cache.py [--articles 450] [--reread 50]

One fresh SQLite site (a temporary file) with `--articles` published articles, read through
Django's test client with the file cache as production configures it (a temporary folder).
Two set-ups, side by side in one run:

- before: Django's per-site cache middleware (Update/FetchFromCacheMiddleware) over the file
  cache with Django's default 300 entries, and a publish purging with `cache.clear()`;
- after: the reader cache (`newsroom.reader_cache`) over the file cache as
  `rotative/settings/base.py` sets it (MAX_ENTRIES, CULL_FREQUENCY), and a publish purging
  its page families (`newsroom.reader_purge`).

- after, kept 300 s: the same, but the server keeping a page only as long as CDNs are told
  (`READER_CACHE_KEEP_SECONDS=300`), as it did before the two were told apart.

For each: read articles 1..N (`--reread`), then the other articles, then 1..N again (hits
counted), then publish one more article and read 1..N a third time (hits counted), then,
ten minutes later (the clock moved by time-machine: nobody read them meanwhile, as most of
an archive), 1..N a fourth time. A hit is a response that ran no database query. Times are
the median per request, in ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))
DB_PATH = Path(tempfile.gettempdir()) / "rotative_bench_reader_cache.sqlite3"
CACHE_DIR = Path(tempfile.gettempdir()) / "rotative_bench_reader_cache"
CACHE_URL = os.environ.get("CACHE_URL", "")

STOCK_MIDDLEWARE = {
    "newsroom.reader_cache.ReaderCacheUpdateMiddleware": (
        "django.middleware.cache.UpdateCacheMiddleware"
    ),
    "newsroom.reader_cache.ReaderCacheFetchMiddleware": (
        "django.middleware.cache.FetchFromCacheMiddleware"
    ),
}


def setup_django() -> None:
    for path in (DB_PATH, Path(f"{DB_PATH}-wal"), Path(f"{DB_PATH}-shm")):
        path.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rotative.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_site(count: int) -> tuple[list[str], object]:
    from wagtail.models import Page, Site

    from newsroom.tests.factories import (
        ArticlePageFactory,
        HomePageFactory,
        SectionPageFactory,
        TopicFactory,
    )

    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.root_page = "testserver", 80, home
    site.save()
    for page in root.get_children().exclude(pk=home.pk):
        page.delete()
    sections = [SectionPageFactory(parent=home, title=name) for name in ("Maghreb", "Golfe")]
    topics = [TopicFactory() for _ in range(8)]
    urls = []
    for number in range(count):
        article = ArticlePageFactory(
            parent=sections[number % 2], topics=[topics[number % len(topics)]]
        )
        urls.append(article.url)
    return urls, sections[0]


def read(client, url: str) -> tuple[bool, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 queries) would count 0 each time
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, url
    return len(queries) == 0, elapsed * 1000


def scenario(
    name: str, urls: list[str], reread: int, section, purge_old_way: bool, keep: int = 86400
) -> dict:
    import time_machine
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client, override_settings

    from newsroom.tests.factories import ArticlePageFactory
    from rotative.settings import base as base_settings

    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    production = dict(base_settings.CACHES["default"]) if not CACHE_URL else {}
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CACHE_DIR),
        }
        if purge_old_way or not production
        else {**production, "LOCATION": str(CACHE_DIR)}
    }
    middleware = list(settings.MIDDLEWARE)
    if purge_old_way:
        middleware = [STOCK_MIDDLEWARE.get(item, item) for item in middleware]
    with override_settings(
        CACHES=caches,
        MIDDLEWARE=middleware,
        CACHE_MIDDLEWARE_SECONDS=300,
        READER_CACHE_KEEP_SECONDS=keep,
        READER_FRAGMENT_SECONDS=keep,
    ):
        client = Client()
        first, others = urls[:reread], urls[reread:]
        for url in first + others:
            read(client, url)
        again = [read(client, url) for url in first]
        read(client, "/")
        from django.db import transaction

        with transaction.atomic():
            ArticlePageFactory(parent=section, title=f"Dernière minute ({name})")
        if purge_old_way:
            cache.clear()
        after = [read(client, url) for url in first]
        home_hit, _ = read(client, "/")
        with time_machine.travel(time.time() + 600, tick=True):
            later = [read(client, url) for url in first]
    return {
        "name": name,
        "reread_hits": sum(hit for hit, _ in again),
        "reread_ms": statistics.median(ms for _, ms in again),
        "after_publish_hits": sum(hit for hit, _ in after),
        "after_publish_ms": statistics.median(ms for _, ms in after),
        "home_purged": not home_hit,
        "later_hits": sum(hit for hit, _ in later),
        "later_ms": statistics.median(ms for _, ms in later),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=450)
    parser.add_argument("--reread", type=int, default=50)
    arguments = parser.parse_args()
    setup_django()
    started = time.perf_counter()
    urls, section = build_site(arguments.articles)
    print(
        f"reader cache: {arguments.articles} articles built in "
        f"{time.perf_counter() - started:.0f} s; re-reading articles 1-{arguments.reread} "
        f"after the {arguments.articles - arguments.reread} others, then after one publish",
        file=sys.stderr,
    )
    rows = [
        scenario(
            "before (Django middleware, 300 entries, clear)", urls, arguments.reread, section, True
        ),
        scenario("after (reader cache, families)", urls, arguments.reread, section, False),
        scenario("after, kept 300 s", urls, arguments.reread, section, False, keep=300),
    ]
    n = arguments.reread
    print(
        f"| set-up | re-read hits /{n} | ms/page | after a publish hits /{n} | ms/page "
        f"| la une purged | 10 min later hits /{n} | ms/page |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['name']} | {row['reread_hits']} | {row['reread_ms']:.1f} | "
            f"{row['after_publish_hits']} | {row['after_publish_ms']:.1f} | "
            f"{'yes' if row['home_purged'] else 'no'} | {row['later_hits']} | "
            f"{row['later_ms']:.1f} |"
        )
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    DB_PATH.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
