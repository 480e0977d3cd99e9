"""Links in emails: opaque, unforgeable, scoped to one reader and one purpose.

Issue #12, item 5, and RELIABILITY A5: a token is an HMAC over (subscriber, purpose,
version) and carries no address; any change to it, any other reader, any other purpose gives
the same refusal as a forged link.
"""

import base64
import hashlib
import re
import zlib
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailing import services
from mailing.models import ConsentRecord, Subscriber
from mailing.tokens import (
    MAX_AGE_SECONDS,
    InvalidToken,
    address_tag,
    make_token,
    read_token,
    revoke_links,
)

pytestmark = pytest.mark.django_db

PURPOSES = sorted(MAX_AGE_SECONDS)
VIEWS = {
    "confirm": ["mailing_confirm"],
    "preferences": ["mailing_preferences", "mailing_export", "mailing_erase"],
    "unsubscribe": ["mailing_unsubscribe"],
}
TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:."
FIXED = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def legacy_token(subscriber, purpose, email=None):
    """A link as emails sent before version 2 carried it: the address in the payload."""
    payload = {"s": subscriber.pk, "e": email or subscriber.email}
    return signing.dumps(payload, salt=f"mailing.{purpose}", compress=True)


def decoded_payload(token):
    """What anyone reads from a token without the key: its payload, base64-decoded, inflated."""
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    try:
        return zlib.decompress(decoded) if payload.startswith(".") else decoded
    except zlib.error:
        return decoded


def comparable(response):
    headers = {k: v for k, v in response.headers.items() if k not in {"Date", "Expires"}}
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    return response.status_code, headers, body


@pytest.fixture
def readers(db):
    return [
        Subscriber.objects.create(email=email, status=status)
        for email, status in [
            ("leila.benali@example.org", "active"),
            ("karim@example.org", "pending"),
            ("sami@exemple.fr", "paused"),
            ("nora+alertes@example.org", "unsubscribed"),
        ]
    ]


# --- Opaque ----------------------------------------------------------------------------------


@FIXED
@given(
    local=st.from_regex(r"[a-z0-9][a-z0-9.+_-]{5,30}", fullmatch=True),
    purpose=st.sampled_from(PURPOSES),
)
def test_no_token_carries_the_address_or_its_local_part(readers, local, purpose):
    reader = readers[0]
    reader.email = f"{local}@example.org"
    token = make_token(reader, purpose)

    assert reader.email not in token and local not in token
    payload = decoded_payload(token)
    assert reader.email.encode() not in payload and local.encode() not in payload
    # The check itself sees an address where there is one: in links sent before version 2.
    assert local.encode() in decoded_payload(legacy_token(reader, purpose))


def test_a_token_is_an_id_a_version_and_a_keyed_address_tag(readers):
    reader = readers[0]
    payload = signing.loads(make_token(reader, "preferences"), salt="mailing.preferences.v2")

    pk, version, tag = payload
    assert (pk, version) == (reader.pk, 0)
    assert re.fullmatch(r"[0-9a-f]{16}", tag)
    # Keyed with SECRET_KEY: not a plain digest, which a list of addresses would reverse;
    # one per address, the same for it in every link.
    assert not hashlib.sha256(reader.email.encode()).hexdigest().startswith(tag)
    assert tag == address_tag(reader.email) != address_tag(readers[1].email)


# --- A link dies with its address, its version, its age --------------------------------------


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_link_stops_working_once_the_address_changed(readers, purpose):
    reader = readers[0]
    token = make_token(reader, purpose)
    assert read_token(token, purpose) == reader

    Subscriber.objects.filter(pk=reader.pk).update(email="quelquun.dautre@example.org")

    with pytest.raises(InvalidToken):
        read_token(token, purpose)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_link_stops_working_once_the_reader_is_erased(readers, purpose):
    reader = readers[0]
    token = make_token(reader, purpose)

    services.erase(reader)

    with pytest.raises(InvalidToken):
        read_token(token, purpose)


def test_revoking_kills_every_earlier_link_and_no_later_one(readers):
    reader = readers[0]
    earlier = {purpose: make_token(reader, purpose) for purpose in PURPOSES}
    legacy = legacy_token(reader, "unsubscribe")

    revoke_links(reader)
    later = {purpose: make_token(reader, purpose) for purpose in PURPOSES}

    for purpose in PURPOSES:
        with pytest.raises(InvalidToken):
            read_token(earlier[purpose], purpose)
        assert read_token(later[purpose], purpose) == reader
    with pytest.raises(InvalidToken):
        read_token(legacy, "unsubscribe")


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_link_expires_after_its_max_age(readers, purpose):
    reader = readers[0]
    token = make_token(reader, purpose)
    later = timezone.now() + timedelta(seconds=MAX_AGE_SECONDS[purpose] + 60)

    with time_machine.travel(later):
        with pytest.raises(InvalidToken):
            read_token(token, purpose)


# --- Links already sent (legacy format) -------------------------------------------------------


