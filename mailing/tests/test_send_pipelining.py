"""SMTP PIPELINING (RFC 2920): a message in two round trips, refusals sorted as before.

The H3 sink offers PIPELINING, as common servers do, so every sending test goes through the
pipelined path; these tests pin the number of writes, and the plain path for a server that
does not offer it.
"""

import smtplib

import pytest

from mailing.models import Delivery, Suppression
from mailing.sending import send_due


@pytest.fixture
def writes(monkeypatch):
    """Every write the client makes to the server, in order."""
    seen = []
    send = smtplib.SMTP.send

    def counted(self, data):
        seen.append(data)
        return send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", counted)
    return seen


@pytest.mark.parametrize(("offered", "writes_per_message"), [(True, 2), (False, 4)])
def test_a_message_costs_two_writes_when_the_server_pipelines(
    alerts, smtp_sink, writes, offered, writes_per_message
):
    smtp_sink.offer_pipelining(offered)
    deliveries = alerts(3)

    report = send_due(rate_per_second=0)

    assert report.sent == 3
    assert len(smtp_sink.messages) == 3
    texts = [data if isinstance(data, str) else data.decode("latin-1") for data in writes]
    session = [text for text in texts if text.lower().startswith(("ehlo", "quit"))]
    assert len(texts) - len(session) == 3 * writes_per_message
    received = {message.recipient: message for message in smtp_sink.messages}
    for delivery in deliveries:
        message = received[delivery.subscriber.email]
        assert message.message_id == Delivery.objects.get(pk=delivery.pk).message_id


@pytest.mark.parametrize("offered", [True, False])
def test_refusals_are_sorted_the_same_pipelined_or_not(alerts, smtp_sink, offered):
    smtp_sink.offer_pipelining(offered)
    bounced, later, refused_data, fine = alerts(4)
    smtp_sink.fail(bounced.subscriber.email, "550 5.1.1 No such user")
    smtp_sink.fail(later.subscriber.email, "451 4.3.0 Try later", times=1)
    smtp_sink.fail(refused_data.subscriber.email, "554 5.7.1 Rejected", stage="data")

    report = send_due(rate_per_second=0)

    statuses = {d.pk: Delivery.objects.get(pk=d.pk).status for d in (bounced, later, fine)}
    assert statuses == {bounced.pk: "bounced", later.pk: "queued", fine.pk: "sent"}
    assert Delivery.objects.get(pk=refused_data.pk).status == "bounced"
    assert (report.sent, report.bounced, report.retried) == (1, 2, 1)
    assert Suppression.objects.filter(email=bounced.subscriber.email).exists()
    # The transaction after each refusal was reset: the next message still went through.
    assert [message.recipient for message in smtp_sink.messages] == [fine.subscriber.email]
