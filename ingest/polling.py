"""Source feeds read on schedule: every item through `ingest_article`, a bad one recorded.

Split from `ingest.services` (issue #14, when pictures took it past 400 lines): the poller
is a consumer of the services, like the `ingest` command.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from ingest.exceptions import IngestError
from ingest.models import IngestFailure, SourceFeed
from ingest.services import IngestOutcome, extract_location, ingest_article

logger = logging.getLogger(__name__)


@dataclass
class PollReport:
    feed_id: int
    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)

    def __str__(self) -> str:
        return (
            f"feed {self.feed_id}: {self.count(IngestOutcome.CREATED)} created, "
            f"{self.count(IngestOutcome.UPDATED)} updated, "
            f"{self.count(IngestOutcome.UNCHANGED)} unchanged, "
            f"{self.count(IngestOutcome.MERGED)} merged, "
            f"{self.count(IngestOutcome.HELD)} held for an editor, {len(self.failures)} failed"
        )


def _record_failure(feed: SourceFeed, location: str, item: str, error: IngestError) -> str:
    IngestFailure.objects.create(
        feed=feed, location=location[:1000], item=item[:500], code=error.code, message=error.message
    )
    logger.warning("Ingest failure %s on %s: %s", error.code, location, error.message)
    return f"{error.code}: {error.message}"


def poll_feed(feed: SourceFeed) -> PollReport:
    """Fetch one feed and ingest every item; a bad item is recorded and the rest goes on."""
    report = PollReport(feed_id=feed.pk)
    now = timezone.now()
    feed.last_polled_at = now
    try:
        items = extract_location(
            feed.url, format_name=feed.format, fetch_full_pages=feed.fetch_full_page
        )
    except IngestError as error:
        report.failures.append(_record_failure(feed, feed.url, "", error))
        feed.last_error_at, feed.last_error = now, error.message
        feed.save(update_fields=["last_polled_at", "last_error_at", "last_error"])
        return report
    for item in items:
        try:
            outcome = ingest_article(
                item, section=feed.section, publish=feed.publish, source=feed.source, feed=feed
            )
        except IngestError as error:
            report.failures.append(_record_failure(feed, feed.url, item.guid or item.title, error))
            continue
        report.outcomes.append(outcome)
    feed.last_success_at = now
    feed.items_ingested += report.count(IngestOutcome.CREATED)
    if report.failures:
        feed.last_error_at, feed.last_error = now, report.failures[-1]
    feed.save(
        update_fields=[
            "last_polled_at",
            "last_success_at",
            "items_ingested",
            "last_error_at",
            "last_error",
        ]
    )
    return report


def due_feeds(now: datetime | None = None) -> list[SourceFeed]:
    now = now or timezone.now()
    return [feed for feed in SourceFeed.objects.filter(is_active=True) if feed.is_due(now)]
