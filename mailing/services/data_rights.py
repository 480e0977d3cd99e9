"""The reader's data (GDPR art. 15, 17, 20): all of it to download, or all of it erased.

Erasure deletes the reader and everything of theirs. A Suppression row that existed before
(they unsubscribed, bounced or complained) is kept: it holds only the address and reason,
and is what guarantees we never write to them again.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mailing.models import SignupAttempt, Subscriber, Suppression
from mailing.services.choices import described

logger = logging.getLogger(__name__)


def export_data(subscriber: Subscriber) -> dict:
    """Everything we hold about the reader, as plain JSON-ready data."""

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    suppression = Suppression.objects.filter(email__iexact=subscriber.email).first()
    return {
        "exported_at": when(timezone.now()),
        "subscriber": {
            "email": subscriber.email,
            "status": subscriber.status,
            "digest_hour": subscriber.digest_hour,
            "created_at": when(subscriber.created_at),
            "confirmed_at": when(subscriber.confirmed_at),
        },
        "subscriptions": [
            {**described(s), "created_at": when(s.created_at)}
            for s in subscriber.subscriptions.order_by("pk")
        ],
        "consent_records": [
            {
                "action": record.action,
                "created_at": when(record.created_at),
                "form": record.form,
                "ip_address": record.ip_address,
                "user_agent": record.user_agent,
                "terms": record.terms,
            }
            for record in subscriber.consents.order_by("pk")
        ],
        "deliveries": [
            {
                "kind": delivery.kind,
                "message_key": delivery.message_key,
                "status": delivery.status,
                "created_at": when(delivery.created_at),
                "sent_at": when(delivery.sent_at),
            }
            for delivery in subscriber.deliveries.order_by("pk")
        ],
        "suppression": (
            {"reason": suppression.reason, "created_at": when(suppression.created_at)}
            if suppression
            else None
        ),
    }


def erase(subscriber: Subscriber) -> Suppression | None:
    """Delete the reader and everything of theirs, sign-up attempts included.

    Subscriptions, index keys, consent records, matches and deliveries go with the
    Subscriber row. A Suppression row made earlier (unsubscribe, bounce, complaint) stays,
    and is returned: without it a forged sign-up could make us write to them again after a
    bounce or a complaint. Erasure itself adds none: nothing of the reader is left to write to.
    """
    with transaction.atomic():
        pk, address = subscriber.pk, subscriber.email
        Subscriber.objects.filter(pk=pk).delete()  # cascades to every row that points at it
        SignupAttempt.objects.filter(email=address).delete()
        kept = Suppression.objects.filter(email__iexact=address).first()
    logger.info("Subscriber %s erased at their request", pk)
    return kept
