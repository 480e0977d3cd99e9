"""Forgetting what was sent, once it can no longer keep anyone from a second copy (#15).

A PendingMatch attached to a message is kept after sending for one reason: if its article
is matched again (a correction, an editor's decision), the unique (subscriber, article,
frequency) stops the reader from getting it twice. An article is matched only within
MATCH_WINDOW of its first publication, and a digest takes only what was matched after the
reader's previous digest, so a row is of no more use once
  - its message is over (sent, bounced or suppressed; a failed one stays for whoever looks
    into it), and
  - its article's last matching is older than MATCH_WINDOW (none can come), and
  - for a digest, the reader has had a digest since that last matching.
Without this, the rows grow by one per reader per article for ever; with it, they hold
about the last MATCH_WINDOW and one digest period of mail.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from mailing.matching.matches import MATCH_WINDOW
from mailing.models import Delivery, Frequency, MatchedArticle, PendingMatch

OVER = (Delivery.Status.SENT, Delivery.Status.BOUNCED, Delivery.Status.SUPPRESSED)
STAMPS = {Frequency.DAILY: "last_daily_digest_at", Frequency.WEEKLY: "last_weekly_digest_at"}


def forgettable_matches(now: datetime) -> QuerySet[PendingMatch]:
    """The PendingMatch rows that can no longer stop a second copy of their article."""
    closed = MatchedArticle.objects.filter(matched_at__lt=now - MATCH_WINDOW)
    rows = PendingMatch.objects.filter(
        delivery__status__in=OVER, article_id__in=closed.values("article_id")
    )
    covered = Q(frequency=Frequency.INSTANT)
    for frequency, stamp in STAMPS.items():
        digest_since = closed.filter(
            article_id=OuterRef("article_id"), matched_at__lte=OuterRef(f"subscriber__{stamp}")
        )
        covered |= Q(frequency=frequency) & Q(Exists(digest_since))
    return rows.filter(covered)


def forget_sent_matches(now: datetime) -> int:
    """Delete the rows `forgettable_matches` finds; returns how many."""
    deleted, _ = forgettable_matches(now).delete()
    return deleted
