"""`manage.py poll_feeds`: queue a poll of every due feed (run every minute by `make run`)."""

from typing import Any

from django.core.management.base import BaseCommand

from ingest.tasks import poll_due_feeds


class Command(BaseCommand):
    help = "Queue the polling of every source feed whose interval has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = poll_due_feeds.enqueue()
        self.stdout.write(f"poll queued ({result.id})")
