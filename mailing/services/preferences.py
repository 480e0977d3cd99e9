"""The preference centre: follow more, stop, change frequencies, pause, resume, leave.

The signed link proves the reader holds the mailbox, so what they change here applies at
once. Every opt-out stops the mail already queued: the sender checks again before sending.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext

from mailing.exceptions import InvalidChoice
from mailing.models import (
    ConsentRecord,
    Delivery,
    Frequency,
    PendingMatch,
    Subscriber,
    Subscription,
    Suppression,
)
from mailing.services.choices import (
    Choice,
    current_subscriptions,
    described,
    resolve_choice,
    resolve_choices,
    store_subscriptions,
)
from mailing.services.consent import consent_again, consent_terms, record_consent, reindex

logger = logging.getLogger(__name__)


def update_preferences(
    subscriber: Subscriber,
    *,
    add: Sequence[Choice] = (),
    remove: Iterable[int] = (),
    frequencies: Mapping[int, str] | None = None,
    frequency: str = Frequency.DAILY,
    digest_hour: int | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Subscriber:
    """Apply changes made in the preference centre: follow more, stop, change frequencies.

    The signed link proves the reader holds the mailbox, so additions apply at once.
    Subscriptions are addressed by id, so a row added meanwhile (a confirmation) is kept.
    """
    added = resolve_choices(add, frequency)
    frequencies = dict(frequencies or {})
    if digest_hour is not None and not 0 <= digest_hour <= 23:
        raise InvalidChoice(gettext("Choose an hour between 0 and 23."))
    with transaction.atomic():
        subscriptions = {s.pk: s for s in subscriber.subscriptions.select_for_update()}
        removed = [described(subscriptions.pop(pk)) for pk in set(remove) if pk in subscriptions]
        Subscription.objects.filter(subscriber=subscriber, pk__in=set(remove)).delete()
        changed = []
        for pk, new_frequency in frequencies.items():
            subscription = subscriptions.get(pk)
            if subscription is None or subscription.frequency == new_frequency:
                continue
            # Checked the same way as a new choice: the newsletter stays daily or weekly.
            resolve_choice(Choice(subscription.kind, subscription.value), new_frequency)
            subscription.frequency = new_frequency
            subscription.save(update_fields=["frequency"])
            changed.append(described(subscription))
        changed += store_subscriptions(subscriber, added)
        hour_changed = digest_hour is not None and digest_hour != subscriber.digest_hour
        if hour_changed and digest_hour is not None:
            subscriber.digest_hour = digest_hour
            subscriber.save(update_fields=["digest_hour"])
        if not (removed or changed or hour_changed):
            return subscriber
        terms = consent_terms(current_subscriptions(subscriber), page="preferences")
        terms.update(removed=removed, changed=changed, digest_hour=subscriber.digest_hour)
        record_consent(
            subscriber,
            ConsentRecord.Action.CHANGE,
            terms,
            form="preferences",
            ip=ip,
            user_agent=user_agent,
        )
        reindex(subscriber)
    return subscriber


def _stop_unsent_mail(subscriber: Subscriber) -> None:
    """Mail queued before an opt-out is not sent (the sender checks again before sending)."""
    Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SUPPRESSED
    )
    PendingMatch.objects.filter(subscriber=subscriber, delivery__isnull=True).delete()


def pause(subscriber: Subscriber, *, ip: str | None = None, user_agent: str = "") -> Subscriber:
    """Stop all mail for now, keeping the subscriptions; only an active reader can pause."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Subscriber.Status.ACTIVE:
            return subscriber
        subscriber.status = Subscriber.Status.PAUSED
        subscriber.save(update_fields=["status"])
        record_consent(
            subscriber,
            ConsentRecord.Action.PAUSE,
            {"subscriptions": current_subscriptions(subscriber)},
            form="preferences",
            ip=ip,
            user_agent=user_agent,
        )
        _stop_unsent_mail(subscriber)
        reindex(subscriber)
    return subscriber


def resume(subscriber: Subscriber, *, ip: str | None = None, user_agent: str = "") -> Subscriber:
    """Send again to a paused reader, or to one who unsubscribed after having confirmed.

    An address that never confirmed cannot be switched on here: it must sign up again.
    """
    Status = Subscriber.Status  # noqa: N806
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Status.PAUSED or (
            subscriber.status == Status.UNSUBSCRIBED and subscriber.confirmed_at is not None
        ):
            previous = subscriber.status
            subscriber.status = Status.ACTIVE
            subscriber.save(update_fields=["status"])
            terms = consent_terms(current_subscriptions(subscriber), page="preferences")
            terms["previous_status"] = previous
            record_consent(
                subscriber,
                ConsentRecord.Action.RESUME,
                terms,
                form="preferences",
                ip=ip,
                user_agent=user_agent,
            )
            consent_again(subscriber)
    return subscriber


def unsubscribe(
    subscriber: Subscriber, *, form: str, ip: str | None = None, user_agent: str = ""
) -> Subscriber:
    """Withdraw from everything at once (RFC 8058 one-click, or the preference centre).

    Idempotent: the first call records the withdrawal and suppresses the address; repeats
    change nothing. Subscriptions are kept so the reader can come back from the preference
    centre; nothing is indexed or sent meanwhile.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            previous = subscriber.status
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.save(update_fields=["status"])
            record_consent(
                subscriber,
                ConsentRecord.Action.UNSUBSCRIBE,
                {"previous_status": previous, "subscriptions": current_subscriptions(subscriber)},
                form=form,
                ip=ip,
                user_agent=user_agent,
            )
            logger.info("Subscriber %s unsubscribed (%s)", subscriber.pk, form)
        if not Suppression.objects.filter(email__iexact=subscriber.email).exists():
            Suppression.objects.create(
                email=subscriber.email,
                reason=Suppression.Reason.UNSUBSCRIBE,
                detail=form[:200],
            )
        _stop_unsent_mail(subscriber)
        reindex(subscriber)
    return subscriber
