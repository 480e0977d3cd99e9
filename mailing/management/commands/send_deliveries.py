"""Send the deliveries that are due: one pass, or a worker loop until SIGTERM/SIGINT.

`--workers N` runs N such processes (each its own SMTP connection) and prints the progress of
all of them. Safe on any database: a row is claimed by one worker only (mailing.claims); on
PostgreSQL they never wait for each other (SKIP LOCKED), on SQLite their claims take turns.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from mailing.models import Delivery
from mailing.progress import Progress
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
            "--workers",
            type=int,
            default=1,
            help="Worker processes, each with its own connection (default 1). The rate "
            "applies to each.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the due deliveries; send nothing."
        )

    def handle(
        self, *args, loop=False, batch_size=None, rate=None, dry_run=False, workers=1, **options
    ):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if rate is not None and rate < 0:
            raise CommandError("--rate must be 0 (no limit) or more")
        if dry_run:
            self.stdout.write(f"{count_due()} deliveries due; nothing sent (dry run).")
            return
        if rate is None:
            rate = setting("MAILING_RATE_PER_SECOND", DEFAULT_RATE_PER_SECOND)
        self.stopping = False
        if loop or workers > 1:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        if workers > 1:
            self.run_workers(workers, loop=loop, batch_size=batch_size, rate=rate)
            return
        progress = Progress()
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
            progress.sent += report.sent
            if report.claimed or not loop:
                self.stdout.write(str(report))
            if report.claimed and (progress.due() or not loop):
                self.stdout.write(progress.line())
            if not loop or self.stopping:
                break
            close_old_connections()
            if not report.handled:
                self.idle(IDLE_SECONDS)

    def run_workers(self, count, *, loop, batch_size, rate):
        """Start `count` single workers; forward a stop to them; print the progress."""
        command = [sys.executable, "-m", "django", "send_deliveries", "--rate", str(rate)]
        if batch_size:
            command += ["--batch-size", str(batch_size)]
        command += ["--loop"]  # each drains the queue; without --loop we stop them when empty
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        children = [
            subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
            for _ in range(count)
        ]
        sent_before = Delivery.objects.filter(status=Delivery.Status.SENT).count()
        progress = Progress()
        try:
            while any(child.poll() is None for child in children):
                self.idle(0.25)
                if progress.due():
                    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
                    self.stdout.write(progress.line(sent=sent - sent_before))
                if self.stopping or (not loop and count_due() == 0 and not self.sending()):
                    break
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait()
        sent = Delivery.objects.filter(status=Delivery.Status.SENT).count() - sent_before
        self.stdout.write(progress.line(sent=sent))

    @staticmethod
    def sending():
        return Delivery.objects.filter(status=Delivery.Status.SENDING).exists()

    def stop(self, signum, frame):
        self.stopping = True

    def idle(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)
