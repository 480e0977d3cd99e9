"""An edition rendered once and filled per reader is the email `render_delivery` gives them."""

import binascii
from email import message_from_bytes, policy

import time_machine
from django.utils import timezone

from mailing.editions import BodyTemplate, EditionCache, _part
from mailing.models import Delivery
from mailing.rendering import ensure_message_id, render_delivery


def parts(message):
    bodies = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    return tuple(body.replace("\r\n", "\n") for body in bodies)


def test_a_filled_edition_is_each_readers_own_rendering(
    make_subscriber, queue_delivery, article, https_site
):
    readers = [make_subscriber(), make_subscriber(email="o'hara&co@example.org")]
    editions = EditionCache()
    for reader in readers:
        delivery = queue_delivery(reader, Delivery.Kind.ALERT, articles=[article])
        delivery = Delivery.objects.select_related("subscriber").get(pk=delivery.pk)
        ensure_message_id(delivery)
        with time_machine.travel(timezone.now(), tick=False):  # the links' timestamps
            filled = editions.fill(delivery, [article.pk], delivery.message_id)
            expected = render_delivery(delivery)

        raw = message_from_bytes(filled.raw_bytes(), policy=policy.default)
        reference = message_from_bytes(
            expected.message().as_bytes(linesep="\r\n"), policy=policy.default
        )
        for name in ("Subject", "From", "To", "Message-ID", "List-Unsubscribe"):
            # Django folds a long List-Unsubscribe before its value; ours is one line.
            assert raw[name].strip() == reference[name].strip(), name
        assert raw.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
        for ours, theirs in zip(parts(raw), parts(reference), strict=True):
            assert ours.splitlines() == theirs.splitlines()
        assert reader.email in parts(raw)[0]
        # The same message for a backend other than SMTP (anymail).
        assert filled.message.body == expected.body
    assert len(editions._editions) == 1  # rendered once for both readers


def test_the_filled_bytes_are_those_of_the_filled_text(make_subscriber, queue_delivery, article):
    """Filling the encoded edition gives the bytes that encoding the filled text gives."""
    reader = make_subscriber(email="o'hara&co@example.org")
    delivery = queue_delivery(reader, Delivery.Kind.ALERT, articles=[article])
    delivery = Delivery.objects.select_related("subscriber").get(pk=delivery.pk)
    ensure_message_id(delivery)
    filled = EditionCache().fill(delivery, [article.pk], delivery.message_id)
    boundary = filled.edition.boundary

    quick = filled._bodies("utf-8")

    assert quick == [
        _part(boundary, "plain", filled.text, "utf-8"),
        _part(boundary, "html", filled.html, "utf-8"),
    ]
    # MJML writes lines over 998 characters: the HTML part is quoted-printable.
    assert b"Content-Transfer-Encoding: quoted-printable" in quick[1]
    assert b"o'hara&co@example.org" in quick[0]


def test_a_line_that_outgrows_8bit_makes_the_part_quoted_printable():
    template = BodyTemplate.of("x" * 980 + " PH\nshort", {"email": "PH"}, "utf-8")

    short = template.fill({"email": b"a@example.org"})
    long = template.fill({"email": b"a" * 10 + b"@example.org"})

    assert short == ("8bit", b"x" * 980 + b" a@example.org\r\nshort")
    line = b"x" * 980 + b" aaaaaaaaaa@example.org"
    quoted = binascii.b2a_qp(line, istext=True).replace(b"=\n", b"=\r\n")
    assert long == ("quoted-printable", quoted + b"\r\nshort")
