"""Send the deliveries that are due: one pass, or a worker loop until SIGTERM/SIGINT."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from mailing.sending import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_RATE_PER_SECOND,
    RateLimiter,
    count_due,
    default_worker_id,
    send_due,
    setting,
)

IDLE_SECONDS = 1.5


class Command(BaseCommand):
    help = (
        "Send due newsletters, alerts and confirmations (the Delivery ledger). With --loop, "
        "keep sending until SIGTERM or SIGINT, which finish the current message first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run until stopped.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=f"Rows claimed per pass (MAILING_BATCH_SIZE, default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=None,
            help="Messages per second, 0 for no limit "
            f"(MAILING_RATE_PER_SECOND, default {DEFAULT_RATE_PER_SECOND}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the due deliveries; send nothing."
        )

    def handle(self, *args, loop=False, batch_size=None, rate=None, dry_run=False, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if rate is not None and rate < 0:
            raise CommandError("--rate must be 0 (no limit) or more")
        if dry_run:
            self.stdout.write(f"{count_due()} deliveries due; nothing sent (dry run).")
            return
        if rate is None:
            rate = setting("MAILING_RATE_PER_SECOND", DEFAULT_RATE_PER_SECOND)
        self.stopping = False
        if loop:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        worker_id = default_worker_id()
        limiter = RateLimiter(rate)
        while True:
            try:
                report = send_due(
                    batch_size=batch_size,
                    rate_per_second=rate,
                    worker_id=worker_id,
                    limiter=limiter,
                    should_stop=lambda: self.stopping,
                )
            except DatabaseError as error:
                if not loop:
                    raise CommandError(f"database error: {error}") from error
                # The database restarting must not end the worker: wait, reconnect, go on.
                self.stderr.write(f"database error, retrying: {error}")
                close_old_connections()
                self.idle(IDLE_SECONDS * 2)
                continue
            if report.claimed or not loop:
                self.stdout.write(str(report))
            if not loop or self.stopping:
                break
            close_old_connections()
            if not report.handled:
                self.idle(IDLE_SECONDS)

    def stop(self, signum, frame):
        self.stopping = True

    def idle(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)
