"""What a reader does with our email: subscribe, confirm, change preferences, pause, leave.

Every function here is the one place its rule lives; views only parse and present. The rules:

- Double opt-in. A sign-up stores a request and queues one confirmation (a Delivery row: the
  outbox, committed with the request); nothing else is ever sent to an address until its
  owner confirms from that mail. `mailing.matching.index_subscriber` leaves pending
  subscribers out of the index, so no alert or digest can find them.
- No enumeration. The sign-up form's request (`request_subscription`) does the same work for
  a new, pending, active, unsubscribed or suppressed address, in answer and in time: what
  depends on the address (`subscribe`) runs in a task after the response (mailing.signups).
- Abuse is bounded by layers: a honeypot (silently dropped), per-network limits on sign-up
  posts (`TooManyAttempts`, answered 429), and per-address limits on confirmation mails
  (at most one per 10 minutes and three per day, silently held back) so the form cannot be
  used to bomb someone's inbox.
- Consent is provable (GDPR art. 7): every request, confirmation, change, pause, resumption
  and withdrawal writes an append-only ConsentRecord with the exact text shown, its hash and
  version, the form, the page, the IP and the user agent.
- An already active reader who signs up again (new interests) is treated as a new request:
  the interests are recorded in the request's ConsentRecord and applied only when the owner
  of the address confirms, so a stranger typing someone's address changes nothing for them.
- Erasure deletes the reader and everything of theirs. A Suppression row that existed before
  (they unsubscribed, bounced or complained) is kept: it holds only the address and reason,
  and is what guarantees we never write to them again.
"""

import hashlib
import ipaddress
import logging
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import idna
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from enrichment.merges import kept_record
from enrichment.models import Entity
from mailing.models import (
    ConsentRecord,
    Delivery,
    Frequency,
    PendingMatch,
    SignupAttempt,
    Subscriber,
    Subscription,
    Suppression,
)
from mailing.tokens import MAX_AGE_SECONDS, read_token
from newsroom.models import SectionPage, Topic

logger = logging.getLogger(__name__)

# The consent text every sign-up form shows beside its button. Change the text → bump the
# version: a ConsentRecord stores both, and the hash of the French text the reader saw.
CONSENT_VERSION = "2025-1"
CONSENT_TEXT = _(
    "We will email you only what you chose, once you have confirmed your address. "
    "Every email has a link to unsubscribe in one click and a link to change your choices, "
    "download or erase your data."
)

# (window in seconds, most allowed in it). Settings of the same names override them.
SIGNUP_LIMITS_PER_IP = ((3600, 10), (24 * 3600, 200))
CONFIRMATIONS_PER_ADDRESS = ((600, 1), (24 * 3600, 3))

MAX_ADDRESS_LENGTH = 254  # RFC 5321 path limit, and Subscriber.email's max_length
MAX_LOCAL_PART_LENGTH = 64
MAX_KEYWORDS_LENGTH = 200
MAX_CHOICES = 50
NEWSLETTER_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
HARD_SUPPRESSIONS = (
    Suppression.Reason.BOUNCE,
    Suppression.Reason.COMPLAINT,
    Suppression.Reason.MANUAL,
)


# Errors -----------------------------------------------------------------------------------


class MailingError(Exception):
    """A request we refuse, with a stable code and a message the reader can act on."""

    code = "mailing_error"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidAddress(MailingError):
    code = "invalid_address"


class InvalidChoice(MailingError):
    code = "invalid_choice"


class TooManyAttempts(MailingError):
    code = "too_many_attempts"

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


# Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One thing a reader asks to follow: a kind, the followed id or text, how often.

    `frequency` None means the request's frequency.
    """

    kind: str
    value: str = ""
    frequency: str | None = None


@dataclass(frozen=True)
class SubscribeResult:
    """What `subscribe` did. Never shown to the requester: the page is the same whatever.

    `subscriber` is None when the request was dropped (honeypot, suppressed address);
    `confirmation` is None when no mail was queued (dropped, nothing new, or held back by
    the per-address limits).
    """

    subscriber: Subscriber | None
    confirmation: Delivery | None


# Addresses --------------------------------------------------------------------------------

_address_validator = EmailValidator(allowlist=[])  # no "localhost"


def normalise_address(value: str) -> str:
    """The address in the one form we store and compare, or InvalidAddress.

    Lower-cased whole (so case variants cannot multiply the per-address limits), domain in
    IDNA ASCII form (strict IDNA 2008: zero-width and full-width look-alikes are refused, so
    one mailbox has one spelling). Quoted local parts and IP literals are refused.
    """
    value = (value or "").strip()
    if not value:
        raise InvalidAddress(gettext("Enter your email address."))
    if len(value) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(gettext("This email address is too long."))
    if any(character.isspace() for character in value):
        raise InvalidAddress(gettext("An email address cannot contain spaces."))
    if any(unicodedata.category(character).startswith("C") for character in value):
        raise InvalidAddress(gettext("This email address contains invisible characters."))
    invalid = InvalidAddress(gettext("Enter a valid email address, such as nom@exemple.fr."))
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or len(local) > MAX_LOCAL_PART_LENGTH:
        raise invalid
    if local.startswith('"') or domain.startswith("["):
        raise invalid
    if not local.isascii():
        raise invalid
    if not domain.isascii():
        try:
            domain = idna.encode(unicodedata.normalize("NFC", domain.lower()), uts46=False)
            domain = domain.decode()
        except idna.IDNAError as error:
            raise invalid from error
    address = f"{local}@{domain}".lower()
    if len(address) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(gettext("This email address is too long."))
    try:
        _address_validator(address)
    except ValidationError as error:
        raise invalid from error
    return address


def rate_limit_ip(ip: str | None) -> str | None:
    """The address that per-network limits count: the IPv4 address, or the IPv6 /64.

    One IPv6 customer holds a whole /64, so counting single IPv6 addresses would let one
    machine rotate through billions of them.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


# Choices ----------------------------------------------------------------------------------


def _as_id(value) -> int:
    try:
        return int(str(value).strip())
    except ValueError as error:
        raise InvalidChoice(gettext("This choice is not available any more.")) from error


def _resolve(choice: Choice, default_frequency: str) -> dict:
    """The choice checked against what exists, with its label, as stored in consent terms."""
    frequency = choice.frequency or default_frequency
    if frequency not in Frequency.values:
        raise InvalidChoice(gettext("Choose how often you want to hear from us."))
    kind, value = choice.kind, str(choice.value or "").strip()
    gone = InvalidChoice(gettext("This choice is not available any more."))
    Kind = Subscription.Kind  # noqa: N806
    if kind == Kind.NEWSLETTER:
        if frequency not in NEWSLETTER_FREQUENCIES:
            raise InvalidChoice(gettext("The newsletter comes daily or weekly."))
        value, label = "", gettext("The Mena News newsletter")
    elif kind == Kind.SECTION:
        section = SectionPage.objects.live().public().filter(pk=_as_id(value)).first()
        if section is None:
            raise gone
        value, label = str(section.pk), section.title
    elif kind == Kind.TOPIC:
        topic = Topic.objects.filter(pk=_as_id(value)).first()
        if topic is None:
            raise gone
        value, label = str(topic.pk), topic.name
    elif kind == Kind.COUNTRY:
        value = value.upper()
        if not value or value not in countries:
            raise gone
        label = str(countries.name(value))
    elif kind == Kind.ENTITY:
        entity = Entity.objects.filter(pk=_as_id(value)).first()
        if entity is None:
            raise gone
        # A record merged into another follows the one that stays.
        entity = kept_record(entity)
        value, label = str(entity.pk), entity.name
    elif kind == Kind.KEYWORDS:
        # Stored as typed; mailing.matching parses words, "phrases", OR and -exclusions.
        value = " ".join(value.split())
        if not value:
            raise InvalidChoice(gettext("Type at least one keyword."))
        if len(value) > MAX_KEYWORDS_LENGTH:
            raise InvalidChoice(gettext("Keep your keywords under 200 characters."))
        label = value
    else:
        raise gone
    return {"kind": kind, "value": value, "label": label, "frequency": frequency}


