"""`manage.py queue_progress [--watch SECONDS]`: the task queue by kind, done, left and rate.

Why (issue #15): a bulk import leaves the workers hours of enrichment, indexing and related
refreshes; the newsroom needs to see how far they are and when they will be done.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsroom.queue_progress import queue_progress


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
            progress = queue_progress()
            for kind in progress.kinds:
                self.stdout.write(
                    f"{kind['task']}: {kind['READY']} waiting, {kind['RUNNING']} running, "
                    f"{kind['SUCCESSFUL']} done, {kind['FAILED']} failed"
                )
            eta = f", about {progress.seconds_left} s left" if progress.seconds_left else ""
            self.stdout.write(
                f"Total: {progress.done} done, {progress.left} left, "
                f"{progress.per_second:.1f} tasks/s{eta}"
            )
            if not options["watch"] or progress.left == 0:
                return
            time.sleep(options["watch"])
