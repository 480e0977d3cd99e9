"""Signed, expiring links: the reader's only credential (no password, no login).

A token is `signing.dumps([subscriber id, token version, address tag])` with a salt per
purpose, so it is an HMAC (SECRET_KEY) over the subscriber, the purpose and the version,
checked in constant time: a confirmation link cannot unsubscribe, a link for one reader
cannot act on another, and a link stops working once the address changed or was erased.

No address in the link (issue #12, item 5): links end up in proxy logs, analytics and
browser histories, and the payload of a signed value is only base64, readable by anyone.
The address tag is a keyed digest (HMAC with SECRET_KEY) of the address, not the address:
without the secret, nobody can tell which address it stands for, yet a link dies with the
address it was sent to, whatever path changes the address. `Subscriber.token_version`
revokes every link of a reader at once (`revoke_links`).
"""

from django.core import signing
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from mailing.exceptions import InvalidToken
from mailing.models import Subscriber

MAX_AGE_SECONDS = {
    "confirm": 7 * 24 * 3600,  # a week to click the confirmation
    "preferences": 365 * 24 * 3600,
    "unsubscribe": 365 * 24 * 3600,  # unsubscribe links in old emails keep working a year
}
ADDRESS_TAG_LENGTH = 16  # hex characters: 64 bits, against guessing a tag for a forged id


def _salt(purpose: str) -> str:
    if purpose not in MAX_AGE_SECONDS:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return f"mailing.{purpose}.v2"


def _legacy_salt(purpose: str) -> str:
    return f"mailing.{purpose}"


def address_tag(email: str) -> str:
    """A keyed digest of the address: equal for one address, meaningless without the key."""
    return salted_hmac("mailing.tokens.address", email, algorithm="sha256").hexdigest()[
        :ADDRESS_TAG_LENGTH
    ]


def make_token(subscriber: Subscriber, purpose: str) -> str:
    payload = [subscriber.pk, subscriber.token_version, address_tag(subscriber.email)]
    return signing.dumps(payload, salt=_salt(purpose))


def read_token(token: str, purpose: str) -> Subscriber:
    """The subscriber a valid token for `purpose` names, or InvalidToken, whatever is wrong."""
    salt = _salt(purpose)
    max_age = MAX_AGE_SECONDS[purpose]
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return _read_legacy_token(token, purpose)
    if not (
        isinstance(payload, list)
        and len(payload) == 3
        and all(isinstance(part, int) and not isinstance(part, bool) for part in payload[:2])
        and isinstance(payload[2], str)
    ):
        raise InvalidToken("malformed payload")
    pk, version, tag = payload
    subscriber = Subscriber.objects.filter(pk=pk, token_version=version).first()
    if subscriber is None or not constant_time_compare(tag, address_tag(subscriber.email)):
        raise InvalidToken("no such subscriber")
    return subscriber


# Links sent before version 2 carry {"s": id, "e": address}. They are read, never issued
# again: unsubscribe and preference links in emails already delivered must keep working for
# their whole max age (a withdrawal must stay one click away, RFC 8058 and GDPR art. 7(3)),
# and refusing them would not take the addresses back out of the logs they already reached.
# They still act only on the subscriber holding that very address, and only while no link of
# theirs was revoked (token_version 0, the version they were issued at). Remove this reader
# once a year has passed since version 2 was deployed: every legacy token has expired then.
def _read_legacy_token(token: str, purpose: str) -> Subscriber:
    try:
        payload = signing.loads(token, salt=_legacy_salt(purpose), max_age=MAX_AGE_SECONDS[purpose])
    except signing.BadSignature as error:
        raise InvalidToken(str(error)) from error
    if not isinstance(payload, dict):
        raise InvalidToken("malformed payload")
    pk, email = payload.get("s"), payload.get("e")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(email, str):
        raise InvalidToken("malformed payload")
    subscriber = Subscriber.objects.filter(pk=pk, email=email, token_version=0).first()
    if subscriber is None:
        raise InvalidToken("no such subscriber")
    return subscriber


def revoke_links(subscriber: Subscriber) -> None:
    """Every link sent to the reader so far stops working; links made from now on work."""
    Subscriber.objects.filter(pk=subscriber.pk).update(token_version=F("token_version") + 1)
    subscriber.refresh_from_db(fields=["token_version"])
