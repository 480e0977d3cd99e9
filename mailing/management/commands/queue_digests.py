"""`manage.py queue_digests`: queue the alerts and digests due now (every minute, `make run`)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mailing import matching
from mailing.tasks import queue_due_messages


class Command(BaseCommand):
    help = (
        "Queue the messages due now: bundled instant alerts, then daily and weekly digests "
        "for readers whose digest hour has come; forget the sent matches that can no longer "
        "stop a second copy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be queued, then roll everything back.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to the task worker instead of doing it in this process.",
        )

    def handle(self, *args, dry_run=False, enqueue=False, verbosity=1, **options):
        if enqueue and not dry_run:
            result = queue_due_messages.enqueue()
            if verbosity:
                self.stdout.write(f"queueing of due messages queued ({result.id})")
            return
        with transaction.atomic():
            counts = matching.queue_due_messages()
            forgotten = matching.forget_sent_matches(timezone.now())
            if dry_run:
                transaction.set_rollback(True)
        if not verbosity and not dry_run:
            return  # `make run` calls this every minute with -v0
        verb = "would queue" if dry_run else "queued"
        self.stdout.write(
            f"{verb} {counts['alerts']} alerts, {counts['daily']} daily and "
            f"{counts['weekly']} weekly digests; "
            f"{'would forget' if dry_run else 'forgot'} {forgotten} sent matches"
        )