def resolve_choices(choices: Iterable[Choice], frequency: str) -> list[dict]:
    """Choices as stored, deduplicated by (kind, value), the last one winning."""
    choices = list(choices)
    if len(choices) > MAX_CHOICES:
        raise InvalidChoice(gettext("Choose at most 50 subjects at once."))
    resolved = {}
    for choice in choices:
        item = _resolve(choice, frequency)
        resolved[(item["kind"], item["value"])] = item
    return list(resolved.values())


def _described(subscription: Subscription) -> dict:
    return {
        "kind": subscription.kind,
        "value": subscription.value,
        "label": subscription.label,
        "frequency": subscription.frequency,
    }


def _current(subscriber: Subscriber) -> list[dict]:
    return [_described(s) for s in subscriber.subscriptions.order_by("kind", "label", "pk")]


def _store(subscriber: Subscriber, items: Iterable[dict]) -> list[dict]:
    """Create or update the subscriptions; the ones that changed."""
    changed = []
    for item in items:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            kind=item["kind"],
            value=item["value"],
            defaults={"label": item["label"], "frequency": item["frequency"]},
        )
        if created:
            changed.append(item)
        elif (subscription.frequency, subscription.label) != (item["frequency"], item["label"]):
            subscription.frequency, subscription.label = item["frequency"], item["label"]
            subscription.save(update_fields=["frequency", "label"])
            changed.append(item)
    return changed


def _new_or_changed(subscriber: Subscriber, items: Iterable[dict]) -> list[dict]:
    have = {(s.kind, s.value): s.frequency for s in subscriber.subscriptions.all()}
    return [i for i in items if have.get((i["kind"], i["value"])) != i["frequency"]]


# Consent ----------------------------------------------------------------------------------


def consent_text() -> str:
    """The consent text in the reader's language, exactly as the forms show it."""
    return str(CONSENT_TEXT)


def _consent_terms(subscriptions: list[dict], *, page: str = "") -> dict:
    text = consent_text()
    return {
        "text": text,
        "text_version": CONSENT_VERSION,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "page": page,
        "subscriptions": subscriptions,
    }


def _record(subscriber, action, terms, *, form="", ip=None, user_agent="", at=None):
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        terms=terms,
        form=(form or "")[:100],
        ip_address=_valid_ip(ip),
        user_agent=(user_agent or "")[:300],
        created_at=at or timezone.now(),
    )


def _valid_ip(ip):
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def _consent_again(subscriber: Subscriber) -> None:
    """Consent given again (confirm, resume): an earlier unsubscription no longer holds."""
    Suppression.objects.filter(
        email__iexact=subscriber.email, reason=Suppression.Reason.UNSUBSCRIBE
    ).delete()
    _index(subscriber)


def _index(subscriber: Subscriber) -> None:
    """Rebuild the subscriber's index keys (none unless active: matching's rule)."""
    from mailing.matching import index_subscriber

    index_subscriber(subscriber)


# Subscribing ------------------------------------------------------------------------------


def _limits(name, default):
    limits = getattr(settings, name, default)
    return [(timedelta(seconds=seconds), most) for seconds, most in limits]


def _queue_confirmation(subscriber: Subscriber, now) -> Delivery | None:
    """One confirmation Delivery, unless the address had its share of them recently."""
    sent = Delivery.objects.filter(subscriber=subscriber, kind=Delivery.Kind.CONFIRMATION)
    for window, most in _limits("MAILING_CONFIRMATIONS_PER_ADDRESS", CONFIRMATIONS_PER_ADDRESS):
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
    address = normalise_address(email)
    requested = resolve_choices(choices, frequency)
    if not requested:
        raise InvalidChoice(gettext("Choose at least one newsletter or alert."))
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
            _store(subscriber, requested)
        elif not _new_or_changed(subscriber, requested):
            return SubscribeResult(subscriber=subscriber, confirmation=None)
        _record(
            subscriber,
            ConsentRecord.Action.SUBSCRIBE,
            _consent_terms(requested, page=page),
            form=form,
            ip=ip,
            user_agent=user_agent,
            at=now,  # when the reader asked, not when the task ran
        )
        confirmation = _queue_confirmation(subscriber, now)
        _index(subscriber)
    return SubscribeResult(subscriber=subscriber, confirmation=confirmation)


