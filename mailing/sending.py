"""Sending the ledger: claim due deliveries, send them over one connection, record each outcome.

One pass of `send_due`:

1. **Claim** up to `batch_size` due rows in one transaction: `queued` rows whose `not_before`
   has come, and `sending` rows whose claim is older than the lease (their worker died).
   PostgreSQL locks them with `SELECT … FOR UPDATE SKIP LOCKED`; elsewhere (SQLite) a
   conditional `UPDATE … WHERE pk IN (…) AND <still due>` decides, and the rows this worker
   actually won are read back. Either way two workers never hold the same row.
2. For each chunk of rows (`preparing.CHUNK_SIZE`, and again whenever a quarter of the lease
   has passed): **renew** the claims in one conditional UPDATE (rows another worker took
   over are skipped), read the subscribers, the suppression list and the matched articles in
   a few queries (an opt-out or a bounce since the row was queued stops it: `suppressed`),
   and store the Message-IDs. Then for each row: fill the edition's email with the reader's
   values (mailing.editions: templates and MJML run once per edition, never per reader),
   wait for the rate limiter, send it over the batch's one connection (pipelined when the
   server offers PIPELINING: two round trips a message), and **mark** it `sent`: the marks
   are written MAILING_MARK_BATCH at a time, or after a second at most, in one statement
   and one commit (`claims.Unrecorded`), and at the end of the pass.
3. Failures: a temporary one (SMTP 4xx, a dropped or refused connection, a timeout) puts the
   row back in the queue with exponential backoff, up to `MAILING_MAX_ATTEMPTS` attempts, then
   `failed`. A permanent one for the recipient (5xx at RCPT or DATA) is `bounced` and adds a
   Suppression(reason=bounce), never retried. A dropped connection is reopened once; if the
   server cannot be reached, or turns away `MAILING_PAUSE_AFTER_FAILURES` messages in a row,
   the pass stops and the rest of the batch is released for a minute later, no attempt
   counted: a throttling server does not use up the readers' attempts.

Settings (all optional): MAILING_BATCH_SIZE (100), MAILING_RATE_PER_SECOND (10; 0 = no limit),
MAILING_CLAIM_LEASE_SECONDS (600), MAILING_MAX_ATTEMPTS (5), MAILING_RETRY_BASE_SECONDS (60),
MAILING_RETRY_MAX_SECONDS (6 h), MAILING_PAUSE_AFTER_FAILURES (5; 0 = never),
MAILING_MARK_BATCH (20; 1 = a commit per message), EMAIL_TIMEOUT (30 s here when unset: a
hung server must not outlast the lease).

Duplicates (RELIABILITY 12–13, 15). The only messages that can be sent twice are those in
flight when their worker dies: accepted by the server but not yet marked `sent` (at most
MAILING_MARK_BATCH: the marks waiting for their commit, and the message being sent), or cut
off after DATA before the server's reply. Their rows stay `sending` and are sent again once
the lease expires (a cut-off connection puts its row back in the queue at once, with
backoff). So a killed worker causes at most MAILING_MARK_BATCH duplicates (20 by default; a
commit per message, MAILING_MARK_BATCH = 1, brings it back to one, at the cost of a commit
per message); the rows it claimed but had not started are sent once, later, by another
worker. The resend carries the same Message-ID (`rendering.ensure_message_id` stores it
before the first attempt), so a receiver can recognise it. N worker processes killed at
once: at most N × MAILING_MARK_BATCH duplicates. Keep the lease
well above the SMTP timeout (claims are renewed at least every quarter of the lease), so a
live worker never loses its rows to another. With MAILING_FAST_COMMITS (PostgreSQL, off by
default) a pass commits without waiting for the disk (`claims.quick_commits`): a crash of
PostgreSQL itself, not of a worker, may forget the last fraction of a second of marks, and
those messages go again, same Message-ID.

Throughput: N processes (`send_deliveries --workers N`, or N commands) each hold their own
claims and connection; on PostgreSQL they never wait for each other (SKIP LOCKED).

Talking to the server (the connection, the pacing, sorting its refusals) is mailing.transport.
`send_due` must run outside `transaction.atomic()` (a task, the command): its commits every
MAILING_MARK_BATCH messages are what bound the duplicates.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from mailing.claims import (
    SentMark,
    Unrecorded,
    claim_due,
    count_due,
    held,
    lease_seconds,
    quick_commits,
    release,
    setting,
)
from mailing.editions import EditionCache
from mailing.exceptions import EmptyMessage
from mailing.models import Delivery, Subscriber, Suppression
from mailing.preparing import CHUNK_SIZE, Ready, finish, prepare, why_not_send
from mailing.rendering import ensure_message_id, render_delivery
from mailing.transport import (
    TEMPORARY_ERRORS,
    Failure,
    MailConnection,
    RateLimiter,
    classify,
    provider_message_id,
)

__all__ = [
    "RateLimiter",
    "claim_due",
    "count_due",
    "release",
    "send_due",
    "setting",
    "why_not_send",
]

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
DEFAULT_RATE_PER_SECOND = 10
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_BASE_SECONDS = 60
DEFAULT_RETRY_MAX_SECONDS = 6 * 3600
DEFAULT_SMTP_TIMEOUT_SECONDS = 30
DEFAULT_PAUSE_AFTER_FAILURES = 5
DEFAULT_MARK_BATCH = 20


@dataclass
class SendReport:
    """What one pass did, row by row outcome."""

    worker_id: str
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    suppressed: int = 0
    released: int = 0
    lost_claims: int = 0
    server_error: str = ""

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.bounced + self.suppressed

    def __str__(self):
        text = (
            f"{self.worker_id}: claimed {self.claimed}, sent {self.sent}, "
            f"retried {self.retried}, failed {self.failed}, bounced {self.bounced}, "
            f"suppressed {self.suppressed}, released {self.released}"
        )
        if self.server_error:
            text += f" (stopped: {self.server_error})"
        return text


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_delay(attempts: int) -> timedelta:
    """1 min, 2, 4, 8… after the 1st, 2nd, 3rd, 4th failed attempt, at most 6 h."""
    base = setting("MAILING_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    cap = setting("MAILING_RETRY_MAX_SECONDS", DEFAULT_RETRY_MAX_SECONDS)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def send_due(
    *,
    batch_size: int | None = None,
    rate_per_second: float | None = None,
    worker_id: str | None = None,
    now: datetime | None = None,
    limiter: RateLimiter | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SendReport:
    """Claim one batch of due deliveries and send them; see the module docstring.

    `now` fixes the time of the pass (claims, sent_at, backoff); by default the clock.
    `limiter` carries the rate across passes (the command's loop); `should_stop` is asked
    before each message, and the rows not yet started are given back when it says so.
    """
    batch_size = batch_size or setting("MAILING_BATCH_SIZE", DEFAULT_BATCH_SIZE)
    if rate_per_second is None:
        rate_per_second = setting("MAILING_RATE_PER_SECOND", DEFAULT_RATE_PER_SECOND)
    limiter = limiter or RateLimiter(rate_per_second)
    worker_id = worker_id or default_worker_id()
    should_stop = should_stop or (lambda: False)

    def clock():
        return now if now is not None else timezone.now()

    with quick_commits():
        return _pass(batch_size, limiter, worker_id, should_stop, clock)


def _pass(batch_size, limiter, worker_id, should_stop, clock) -> SendReport:
    report = SendReport(worker_id=worker_id)
    claimed = claim_due(worker_id=worker_id, batch_size=batch_size, now=clock())
    report.claimed = len(claimed)
    if not claimed:
        return report
    pending = [delivery.pk for delivery in claimed]
    mark_batch = setting("MAILING_MARK_BATCH", DEFAULT_MARK_BATCH)
    unrecorded = Unrecorded(worker_id, report, batch=mark_batch)
    try:
        _send_claimed(pending, limiter, worker_id, should_stop, clock, report, unrecorded)
    except DatabaseError:
        # The database is away: what was sent and not recorded stays `sending` and goes
        # again after the lease, with the same Message-ID (the in-flight window).
        raise
    except BaseException:
        unrecorded.record()  # a bug or an interrupt must not widen the window
        raise
    unrecorded.record()
    if pending:
        delay = timedelta(seconds=setting("MAILING_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS))
        not_before = clock() + delay if report.server_error else None
        report.released = release(pending, worker_id=worker_id, not_before=not_before)
    return report


def _send_claimed(pending, limiter, worker_id, should_stop, clock, report, unrecorded) -> None:
    """Send the claimed rows in `pending` in order, taking each out as it is handled."""
    editions = EditionCache()
    pause_after = setting("MAILING_PAUSE_AFTER_FAILURES", DEFAULT_PAUSE_AFTER_FAILURES)
    failures_in_a_row = 0
    timeout = setting("EMAIL_TIMEOUT", DEFAULT_SMTP_TIMEOUT_SECONDS)
    # A claim is renewed at most this long before its message starts (it was renewed before
    # each message): well inside the lease, so a live worker never loses its rows.
    renew_after = lease_seconds() / 4
    ready: dict[int, Ready] = {}
    renewed = 0.0
    with MailConnection(timeout=timeout) as mail_connection:
        while pending and not should_stop():
            if pending[0] not in ready or time.monotonic() - renewed > renew_after:
                renewed = time.monotonic()
                unrecorded.renew(clock())
                ready = prepare(pending[:CHUNK_SIZE], worker_id, clock(), report)
            pk = pending[0]
            if pk not in ready:  # suppressed or lost: already counted
                pending.pop(0)
                continue
            try:
                mail_connection.ensure_open()
            except TEMPORARY_ERRORS as error:
                # The server cannot be reached: nobody's fault but ours; retry the whole
                # batch later without counting an attempt.
                report.server_error = f"{type(error).__name__}: {error}"
                logger.warning("SMTP server unreachable, batch released: %s", error)
                return
            pending.pop(0)
            item = ready.pop(pk)
            failed = _send_one(item, mail_connection, limiter, clock, report, editions, unrecorded)
            failures_in_a_row = failures_in_a_row + 1 if failed else 0
            if unrecorded.due():
                unrecorded.record()
            if pause_after and failures_in_a_row >= pause_after:
                # The server turns every message away (throttled, greylisting us, out of
                # quota): stop burning the readers' attempts; the rest waits for later.
                report.server_error = f"{failures_in_a_row} temporary failures in a row"
                logger.warning("Sending paused: %s", report.server_error)
                return


def _send_one(item: Ready, mail_connection, limiter, clock, report, editions, unrecorded) -> bool:
    """Send one claimed row and record the outcome; True if the server failed it for now."""
    delivery = item.delivery
    pk = delivery.pk
    mine = Held(pk, unrecorded.worker_id)  # only the rarer outcomes below build its query
    try:
        if delivery.kind == Delivery.Kind.CONFIRMATION:
            ensure_message_id(delivery)
            message = render_delivery(delivery, articles=editions.articles)
        else:
            message = editions.fill(delivery, item.article_ids, delivery.message_id)
    except EmptyMessage:
        finish(
            mine,
            report,
            "suppressed",
            status=Delivery.Status.SUPPRESSED,
            last_error="no published article left to send",
        )
        return False
    except DatabaseError:
        raise  # The database is away: the row stays claimed and is retried after the lease.
    except Exception as error:  # noqa: BLE001 - a template or data bug must not stall the queue
        logger.exception("Delivery %s could not be rendered", pk)
        finish(
            mine,
            report,
            "failed",
            status=Delivery.Status.FAILED,
            attempts=delivery.attempts + 1,
            last_error=f"rendering: {type(error).__name__}: {error}"[:2000],
        )
        return False

    limiter.wait()
    try:
        sent = mail_connection.send(message)
    except TEMPORARY_ERRORS as error:
        failure = classify(error)
        if failure.reconnect or not mail_connection.usable():
            mail_connection.close()
        _record_failure(delivery, mine, failure, clock(), report)
        return not failure.permanent
    unrecorded.add(SentMark(pk, delivery.attempts + 1, clock(), provider_message_id(sent)))
    if delivery.kind == Delivery.Kind.CONFIRMATION:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(confirmation_sent_at=clock())
    return False


def _record_failure(delivery, mine, failure: Failure, now, report) -> None:
    attempts = delivery.attempts + 1
    if failure.permanent:
        email = delivery.subscriber.email
        with transaction.atomic():
            suppression, created = Suppression.objects.get_or_create(
                email__iexact=email,
                defaults={
                    "email": email,
                    "reason": Suppression.Reason.BOUNCE,
                    "detail": failure.detail,
                },
            )
            if not created and suppression.reason == Suppression.Reason.UNSUBSCRIBE:
                # A reader who left and came back to a dead address: the bounce is what counts.
                suppression.reason = Suppression.Reason.BOUNCE
                suppression.detail = failure.detail
                suppression.save(update_fields=["reason", "detail"])
            finish(
                mine,
                report,
                "bounced",
                status=Delivery.Status.BOUNCED,
                attempts=attempts,
                last_error=failure.detail,
            )
        return
    if attempts >= setting("MAILING_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS):
        finish(
            mine,
            report,
            "failed",
            status=Delivery.Status.FAILED,
            attempts=attempts,
            last_error=failure.detail,
        )
        return
    logger.info(
        "Delivery %s will be retried (attempt %s): %s", delivery.pk, attempts, failure.detail
    )
    finish(
        mine,
        report,
        "retried",
        status=Delivery.Status.QUEUED,
        attempts=attempts,
        not_before=now + retry_delay(attempts),
        claimed_by="",
        claimed_at=None,
        last_error=failure.detail,
    )


class Held:
    """The row `pk` while `worker_id` holds it, as a queryset built on first use."""

    def __init__(self, pk: int, worker_id: str) -> None:
        self.pk, self.worker_id = pk, worker_id

    def update(self, **fields: Any) -> int:
        return held([self.pk], self.worker_id).update(**fields)
