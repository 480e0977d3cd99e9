"""What the email provider tells us after sending: bounces, complaints, unsubscribes.

django-anymail authenticates each provider's webhook (/anymail/<provider>/tracking/, HTTP
basic auth with ANYMAIL["WEBHOOK_SECRET"], plus the provider's signature where it has one) and
turns it into a normalised `tracking` signal; the receiver here acts on it:

  - a hard bounce of the address (no reason given, bounced, invalid), or a refusal because
    it is invalid or bounced before → Suppression(bounce), and that message's deliveries
    → bounced;
  - a complaint ("this is spam") → Suppression(complaint) and the reader unsubscribed from
    everything, with a consent record saying why;
  - an unsubscribe at the provider (its List-Unsubscribe handling) → the same as ours;
  - a soft bounce (deferred, or a provider's "soft" bounce type) changes nothing;
  - a bounce or refusal for reasons that are ours (the receiver's or provider's policy,
    spam filtering of our content, DMARC, timeouts) or a send failure marks the delivery
    failed with the provider's words, and suppresses nobody.

The rows are written before the webhook answers: a 2xx tells the provider we have the
event, an error makes it retry. Every handler is idempotent, since providers deliver twice.
"""

import logging
from email.utils import parseaddr
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import QuerySet

from mailing import services
from mailing.models import Delivery, Subscriber, Suppression

logger = logging.getLogger(__name__)

DISPATCH_UID = "mailing.webhooks.record_tracking_event"

# A stronger reason replaces a weaker one on an existing row; a manual entry is the newsroom's
# own decision and stays as it is.
REASON_RANK: dict[str, int] = {
    Suppression.Reason.UNSUBSCRIBE: 1,
    Suppression.Reason.BOUNCE: 2,
    Suppression.Reason.COMPLAINT: 3,
    Suppression.Reason.MANUAL: 4,
}

# Provider bounce types that anymail reports as "bounced" although the address may work
# tomorrow: they must not suppress anyone. (Postmark SoftBounce, Brevo soft_bounce.)
SOFT_BOUNCES = {
    "Postmark": ("Type", {"SoftBounce"}),
    "Brevo": ("event", {"soft_bounce"}),
    "SendinBlue": ("event", {"soft_bounce"}),
}

# A hard bounce says the address is dead when the provider gives no reason or says so.
BOUNCES_OF_THE_ADDRESS = (None, RejectReason.BOUNCED, RejectReason.INVALID)
# A refusal before sending says something about the address only for these reasons (the
# provider's own list: it bounced, it complained, it unsubscribed, it is malformed).
REFUSALS_FOR_THE_ADDRESS = {
    RejectReason.BOUNCED: Suppression.Reason.BOUNCE,
    RejectReason.INVALID: Suppression.Reason.BOUNCE,
    RejectReason.SPAM: Suppression.Reason.COMPLAINT,
    RejectReason.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBE,
}

COMPLAINT_FORM = "complaint webhook"
UNSUBSCRIBE_FORM = "unsubscribe webhook"


def connect() -> None:
    """Listen to anymail's tracking signal (called from MailingConfig.ready, idempotent)."""
    tracking.connect(record_tracking_event, dispatch_uid=DISPATCH_UID)


def record_tracking_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    """Apply one provider event to suppressions, subscribers and deliveries."""
    event_type, reject_reason = event.event_type, event.reject_reason
    if event_type == EventType.BOUNCED:
        if _is_soft_bounce(event, esp_name):
            return
        if reject_reason in BOUNCES_OF_THE_ADDRESS:
            suppress_after_event(event, esp_name=esp_name, reason=Suppression.Reason.BOUNCE)
        else:
            # Blocked by the receiving server's policy or as spam, a virus, a timeout: a
            # problem with our mail or reputation, which must not cost a reader anything.
            mark_deliveries_failed(event, esp_name=esp_name)
    elif event_type == EventType.REJECTED:
        reason = REFUSALS_FOR_THE_ADDRESS.get(reject_reason)
        if reason is None:
            # Refused by the provider's policy (DMARC, content, sending limits): ours to fix.
            mark_deliveries_failed(event, esp_name=esp_name)
        else:
            suppress_after_event(event, esp_name=esp_name, reason=reason)
    elif event_type == EventType.COMPLAINED:
        suppress_after_event(event, esp_name=esp_name, reason=Suppression.Reason.COMPLAINT)
    elif event_type == EventType.UNSUBSCRIBED:
        suppress_after_event(event, esp_name=esp_name, reason=Suppression.Reason.UNSUBSCRIBE)
    elif event_type == EventType.FAILED:
        mark_deliveries_failed(event, esp_name=esp_name)
    # Anything else (queued, sent, delivered, deferred, opened, clicked...) is not recorded.


