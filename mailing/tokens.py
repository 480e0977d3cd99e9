"""Signed, expiring links: the reader's only credential (no password, no login).

A token carries the subscriber id and address and is signed with the site's SECRET_KEY and
a salt per purpose, so a confirmation link cannot unsubscribe, a link for one address cannot
act on another, and a link stops working once the address changed or was erased.
"""

from django.core import signing

from mailing.models import Subscriber

MAX_AGE_SECONDS = {
    "confirm": 7 * 24 * 3600,  # a week to click the confirmation
    "preferences": 365 * 24 * 3600,
    "unsubscribe": 365 * 24 * 3600,  # unsubscribe links in old emails keep working a year
}


class InvalidToken(Exception):
    """Forged, expired, for another purpose, or for an address we no longer hold."""


def make_token(subscriber: Subscriber, purpose: str) -> str:
    if purpose not in MAX_AGE_SECONDS:
        raise ValueError(f"unknown token purpose {purpose!r}")
    payload = {"s": subscriber.pk, "e": subscriber.email}
    return signing.dumps(payload, salt=f"mailing.{purpose}", compress=True)


def read_token(token: str, purpose: str) -> Subscriber:
    if purpose not in MAX_AGE_SECONDS:
        raise ValueError(f"unknown token purpose {purpose!r}")
    try:
        payload = signing.loads(token, salt=f"mailing.{purpose}", max_age=MAX_AGE_SECONDS[purpose])
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise InvalidToken(str(error)) from error
    subscriber = Subscriber.objects.filter(pk=payload.get("s"), email=payload.get("e")).first()
    if subscriber is None:
        raise InvalidToken("no such subscriber")
    return subscriber