@pytest.mark.parametrize("purpose", PURPOSES)
def test_links_already_sent_keep_working_for_their_own_address_only(readers, purpose):
    reader, other = readers[0], readers[1]

    assert read_token(legacy_token(reader, purpose), purpose) == reader
    for wrong in (
        legacy_token(reader, purpose, email=other.email),  # the id of one, the address of another
        legacy_token(reader, [p for p in PURPOSES if p != purpose][0]),
    ):
        with pytest.raises(InvalidToken):
            read_token(wrong, purpose)
    Subscriber.objects.filter(pk=reader.pk).update(email="change@example.org")
    with pytest.raises(InvalidToken):
        read_token(legacy_token(reader, purpose, email=reader.email), purpose)


def test_links_already_sent_expire_as_before(readers):
    token = legacy_token(readers[0], "confirm")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        with pytest.raises(InvalidToken):
            read_token(token, "confirm")


def test_a_link_already_sent_still_unsubscribes_in_one_click(client, readers):
    reader = readers[0]
    url = reverse("mailing_unsubscribe", args=[legacy_token(reader, "unsubscribe")])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    # The page's next link is a new, opaque one.
    assert reader.email not in response.content.decode()


def test_the_old_format_is_never_issued(readers):
    for purpose in PURPOSES:
        token = make_token(readers[0], purpose)
        with pytest.raises(signing.BadSignature):
            signing.loads(token, salt=f"mailing.{purpose}")
        assert isinstance(signing.loads(token, salt=f"mailing.{purpose}.v2"), list)


# --- Unforgeable and scoped (RELIABILITY A5) -----------------------------------------------


@FIXED
@given(
    data=st.data(),
    purpose=st.sampled_from(PURPOSES),
    edit=st.sampled_from(["replace", "insert", "delete"]),
)
def test_no_byte_mutation_of_a_token_acts(readers, data, purpose, edit):
    reader = data.draw(st.sampled_from(readers))
    token = make_token(reader, purpose)
    position = data.draw(st.integers(0, len(token) - 1))
    character = data.draw(st.sampled_from(TOKEN_CHARACTERS))
    if edit == "replace":
        mutated = token[:position] + character + token[position + 1 :]
    elif edit == "insert":
        mutated = token[:position] + character + token[position:]
    else:
        mutated = token[:position] + token[position + 1 :]
    if mutated == token:
        return

    for any_purpose in PURPOSES:
        with pytest.raises(InvalidToken):
            read_token(mutated, any_purpose)


@FIXED
@given(
    owner=st.integers(0, 3),
    someone=st.integers(0, 3),
    made_for=st.sampled_from(PURPOSES),
    used_for=st.sampled_from(PURPOSES),
)
def test_a_token_for_one_reader_and_purpose_never_acts_on_another(
    readers, owner, someone, made_for, used_for
):
    token = make_token(readers[owner], made_for)

    if used_for == made_for:
        assert read_token(token, used_for) == readers[owner]
        assert read_token(token, used_for) != readers[someone] or owner == someone
    else:
        with pytest.raises(InvalidToken):
            read_token(token, used_for)


@FIXED
@given(data=st.data())
def test_mutated_links_change_nothing_through_the_pages(client, readers, data):
    reader = readers[0]
    purpose = data.draw(st.sampled_from(PURPOSES))
    name = data.draw(st.sampled_from(VIEWS[purpose]))
    token = make_token(reader, purpose)
    position = data.draw(st.integers(0, len(token) - 1))
    character = data.draw(st.sampled_from(TOKEN_CHARACTERS.replace(":", "")))
    mutated = token[:position] + character + token[position + 1 :]
    if mutated == token:
        return
    before = list(Subscriber.objects.values_list("pk", "status", "email").order_by("pk"))

    send = client.get if name == "mailing_export" else client.post  # the export is a GET
    response = send(reverse(name, args=[mutated]), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 400
    assert list(Subscriber.objects.values_list("pk", "status", "email").order_by("pk")) == before
    assert not ConsentRecord.objects.exists()


def test_every_kind_of_bad_link_gets_the_same_answer(client, readers):
    reader, other = readers[0], readers[1]
    good = make_token(reader, "unsubscribe")
    moved = make_token(other, "unsubscribe")
    Subscriber.objects.filter(pk=other.pk).update(email="nouvelle@example.org")
    expired = make_token(readers[2], "confirm")
    revoked = make_token(readers[3], "preferences")
    revoke_links(readers[3])
    bad = {
        "garbage": "nimportequoi",
        "forged": good[:-4] + ("abcd" if not good.endswith("abcd") else "dcba"),
        "another purpose": make_token(reader, "confirm"),
        "address changed": moved,
        "revoked": revoked,
        "legacy for another address": legacy_token(reader, "unsubscribe", email=other.email),
    }

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        bad["expired"] = expired
        answers = {}
        for label, token in bad.items():
            for name in ("mailing_unsubscribe", "mailing_preferences", "mailing_confirm"):
                for method in ("get", "post"):
                    url = reverse(name, args=[token])
                    answers[(label, name, method)] = comparable(getattr(client, method)(url))

    reference = answers[("garbage", "mailing_unsubscribe", "get")]
    assert reference[0] == 400
    assert {key: answer == reference for key, answer in answers.items()} == dict.fromkeys(
        answers, True
    )
    assert not ConsentRecord.objects.exists()