# Confirming -------------------------------------------------------------------------------


def _open_requests(subscriber: Subscriber, now):
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
        return _current(subscriber)
    if subscriber.status in (Status.ACTIVE, Status.PAUSED):
        items = {}
        for request in _open_requests(subscriber, timezone.now()):
            for item in request.terms.get("subscriptions", []):
                items[(item["kind"], item["value"])] = item
        return _new_or_changed(subscriber, items.values())
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
                        items.append(_resolve(choice, item["frequency"]))
                    except InvalidChoice:
                        logger.info("Confirmed request %s: %s gone", request.pk, item["kind"])
                _store(subscriber, items)
        else:
            return subscriber
        subscriber.status = Status.ACTIVE
        subscriber.save(update_fields=["status", "confirmed_at"])
        _record(
            subscriber,
            ConsentRecord.Action.CONFIRM,
            {"confirms": [r.pk for r in requests], "subscriptions": _current(subscriber)},
            form="confirmation_link",
            ip=ip,
            user_agent=user_agent,
        )
        _consent_again(subscriber)
    logger.info("Subscriber %s confirmed", subscriber.pk)
    return subscriber


# Preferences ------------------------------------------------------------------------------


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
        removed = [_described(subscriptions.pop(pk)) for pk in set(remove) if pk in subscriptions]
        Subscription.objects.filter(subscriber=subscriber, pk__in=set(remove)).delete()
        changed = []
        for pk, new_frequency in frequencies.items():
            subscription = subscriptions.get(pk)
            if subscription is None or subscription.frequency == new_frequency:
                continue
            # Checked the same way as a new choice: the newsletter stays daily or weekly.
            _resolve(Choice(subscription.kind, subscription.value), new_frequency)
            subscription.frequency = new_frequency
            subscription.save(update_fields=["frequency"])
            changed.append(_described(subscription))
        changed += _store(subscriber, added)
        hour_changed = digest_hour is not None and digest_hour != subscriber.digest_hour
        if hour_changed:
            subscriber.digest_hour = digest_hour
            subscriber.save(update_fields=["digest_hour"])
        if not (removed or changed or hour_changed):
            return subscriber
        terms = _consent_terms(_current(subscriber), page="preferences")
        terms.update(removed=removed, changed=changed, digest_hour=subscriber.digest_hour)
        _record(
            subscriber,
            ConsentRecord.Action.CHANGE,
            terms,
            form="preferences",
            ip=ip,
            user_agent=user_agent,
        )
        _index(subscriber)
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
        _record(
            subscriber,
            ConsentRecord.Action.PAUSE,
            {"subscriptions": _current(subscriber)},
            form="preferences",
            ip=ip,
            user_agent=user_agent,
        )
        _stop_unsent_mail(subscriber)
        _index(subscriber)
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
            terms = _consent_terms(_current(subscriber), page="preferences")
            terms["previous_status"] = previous
            _record(
                subscriber,
                ConsentRecord.Action.RESUME,
                terms,
                form="preferences",
                ip=ip,
                user_agent=user_agent,
            )
            _consent_again(subscriber)
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
            _record(
                subscriber,
                ConsentRecord.Action.UNSUBSCRIBE,
                {"previous_status": previous, "subscriptions": _current(subscriber)},
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
        _index(subscriber)
    return subscriber


# The reader's data (GDPR art. 15, 17, 20) -------------------------------------------------


def export_data(subscriber: Subscriber) -> dict:
    """Everything we hold about the reader, as plain JSON-ready data."""

    def when(value):
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
            {**_described(s), "created_at": when(s.created_at)}
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
