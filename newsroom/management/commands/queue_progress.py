"""`manage.py queue_progress [--watch SECONDS]`: the task queue by kind, done, left and rate.

Why (issue #15): a bulk import leaves the workers hours of enrichment, indexing and related
refreshes; the newsroom needs to see how far they are and when they will be done.
"""

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.task_queue import queue_by_kind

RATE_WINDOW = timedelta(minutes=1)


class Command(BaseCommand):
    help = "Show the task queue by kind: waiting, running, done, failed; the rate and ETA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="Print again every SECONDS until nothing is left.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            left = self.report()
            if not options["watch"] or left == 0:
                return
            time.sleep(options["watch"])

    def report(self) -> int:
        kinds = queue_by_kind()
        for kind in kinds:
            self.stdout.write(
                f"{kind['task']}: {kind['READY']} waiting, {kind['RUNNING']} running, "
                f"{kind['SUCCESSFUL']} done, {kind['FAILED']} failed"
            )
        done = sum(kind["SUCCESSFUL"] + kind["FAILED"] for kind in kinds)
        left = sum(kind["READY"] + kind["RUNNING"] for kind in kinds)
        since = timezone.now() - RATE_WINDOW
        recent = DBTaskResult.objects.filter(finished_at__gte=since).count()
        rate = recent / RATE_WINDOW.total_seconds()
        eta = f", about {round(left / rate)} s left" if rate and left else ""
        self.stdout.write(f"Total: {done} done, {left} left, {rate:.1f} tasks/s{eta}")
        return left
