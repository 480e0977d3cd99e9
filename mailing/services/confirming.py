"""Confirming: the link in the confirmation mail switches on what its request asked for.

A pending address becomes active with what it signed up for; an active or paused reader
gets the interests of every request made since their last confirmation or withdrawal (and
not older than the link's lifetime), each choice checked again, since a section or entity
may have gone meanwhile.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mailing.exceptions import InvalidChoice
from mailing.models import ConsentRecord, Subscriber
from mailing.services.choices import (
    Choice,
    current_subscriptions,
    new_or_changed,
    resolve_choice,
    store_subscriptions,
)
from mailing.services.consent import consent_again, record_consent
from mailing.tokens import MAX_AGE_SECONDS, read_token

logger = logging.getLogger(__name__)


def _open_requests(subscriber: Subscriber, now: datetime) -> list[ConsentRecord]:
    """Sign-up requests made since the last confirmation or withdrawal, newest last."""
    closed = subscriber.consents.filter(
        action__in=[ConsentRecord.Action.CONFIRM, ConsentRecord.Action.UNSUBSCRIBE]
    ).aggregate(last=Max("pk"))["last"]
    requests = subscriber.consents.filter(
        action=ConsentRecord.Action.SUBSCRIBE,
        pk__gt=closed or 0,
        created_at__gt=now - timedelta(seconds=MAX_AGE_SECONDS["confirm"]),
    )
    return list(requests.order_by("pk"))


def awaiting_confirmation(subscriber: Subscriber) -> list[dict]:
    """What confirming now would switch on, for the confirmation page; empty if nothing."""
    Status = Subscriber.Status  # noqa: N806
    if subscriber.status == Status.PENDING:
        return current_subscriptions(subscriber)
    if subscriber.status in (Status.ACTIVE, Status.PAUSED):
        items = {}
        for request in _open_requests(subscriber, timezone.now()):
            for item in request.terms.get("subscriptions", []):
                items[(item["kind"], item["value"])] = item
        return new_or_changed(subscriber, items.values())
    return []


def confirm(token: str, *, ip: str | None, user_agent: str = "") -> Subscriber:
    """Activate the address whose owner followed the confirmation link (a POST).

    Raises InvalidToken (forged, expired, another purpose, address gone). Replaying the link
    changes nothing; so does a link older than an unsubscription.
    """
    subscriber = read_token(token, "confirm")
    now = timezone.now()
    Status = Subscriber.Status  # noqa: N806
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        requests = _open_requests(subscriber, now)
        if subscriber.status == Status.PENDING:
            subscriber.confirmed_at = now
        elif subscriber.status in (Status.ACTIVE, Status.PAUSED) and requests:
            for request in requests:
                items = []
                for item in request.terms.get("subscriptions", []):
                    choice = Choice(item["kind"], item["value"], item["frequency"])
                    try:  # Re-checked: a section or entity may have gone since the request.
                        items.append(resolve_choice(choice, item["frequency"]))
                    except InvalidChoice:
                        logger.info("Confirmed request %s: %s gone", request.pk, item["kind"])
                store_subscriptions(subscriber, items)
        else:
            return subscriber
        subscriber.status = Status.ACTIVE
        subscriber.save(update_fields=["status", "confirmed_at"])
        terms = {
            "confirms": [r.pk for r in requests],
            "subscriptions": current_subscriptions(subscriber),
        }
        record_consent(
            subscriber,
            ConsentRecord.Action.CONFIRM,
            terms,
            form="confirmation_link",
            ip=ip,
            user_agent=user_agent,
        )
        consent_again(subscriber)
    logger.info("Subscriber %s confirmed", subscriber.pk)
    return subscriber
