"""Double opt-in: a sign-up request queues one confirmation; only its link switches mail on.

Nothing else is ever sent to an address until its owner confirms from that mail
(`mailing.matching.index_subscriber` leaves pending subscribers out of the index, so no
alert or digest can find them). An already active reader who signs up again (new
interests) is treated as a new request: the interests are recorded in the request's
ConsentRecord and applied only when the owner of the address confirms, so a stranger
typing someone's address changes nothing for them. Per-address limits on confirmation
mails (at most one per 10 minutes and three per day, silently held back) keep the form
from being used to bomb someone's inbox.

A sign-up reaches `subscribe` in two steps: the form's request (`signups`) checks and
records a `SignUpRequest` without looking at the address, and the task (`apply_sign_up`)
applies it after the response. Both check it with `check_sign_up`. The link it sends is
handled in `confirming`.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mailing.exceptions import InvalidChoice, MailingError
from mailing.models import ConsentRecord, Delivery, SignupAttempt, Subscriber, Suppression
from mailing.services.addresses import normalise_address
from mailing.services.choices import (
    Choice,
    new_or_changed,
    resolve_choices,
    store_subscriptions,
)
from mailing.services.consent import consent_terms, record_consent, reindex

logger = logging.getLogger(__name__)

# (window in seconds, most allowed in it). Settings of the same names override them.
SIGNUP_LIMITS_PER_IP = ((3600, 10), (24 * 3600, 200))
CONFIRMATIONS_PER_ADDRESS = ((600, 1), (24 * 3600, 3))

HARD_SUPPRESSIONS = (
    Suppression.Reason.BOUNCE,
    Suppression.Reason.COMPLAINT,
    Suppression.Reason.MANUAL,
)


@dataclass(frozen=True)
class SubscribeResult:
    """What `subscribe` did. Never shown to the requester: the page is the same whatever.

    `subscriber` is None when the request was dropped (honeypot, suppressed address);
    `confirmation` is None when no mail was queued (dropped, nothing new, or held back by
    the per-address limits).
    """

    subscriber: Subscriber | None
    confirmation: Delivery | None


@dataclass(frozen=True)
class SignUpRequest:
    """A sign-up as the form asked it, kept on its SignupAttempt until the task applies it.

    The address is the attempt's own column; the rest is `pending_request`, written by
    `as_pending` and read back by `from_pending`, so the request and the task agree on it.
    """

    email: str
    choices: tuple[Choice, ...]
    frequency: str
    form: str
    page: str = ""
    ip: str | None = None
    user_agent: str = ""

    def as_pending(self) -> dict:
        """What `SignupAttempt.pending_request` stores: plain JSON, without the address."""
        return {
            "choices": [[c.kind, str(c.value or ""), c.frequency] for c in self.choices],
            "frequency": self.frequency,
            "form": self.form,
            "page": self.page,
            "ip": self.ip,
            "user_agent": self.user_agent,
        }

    @classmethod
    def from_pending(cls, email: str, pending: Any) -> Self:
        """The request back from `as_pending`'s JSON and the attempt's address."""
        choices = tuple(
            Choice(kind, value, frequency) for kind, value, frequency in pending["choices"]
        )
        return cls(
            email=email,
            choices=choices,
            frequency=pending["frequency"],
            form=pending["form"],
            page=pending["page"],
            ip=pending["ip"],
            user_agent=pending["user_agent"],
        )


def limits(name, default):
    """A limits setting as (window, most allowed in it) pairs; `default` when unset."""
    configured = getattr(settings, name, default)
    return [(timedelta(seconds=seconds), most) for seconds, most in configured]


def _queue_confirmation(subscriber: Subscriber, now) -> Delivery | None:
    """One confirmation Delivery, unless the address had its share of them recently."""
    sent = Delivery.objects.filter(subscriber=subscriber, kind=Delivery.Kind.CONFIRMATION)
    for window, most in limits("MAILING_CONFIRMATIONS_PER_ADDRESS", CONFIRMATIONS_PER_ADDRESS):
        if sent.filter(created_at__gt=now - window).count() >= most:
            logger.info("Confirmation held back for subscriber %s: address limit", subscriber.pk)
            return None
    number = sent.count() + 1
    # The unique (subscriber, message_key) makes a concurrent double post queue one mail.
    delivery, _created = Delivery.objects.get_or_create(
        subscriber=subscriber,
        message_key=f"confirm:{subscriber.pk}:{number}",
        defaults={"kind": Delivery.Kind.CONFIRMATION, "created_at": now, "not_before": now},
    )
    return delivery


def check_sign_up(
    email: str, choices: Sequence[Choice], *, frequency: str
) -> tuple[str, list[dict]]:
    """The address and the choices of a sign-up as stored; InvalidAddress or InvalidChoice.

    Reads nothing about the address. The form's request (`signups.request_subscription`)
    and `subscribe` check with this one function, so the task never refuses what the form
    accepted unless a choice went away in between.
    """
    address = normalise_address(email)
    requested = resolve_choices(choices, frequency)
    if not requested:
        raise InvalidChoice(gettext("Choose at least one newsletter or alert."))
    return address, requested


def subscribe(
    email: str,
    choices: Sequence[Choice],
    *,
    frequency: str,
    form: str,
    ip: str | None,
    user_agent: str = "",
    page: str = "",
    requested_at=None,
) -> SubscribeResult:
    """Record a sign-up request and queue the mail that asks the address owner to confirm.

    The address-dependent half of a sign-up: the form's request only checks and counts it
    (`signups.request_subscription`), then the task calls this. Raises InvalidAddress or
    InvalidChoice before writing anything. A hard-suppressed address, or an active reader
    asking for nothing new, is dropped without a trace the requester could see.
    """
    address, requested = check_sign_up(email, choices, frequency=frequency)
    now = requested_at or timezone.now()
    with transaction.atomic():
        if Suppression.objects.filter(email__iexact=address, reason__in=HARD_SUPPRESSIONS).exists():
            logger.info("Sign-up for a suppressed address dropped")
            return SubscribeResult(subscriber=None, confirmation=None)
        subscriber, _created = Subscriber.objects.get_or_create(
            email=address, defaults={"created_at": now}
        )
        Status = Subscriber.Status  # noqa: N806
        if subscriber.status == Status.UNSUBSCRIBED:
            # A fresh start: interests withdrawn earlier do not come back with the new ones.
            subscriber.subscriptions.all().delete()
            subscriber.status = Status.PENDING
            subscriber.save(update_fields=["status"])
        if subscriber.status == Status.PENDING:
            store_subscriptions(subscriber, requested)
        elif not new_or_changed(subscriber, requested):
            return SubscribeResult(subscriber=subscriber, confirmation=None)
        record_consent(
            subscriber,
            ConsentRecord.Action.SUBSCRIBE,
            consent_terms(requested, page=page),
            form=form,
            ip=ip,
            user_agent=user_agent,
            at=now,  # when the reader asked, not when the task ran
        )
        confirmation = _queue_confirmation(subscriber, now)
        reindex(subscriber)
    return SubscribeResult(subscriber=subscriber, confirmation=confirmation)


# Applying the form's request --------------------------------------------------------------


def apply_sign_up(attempt: SignupAttempt) -> SubscribeResult:
    """Apply a sign-up request recorded by `signups.request_subscription` (the task's work), once.

    The request is cleared in the same transaction, so a task run twice applies it once; a
    choice gone since the request drops it, as the form would have refused it.
    """
    with transaction.atomic():
        locked = (
            SignupAttempt.objects.select_for_update()
            .filter(pk=attempt.pk, pending_request__isnull=False)
            .first()
        )
        if locked is None:
            return SubscribeResult(subscriber=None, confirmation=None)
        attempt = locked
        asked = SignUpRequest.from_pending(attempt.email, attempt.pending_request)
        attempt.pending_request = None
        attempt.save(update_fields=["pending_request"])
        _forget_old_attempts(attempt.email, attempt.ip_address, attempt.created_at)
        try:
            return subscribe(
                asked.email,
                asked.choices,
                frequency=asked.frequency,
                form=asked.form,
                ip=asked.ip,
                user_agent=asked.user_agent,
                page=asked.page,
                requested_at=attempt.created_at,
            )
        except MailingError as error:
            logger.info("Sign-up request %s dropped: %s", attempt.pk, error.code)
            return SubscribeResult(subscriber=None, confirmation=None)


def _forget_old_attempts(address: str, network: str | None, now) -> None:
    """Sign-up attempts are kept one day longer than the longest limit needs, no more."""
    longest = max(
        window
        for window, _most in limits("MAILING_SIGNUP_LIMITS_PER_IP", SIGNUP_LIMITS_PER_IP)
        + limits("MAILING_CONFIRMATIONS_PER_ADDRESS", CONFIRMATIONS_PER_ADDRESS)
    )
    cutoff = now - longest - timedelta(days=1)
    SignupAttempt.objects.filter(email=address, created_at__lt=cutoff).delete()
    if network:
        SignupAttempt.objects.filter(ip_address=network, created_at__lt=cutoff).delete()
