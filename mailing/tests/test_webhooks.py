"""Provider events: hard bounces and complaints suppress, soft bounces do not, repeats are no-ops.

Most tests send anymail's normalised `tracking` signal, as every provider's webhook view does;
the Postmark tests go through the real URL, basic auth included.
"""

import base64
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import checks
from django.urls import reverse

from mailing import webhooks
from mailing.models import (
    ConsentRecord,
    Delivery,
    Frequency,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)

pytestmark = pytest.mark.django_db

SECRET = "postmark:webhook-secret-for-tests"


@pytest.fixture
def reader():
    subscriber = Subscriber.objects.create(email="leila@example.org", status="active")
    subscription = Subscription.objects.create(
        subscriber=subscriber, kind="topic", value="12", label="Énergie", frequency="instant"
    )
    SubscriptionKey.objects.create(
        key="topic:12",
        subscription=subscription,
        subscriber=subscriber,
        frequency=Frequency.INSTANT,
    )
    return subscriber


@pytest.fixture
def delivery(reader):
    return Delivery.objects.create(
        subscriber=reader,
        message_key="alert:1:7",
        kind=Delivery.Kind.ALERT,
        status=Delivery.Status.SENT,
        provider_message_id="pm-0001",
    )


def send_event(esp_name="Postmark", **fields):
    fields.setdefault("recipient", "leila@example.org")
    fields.setdefault("message_id", "pm-0001")
    tracking.send(sender=object, event=AnymailTrackingEvent(**fields), esp_name=esp_name)


def test_a_hard_bounce_suppresses_the_address_and_marks_the_delivery(reader, delivery):
    send_event(event_type="bounced", reject_reason="bounced", description="Mailbox not found")

    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == ("leila@example.org", "bounce")
    assert "Mailbox not found" in suppression.detail
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED
    assert "Mailbox not found" in delivery.last_error
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE  # no consent changed: the address is dead


def test_a_bounce_delivered_twice_gives_one_suppression(reader, delivery):
    send_event(event_type="bounced", event_id="b-1")
    send_event(event_type="bounced", event_id="b-1")

    assert Suppression.objects.count() == 1
    assert Delivery.objects.get().status == Delivery.Status.BOUNCED


def test_the_address_is_matched_whatever_its_case(reader, delivery):
    send_event(event_type="bounced", recipient="Leila@EXAMPLE.org")

    assert Suppression.objects.get().email == "leila@example.org"
    assert Delivery.objects.get().status == Delivery.Status.BOUNCED


def test_only_the_deliveries_of_the_bounced_message_are_marked(reader, delivery):
    other = Delivery.objects.create(
        subscriber=reader,
        message_key="daily:2024-05-10",
        kind=Delivery.Kind.DAILY,
        status=Delivery.Status.SENT,
        provider_message_id="pm-0002",
    )

    send_event(event_type="bounced", message_id="pm-0001")

    other.refresh_from_db()
    assert other.status == Delivery.Status.SENT


def test_an_event_without_recipient_finds_the_address_through_its_message(reader, delivery):
    send_event(event_type="bounced", recipient=None)

    assert Suppression.objects.get().email == "leila@example.org"


@pytest.mark.parametrize("reason", ["invalid", "bounced"])
def test_a_refusal_for_a_bad_address_suppresses_it(reader, delivery, reason):
    send_event(event_type="rejected", reject_reason=reason)

    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCE
    assert Delivery.objects.get().status == Delivery.Status.BOUNCED


@pytest.mark.parametrize("reason", ["blocked", "other", "timed_out", None])
def test_a_refusal_for_the_senders_reasons_fails_the_delivery_and_suppresses_nobody(
    reader, delivery, reason
):
    send_event(event_type="rejected", reject_reason=reason, description="DMARC policy")

    assert not Suppression.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "DMARC policy" in delivery.last_error
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


@pytest.mark.parametrize("reason", ["blocked", "spam", "timed_out", "other"])
def test_a_bounce_for_our_mail_rather_than_the_address_suppresses_nobody(reader, delivery, reason):
    send_event(event_type="bounced", reject_reason=reason, mta_response="554 5.7.1 blocked")

    assert not Suppression.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "554 5.7.1 blocked" in delivery.last_error
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_a_refusal_after_an_earlier_complaint_counts_as_a_complaint(reader, delivery):
    send_event(event_type="rejected", reject_reason="spam")

    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


def test_an_existing_row_in_another_case_is_reused(reader, delivery):
    Suppression.objects.create(email="Leila@Example.org", reason="unsubscribe")

    send_event(event_type="bounced")

    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCE


def test_a_complaint_suppresses_and_unsubscribes_with_a_consent_record(reader, delivery):
    send_event(event_type="complained", reject_reason="spam", event_id="c-1")

    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    record = ConsentRecord.objects.get(subscriber=reader)
    assert record.action == ConsentRecord.Action.UNSUBSCRIBE
    assert record.form == "complaint webhook"
    assert record.terms["previous_status"] == "active"
    assert record.terms["subscriptions"][0]["label"] == "Énergie"
    assert "Postmark complained" in Suppression.objects.get().detail
    # The inverted index holds active readers only; the preferences are kept.
    assert not SubscriptionKey.objects.filter(subscriber=reader).exists()
    assert Subscription.objects.filter(subscriber=reader).count() == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT  # it did arrive


