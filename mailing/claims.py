"""The ledger's claims: which rows are due, who holds them, and the cheap writes of a pass.

`claim_due` marks a batch `sending` for one worker in one transaction (PostgreSQL: `SELECT …
FOR UPDATE SKIP LOCKED`; elsewhere a conditional UPDATE and a read-back), so two workers never
hold the same row. `renew` refreshes the claim of the rows a worker is about to send and tells
which are still its own (a worker past its lease may have lost some). `mark_sent` records the
messages the server accepted, a few at a time in one commit (MAILING_MARK_BATCH): a killed
worker resends at most those it had not recorded yet (see mailing.sending).
"""

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from mailing.models import Delivery

DEFAULT_LEASE_SECONDS = 600
MARK_AT_LEAST_EVERY = 1.0  # seconds an accepted message waits, at most, to be recorded

logger = logging.getLogger(__name__)


def setting(name: str, default: Any) -> Any:
    """A MAILING_* setting, or its default when the settings leave it out."""
    value = getattr(settings, name, None)
    return default if value is None else value


def lease_seconds() -> float:
    return setting("MAILING_CLAIM_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)


def due(now: datetime) -> Q:
    """Rows a worker may claim at `now`: queued and due, or held by a worker past its lease."""
    lease = timedelta(seconds=lease_seconds())
    return Q(status=Delivery.Status.QUEUED, not_before__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - lease
    )


def count_due(*, now: datetime | None = None) -> int:
    return Delivery.objects.filter(due(now or timezone.now())).count()


def count_left() -> int:
    """Rows not yet finished: queued (due or later) or being sent."""
    return Delivery.objects.filter(
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).count()


def claim_due(*, worker_id: str, batch_size: int, now: datetime) -> list[Delivery]:
    """Mark up to `batch_size` due rows `sending` for `worker_id`; return the rows it won."""
    candidates = Delivery.objects.filter(due(now)).order_by("not_before", "pk")
    with transaction.atomic():
        if db_connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return []
        # Conditional: a row another worker claimed meanwhile no longer matches `due`.
        Delivery.objects.filter(due(now), pk__in=pks).update(
            status=Delivery.Status.SENDING, claimed_by=worker_id, claimed_at=now
        )
    return list(
        Delivery.objects.filter(
            pk__in=pks, status=Delivery.Status.SENDING, claimed_by=worker_id, claimed_at=now
        ).order_by("not_before", "pk")
    )


def held(pks: Iterable[int], worker_id: str) -> QuerySet[Delivery]:
    """The rows among `pks` that `worker_id` still holds."""
    return Delivery.objects.filter(pk__in=pks, claimed_by=worker_id, status=Delivery.Status.SENDING)


def renew(pks: list[int], *, worker_id: str, now: datetime) -> dict[int, Delivery]:
    """Refresh the claim on `pks`; the rows still held, with their subscribers, by pk."""
    mine = held(pks, worker_id)
    mine.update(claimed_at=now)
    return {delivery.pk: delivery for delivery in mine.select_related("subscriber")}


def release(pks: list[int], *, worker_id: str, not_before: datetime | None = None) -> int:
    """Give claimed rows back to the queue untouched (no attempt is counted)."""
    fields: dict[str, Any] = {
        "status": Delivery.Status.QUEUED,
        "claimed_by": "",
        "claimed_at": None,
    }
    if not_before is not None:
        fields["not_before"] = not_before
    return held(pks, worker_id).update(**fields)


@dataclass(frozen=True)
class SentMark:
    """A message the server accepted, waiting to be recorded `sent` on its row."""

    pk: int
    attempts: int
    sent_at: datetime
    provider_id: str


def mark_sent(marks: list[SentMark], *, worker_id: str) -> set[int]:
    """Record messages as sent, on the rows the worker still holds: one statement, one commit.

    An `UPDATE … FROM (VALUES …)` gives each row its own time and attempt count, and the
    commit — a disk flush, most of the cost of a mark — is paid once for the lot. Written in
    SQL, not through the ORM (`bulk_update` builds a CASE per row and cannot say which rows
    matched). Returns the pks recorded; a row missing from it was taken over by another
    worker.
    """
    if not marks:
        return set()
    ops = db_connection.ops
    table = ops.quote_name(Delivery._meta.db_table)
    when = "CAST(%s AS timestamp with time zone)" if db_connection.vendor == "postgresql" else "%s"
    row = f"(CAST(%s AS INTEGER), CAST(%s AS INTEGER), {when}, CAST(%s AS TEXT))"
    sql = (
        f"UPDATE {table} SET status = %s, attempts = marks.column2, sent_at = marks.column3,"  # noqa: S608 - names only
        f" provider_message_id = marks.column4, last_error = ''"
        f" FROM (VALUES {', '.join([row] * len(marks))}) AS marks"
        f" WHERE {table}.id = marks.column1 AND {table}.claimed_by = %s AND {table}.status = %s"
        f" RETURNING {table}.id"
    )
    params: list[Any] = [Delivery.Status.SENT.value]
    for mark in marks:
        sent_at = ops.adapt_datetimefield_value(mark.sent_at)
        params += [mark.pk, mark.attempts, sent_at, mark.provider_id[:300]]
    params += [worker_id, Delivery.Status.SENDING.value]
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


class Unrecorded:
    """Messages the server accepted whose rows do not say `sent` yet: the in-flight window.

    They are recorded together (`mark_sent`, one commit) once there are MAILING_MARK_BATCH
    of them, or, asked after each message, once the oldest has waited MARK_AT_LEAST_EVERY
    seconds (a slow, rate-limited send still shows its progress) and never more than a
    quarter of the lease, and at the end of the pass. A worker killed in between leaves
    them `sending`: they are the messages it can send twice, never more than
    MAILING_MARK_BATCH.

    Their claims are renewed with the rows about to be sent (`renew`): until recorded, an
    accepted message's row must not look abandoned to another worker, which would send it
    again.
    """

    def __init__(self, worker_id: str, report: Any, *, batch: int) -> None:
        self.worker_id, self.report = worker_id, report
        self.batch = max(1, batch)
        self.marks: list[SentMark] = []
        self.since = 0.0
        self.at_most = lease_seconds() / 4

    def add(self, mark: SentMark) -> None:
        if not self.marks:
            self.since = time.monotonic()
        self.marks.append(mark)

    def due(self) -> bool:
        if not self.marks:
            return False
        waited = time.monotonic() - self.since
        return len(self.marks) >= self.batch or waited >= min(MARK_AT_LEAST_EVERY, self.at_most)

    def renew(self, now: datetime) -> None:
        if self.marks:
            held([mark.pk for mark in self.marks], self.worker_id).update(claimed_at=now)

    def record(self) -> None:
        marks, self.marks = self.marks, []
        recorded = mark_sent(marks, worker_id=self.worker_id)
        self.report.sent += len(recorded)
        for mark in marks:
            if mark.pk not in recorded:
                self.report.lost_claims += 1
                logger.warning("Delivery %s was sent after its claim was taken over", mark.pk)


@contextmanager
def quick_commits() -> Iterator[None]:
    """With MAILING_FAST_COMMITS (off by default), for one pass on PostgreSQL: commits
    visible at once, durable a moment later.

    Waiting for the disk at each message's mark cost more than sending the message. With
    `synchronous_commit` off a killed *worker* loses nothing it committed (the rows are
    visible to every worker at once); only a crash of PostgreSQL itself can forget the last
    fraction of a second of the pass's writes, and those messages go again, with the same
    Message-ID (RELIABILITY 13: bounded and detectable). Restored after the pass, so the
    connection's other users (a task worker) keep durable commits.
    """
    if db_connection.vendor != "postgresql" or not setting("MAILING_FAST_COMMITS", False):
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with db_connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection is gone, and its setting with it
            pass