def suppress_after_event(
    event: AnymailTrackingEvent, *, esp_name: str, reason: str
) -> Suppression | None:
    """Suppress the event's address; a complaint or unsubscribe also unsubscribes the reader.

    Returns the suppression, or None when the event names no address we can find.
    """
    deliveries = _deliveries_of(event)
    email = _normalise(event.recipient)
    if not email:
        first = deliveries.select_related("subscriber").first()
        email = _normalise(first.subscriber.email) if first else ""
    if not email:
        logger.warning("%s %s event without a recipient we know; ignored", esp_name, reason)
        return None
    detail = _describe(event, esp_name)
    with transaction.atomic():
        suppression, created = Suppression.objects.get_or_create(
            email__iexact=email, defaults={"email": email, "reason": reason, "detail": detail}
        )
        if not created and REASON_RANK.get(reason, 0) > REASON_RANK.get(suppression.reason, 0):
            suppression.reason = reason
            suppression.detail = detail
            suppression.save(update_fields=["reason", "detail"])
        if reason == Suppression.Reason.BOUNCE:
            deliveries.exclude(status=Delivery.Status.BOUNCED).update(
                status=Delivery.Status.BOUNCED, last_error=detail
            )
        else:
            # The suppression row above comes first, so the service keeps its reason
            # (a complaint is never lifted by resuming, an unsubscribe is).
            form = COMPLAINT_FORM if reason == Suppression.Reason.COMPLAINT else UNSUBSCRIBE_FORM
            for subscriber in Subscriber.objects.filter(email__iexact=email):
                services.unsubscribe(subscriber, form=form)
    if created:
        logger.info("Suppression %s created (%s, from %s)", suppression.pk, reason, esp_name)
    return suppression


def mark_deliveries_failed(event: AnymailTrackingEvent, *, esp_name: str) -> int:
    """Record the provider's refusal on the deliveries of this message; returns how many."""
    return (
        _deliveries_of(event)
        .exclude(status__in=[Delivery.Status.BOUNCED, Delivery.Status.FAILED])
        .update(status=Delivery.Status.FAILED, last_error=_describe(event, esp_name))
    )


def _deliveries_of(event: AnymailTrackingEvent) -> QuerySet[Delivery]:
    if not event.message_id:
        return Delivery.objects.none()
    deliveries = Delivery.objects.filter(provider_message_id=event.message_id)
    if email := _normalise(event.recipient):
        # One provider message may have gone to several recipients; act on this one only.
        deliveries = deliveries.filter(subscriber__email__iexact=email)
    return deliveries


def _is_soft_bounce(event: AnymailTrackingEvent, esp_name: str) -> bool:
    field, values = SOFT_BOUNCES.get(esp_name, ("", set()))
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    return bool(field) and esp_event.get(field) in values


def _normalise(address: str | None) -> str:
    address = parseaddr(address or "")[1]
    try:
        return services.normalise_address(address)
    except services.InvalidAddress:
        # Still suppressed: the provider has seen this spelling, so might we again.
        return address.strip().lower()


def _describe(event: AnymailTrackingEvent, esp_name: str) -> str:
    words = [esp_name, event.event_type]
    if event.reject_reason:
        words.append(event.reject_reason)
    text = " ".join(words)
    if details := (event.description or event.mta_response or "").strip():
        text += ": " + details
    return text[:2000]


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_secret(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without a webhook secret, anyone could post a "complaint" and unsubscribe a reader."""
    if (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
        return []
    return [
        checks.Error(
            "ANYMAIL['WEBHOOK_SECRET'] is empty: the bounce and complaint webhooks accept "
            "unauthenticated requests.",
            hint='Set ANYMAIL_WEBHOOK_SECRET to "user:password" and give the provider '
            "https://user:password@<host>/anymail/<provider>/tracking/.",
            id="mailing.E001",
        )
    ]
