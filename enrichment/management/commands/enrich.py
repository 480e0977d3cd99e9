"""`manage.py enrich [--all | --since DATE] [--now]`: re-enrich stored articles.

By default the work is queued as one background task per batch for the worker; `--now`
runs it here with a progress bar. Editors' decisions are never overridden.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date

from enrichment import services
from enrichment.tasks import enrich_articles
from newsroom.models import ArticlePage

BATCH = 50


class Command(BaseCommand):
    help = "Re-enrich stored articles (entities, quotes, topics, countries)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Every article.")
        which.add_argument("--since", metavar="DATE", help="Articles published since DATE.")
        parser.add_argument("--now", action="store_true", help="Run here, not in the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        pages = ArticlePage.objects.order_by("pk")
        if options["since"]:
            since = parse_date(options["since"])
            if since is None:
                raise CommandError(
                    f"--since wants a date like 2024-03-01, not {options['since']!r}."
                )
            pages = pages.filter(first_published_at__date__gte=since)
        ids = list(pages.values_list("pk", flat=True))
        if not options["now"]:
            for start in range(0, len(ids), BATCH):
                enrich_articles.enqueue(ids[start : start + BATCH])
            self.stdout.write(f"{len(ids)} articles queued for enrichment.")
            return
        total = len(ids)

        def progress(done: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
            sys.stderr.flush()

        services.enrich_pages(pages, progress=progress)
        self.stderr.write("")
        self.stdout.write(f"{total} articles enriched.")
