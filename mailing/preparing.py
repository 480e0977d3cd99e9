"""Reading a chunk of claimed rows for sending, in a few queries instead of a few per row.

Before each chunk (`CHUNK_SIZE` rows, and again whenever a quarter of the lease has passed)
the sender renews its claims, reads the subscribers, the suppression list, the matched
articles, and stores the Message-IDs not yet set. Whether a row may go out at all — the
reader still active, the address not suppressed — is decided here, so the re-check at send
time is at most a chunk old (a fraction of a second at full speed).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection as db_connection

from mailing.claims import held, renew
from mailing.models import Delivery, PendingMatch, Subscriber, Suppression
from mailing.rendering import message_id_for
from mailing.services.confirming import awaiting_confirmation

CHUNK_SIZE = 200

# A bounce, a complaint or a hand-made entry also stops the confirmation mail; an earlier
# unsubscribe does not, or a reader who left could never come back through the form.
BLOCKS_CONFIRMATION = (
    Suppression.Reason.BOUNCE,
    Suppression.Reason.COMPLAINT,
    Suppression.Reason.MANUAL,
)


def why_not_send(delivery: Delivery, suppressions: dict[str, str] | None = None) -> str:
    """Empty if the delivery may go out now; otherwise why not, re-checked at send time.

    `suppressions` (address -> reason) is the suppression list read for a whole chunk of
    rows at once; without it, the list is read for this row.
    """
    subscriber = delivery.subscriber
    if delivery.kind == Delivery.Kind.CONFIRMATION:
        # A new reader, or an active one confirming new interests they asked for.
        waiting = subscriber.status == Subscriber.Status.PENDING or (
            subscriber.status == Subscriber.Status.ACTIVE and awaiting_confirmation(subscriber)
        )
        if not waiting:
            return f"subscriber is {subscriber.status} with nothing to confirm"
        blocking: tuple[str, ...] | None = BLOCKS_CONFIRMATION
    else:
        if subscriber.status != Subscriber.Status.ACTIVE:
            return f"subscriber is {subscriber.status}"
        blocking = None
    # Addresses are compared as stored and lower-cased: both use the unique index.
    addresses = {subscriber.email, subscriber.email.lower()}
    if suppressions is None:
        suppressions = read_suppressions(addresses)
    reasons = [
        suppressions[address]
        for address in sorted(addresses)
        if address in suppressions and (blocking is None or suppressions[address] in blocking)
    ]
    return f"address suppressed ({reasons[0]})" if reasons else ""


def read_suppressions(addresses: Iterable[str]) -> dict[str, str]:
    return dict(Suppression.objects.filter(email__in=addresses).values_list("email", "reason"))


@dataclass
class Ready:
    """A claimed row read for sending: its subscriber, its articles, its Message-ID."""

    delivery: Delivery
    article_ids: list[int]


def prepare(pks: list[int], worker_id: str, now: datetime, report: Any) -> dict[int, Ready]:
    """Renew the claim on a chunk and read what sending it needs, in a few queries.

    Rows another worker took over are counted lost; rows that may not go out (an opt-out,
    a suppression since they were queued) are marked `suppressed` here. The rest, by pk.
    """
    rows = renew(pks, worker_id=worker_id, now=now)
    report.lost_claims += len(pks) - len(rows)
    addresses = set()
    for delivery in rows.values():
        addresses |= {delivery.subscriber.email, delivery.subscriber.email.lower()}
    suppressions = read_suppressions(addresses) if addresses else {}
    article_ids: dict[int, list[int]] = {}
    matches = PendingMatch.objects.filter(delivery_id__in=list(rows)).values_list(
        "delivery_id", "article_id"
    )
    for delivery_id, article_id in matches:
        article_ids.setdefault(delivery_id, []).append(article_id)
    ready: dict[int, Ready] = {}
    new_ids = []
    for pk, delivery in rows.items():
        reason = why_not_send(delivery, suppressions)
        if reason:
            finish(
                held([pk], worker_id),
                report,
                "suppressed",
                status=Delivery.Status.SUPPRESSED,
                last_error=reason,
            )
            continue
        if not delivery.message_id:
            delivery.message_id = message_id_for(delivery)
            new_ids.append(delivery)
        ready[pk] = Ready(delivery, article_ids.get(pk, []))
    # Stored before the first attempt: every attempt sends the same Message-ID.
    store_message_ids(new_ids)
    return ready


def finish(mine: Any, report: Any, outcome: str, **fields: Any) -> bool:
    """Write the outcome on the row if this worker still holds it; count it."""
    updated = mine.update(**fields)
    if updated:
        setattr(report, outcome, getattr(report, outcome) + 1)
    else:
        report.lost_claims += 1
    return bool(updated)


def store_message_ids(deliveries: list[Delivery]) -> None:
    """Write each row's new Message-ID, only where none is stored yet: one statement, many rows.

    (`bulk_update` built a CASE expression per row through the ORM, slower than the send.)
    """
    if not deliveries:
        return
    table = db_connection.ops.quote_name(Delivery._meta.db_table)
    sql = f"UPDATE {table} SET message_id = %s WHERE id = %s AND message_id = ''"  # noqa: S608
    with db_connection.cursor() as cursor:
        cursor.executemany(sql, [(delivery.message_id, delivery.pk) for delivery in deliveries])