def test_a_complaint_delivered_twice_records_one_unsubscribe(reader, delivery):
    send_event(event_type="complained")
    send_event(event_type="complained")

    assert Suppression.objects.count() == 1
    assert ConsentRecord.objects.filter(subscriber=reader).count() == 1


def test_a_complaint_outranks_an_earlier_bounce_but_not_a_manual_entry(reader, delivery):
    send_event(event_type="bounced")
    send_event(event_type="complained")
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT

    Suppression.objects.create(email="karim@example.org", reason="manual", detail="demande")
    send_event(event_type="complained", recipient="karim@example.org", message_id="x")
    assert Suppression.objects.get(email="karim@example.org").reason == "manual"


def test_an_unsubscribe_at_the_provider_unsubscribes_here_too(reader, delivery):
    send_event(event_type="unsubscribed", reject_reason="unsubscribed")

    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBE
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert ConsentRecord.objects.get(subscriber=reader).form == "unsubscribe webhook"


@pytest.mark.parametrize(
    ("esp_name", "fields"),
    [
        ("Postmark", {"event_type": "deferred"}),
        ("Mailgun", {"event_type": "deferred", "mta_response": "452 mailbox full"}),
        ("Postmark", {"event_type": "bounced", "esp_event": {"Type": "SoftBounce"}}),
        ("Brevo", {"event_type": "bounced", "esp_event": {"event": "soft_bounce"}}),
        ("Postmark", {"event_type": "delivered"}),
        ("Postmark", {"event_type": "opened"}),
    ],
)
def test_soft_bounces_and_other_events_change_nothing(reader, delivery, esp_name, fields):
    send_event(esp_name=esp_name, **fields)

    assert not Suppression.objects.exists()
    assert Delivery.objects.get().status == Delivery.Status.SENT
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_a_failed_send_is_recorded_on_the_delivery(reader, delivery):
    send_event(event_type="failed", description="Template rendering failed")

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "Postmark failed: Template rendering failed"
    assert not Suppression.objects.exists()


def test_an_address_we_never_wrote_to_is_still_suppressed(db):
    send_event(event_type="complained", recipient="stranger@example.org", message_id=None)

    assert Suppression.objects.get().email == "stranger@example.org"


def test_connecting_twice_keeps_one_receiver():
    before = len(tracking.receivers)
    webhooks.connect()
    webhooks.connect()

    assert len(tracking.receivers) == before


def test_deploy_checks_require_a_webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert [error.id for error in webhooks.check_webhook_secret(None)] == ["mailing.E001"]

    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    assert webhooks.check_webhook_secret(None) == []
    deploy_checks = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert webhooks.check_webhook_secret in deploy_checks


# Through the real webhook URL (Postmark, basic auth) --------------------------------------


def postmark_bounce(**overrides):
    """A Postmark bounce webhook body, as in Postmark's documentation."""
    payload = {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "alert",
        "MessageID": "pm-0001",
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "leila@example.org",
        "From": "redaction@mena.example",
        "BouncedAt": "2024-05-10T16:33:54.9070259Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Alerte : Énergie",
    }
    payload.update(overrides)
    return json.dumps(payload)


def post_to_postmark(client, body, credentials=SECRET):
    headers = {}
    if credentials is not None:
        token = base64.b64encode(credentials.encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {token}"
    return client.post(
        reverse("anymail:postmark_tracking_webhook"),
        data=body,
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def test_a_postmark_hard_bounce_posted_twice_suppresses_once(
    client, webhook_secret, reader, delivery
):
    first = post_to_postmark(client, postmark_bounce())
    second = post_to_postmark(client, postmark_bounce())

    assert (first.status_code, second.status_code) == (200, 200)
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == ("leila@example.org", "bounce")
    assert "unknown user" in suppression.detail
    assert Delivery.objects.get().status == Delivery.Status.BOUNCED


def test_a_postmark_spam_complaint_unsubscribes_the_reader(
    client, webhook_secret, reader, delivery
):
    body = postmark_bounce(RecordType="SpamComplaint", Type="SpamComplaint", TypeCode=512)

    assert post_to_postmark(client, body).status_code == 200

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT
    assert ConsentRecord.objects.get().form == "complaint webhook"


def test_a_postmark_soft_bounce_changes_nothing(client, webhook_secret, reader, delivery):
    body = postmark_bounce(Type="SoftBounce", TypeCode=4096)

    assert post_to_postmark(client, body).status_code == 200

    assert not Suppression.objects.exists()
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.parametrize("credentials", [None, "postmark:wrong", "intruder:" + SECRET])
def test_an_unauthenticated_or_forged_webhook_is_refused_and_changes_nothing(
    client, webhook_secret, reader, delivery, credentials
):
    body = postmark_bounce(RecordType="SpamComplaint", Type="SpamComplaint")

    response = post_to_postmark(client, body, credentials=credentials)

    assert response.status_code in (400, 401, 403)
    assert not Suppression.objects.exists()
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
