"""The ledger's claims: which rows are due, who holds them, and the cheap writes of a pass.

`claim_due` marks a batch `sending` for one worker in one transaction (PostgreSQL: `SELECT …
FOR UPDATE SKIP LOCKED`; elsewhere a conditional UPDATE and a read-back), so two workers never
hold the same row. `renew` refreshes the claim of the rows a worker is about to send and tells
which are still its own (a worker past its lease may have lost some). `mark_sent` is the one
write per message: a single conditional UPDATE, committed at once, so a killed worker resends
at most the message in flight (see mailing.sending).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from mailing.models import Delivery

DEFAULT_LEASE_SECONDS = 600


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


def mark_sent(
    pk: int, *, worker_id: str, attempts: int, sent_at: datetime, provider_id: str
) -> bool:
    """Record one message as sent, if the worker still holds its row: one plain UPDATE.

    Written in SQL, not through the ORM: compiling a queryset cost more than the statement,
    once per message.
    """
    meta, ops = Delivery._meta, db_connection.ops
    table = ops.quote_name(meta.db_table)
    sql = (
        f"UPDATE {table} SET status = %s, attempts = %s, sent_at = %s,"  # noqa: S608 - names only
        " provider_message_id = %s, last_error = '' WHERE id = %s AND claimed_by = %s"
        " AND status = %s"
    )
    params: list[Any] = [
        Delivery.Status.SENT.value,
        attempts,
        ops.adapt_datetimefield_value(sent_at),
        provider_id[:300],
        pk,
        worker_id,
        Delivery.Status.SENDING.value,
    ]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


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
