"""An edition rendered once and filled per reader is the email `render_delivery` gives them."""

from email import message_from_bytes, policy

import time_machine
from django.utils import timezone

from mailing.editions import EditionCache
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
