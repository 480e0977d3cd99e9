"""Provable consent (GDPR art. 7): the text a reader agreed to, and the append-only record.

Every request, confirmation, change, pause, resumption and withdrawal writes a
ConsentRecord with the exact text shown, its hash and version, the form, the page, the IP
and the user agent.
"""

import hashlib
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mailing import matching
from mailing.models import ConsentRecord, Subscriber, Suppression
from mailing.services.addresses import valid_ip

# The consent text every sign-up form shows beside its button. Change the text → bump the
# version: a ConsentRecord stores both, and the hash of the French text the reader saw.
CONSENT_VERSION = "2025-1"
CONSENT_TEXT = _(
    "We will email you only what you chose, once you have confirmed your address. "
    "Every email has a link to unsubscribe in one click and a link to change your choices, "
    "download or erase your data."
)


def consent_text() -> str:
    """The consent text in the reader's language, exactly as the forms show it."""
    return str(CONSENT_TEXT)


def consent_terms(subscriptions: list[dict], *, page: str = "") -> dict:
    """What the reader agreed to: the text, its version and hash, the page and the choices."""
    text = consent_text()
    return {
        "text": text,
        "text_version": CONSENT_VERSION,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "page": page,
        "subscriptions": subscriptions,
    }


def record_consent(
    subscriber: Subscriber,
    action: str,
    terms: Any,
    *,
    form: str = "",
    ip: str | None = None,
    user_agent: str = "",
    at: datetime | None = None,
) -> ConsentRecord:
    """Append one ConsentRecord; never updated, never deleted but with the reader."""
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        terms=terms,
        form=(form or "")[:100],
        ip_address=valid_ip(ip),
        user_agent=(user_agent or "")[:300],
        created_at=at or timezone.now(),
    )


def consent_again(subscriber: Subscriber) -> None:
    """Consent given again (confirm, resume): an earlier unsubscription no longer holds."""
    Suppression.objects.filter(
        email__iexact=subscriber.email, reason=Suppression.Reason.UNSUBSCRIBE
    ).delete()
    reindex(subscriber)


def reindex(subscriber: Subscriber) -> None:
    """Rebuild the subscriber's index keys (none unless active: matching's rule)."""
    matching.index_subscriber(subscriber)
