"""The newsletters admin: subscribers and their consent, suppressions, the sending dashboard."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from mailing.models import ConsentRecord, Delivery, Subscriber, Subscription, Suppression

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=PARIS)

SUBSCRIBERS_LIST = "mailing_subscribers:index"
SUPPRESSIONS_LIST = "mailing_suppressions:index"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def readers():
    leila = Subscriber.objects.create(
        email="leila@example.org",
        status="active",
        created_at=NOW - timedelta(days=30),
        confirmed_at=NOW - timedelta(days=30, hours=-1),
    )
    nora = Subscriber.objects.create(email="nora@example.org", status="active")
    karim = Subscriber.objects.create(email="karim@example.org", status="pending")
    sami = Subscriber.objects.create(email="sami@example.org", status="unsubscribed")
    for subscriber, kind, value, label, frequency in [
        (leila, "newsletter", "", "", "daily"),
        (leila, "topic", "12", "Énergie", "instant"),
        (leila, "country", "MA", "", "instant"),
        (nora, "newsletter", "", "", "daily"),
        (nora, "topic", "12", "Énergie", "daily"),
        (sami, "newsletter", "", "", "weekly"),
    ]:
        Subscription.objects.create(
            subscriber=subscriber, kind=kind, value=value, label=label, frequency=frequency
        )
    ConsentRecord.objects.create(
        subscriber=leila,
        action="subscribe",
        form="footer",
        ip_address="203.0.113.9",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
        terms={"subscriptions": [{"kind": "topic", "label": "Énergie"}], "version": "2025-1"},
        created_at=NOW - timedelta(days=30),
    )
    ConsentRecord.objects.create(
        subscriber=leila,
        action="confirm",
        form="confirmation link",
        ip_address="198.51.100.4",
        terms={"confirmed": True},
        created_at=NOW - timedelta(days=30, hours=-1),
    )
    return {"leila": leila, "nora": nora, "karim": karim, "sami": sami}


@pytest.fixture
def ledger(readers):
    """Today: 3 alerts sent, 1 digest queued, 1 failed. Earlier: the week's older rows."""
    leila, nora = readers["leila"], readers["nora"]
    rows = {}

    def add(name, subscriber, kind, status, age, **fields):
        rows[name] = Delivery.objects.create(
            subscriber=subscriber,
            message_key=name,
            kind=kind,
            status=status,
            created_at=NOW - age,
            **fields,
        )

    for number in range(3):
        add(f"alert:{number}", leila, "alert", "sent", timedelta(hours=number + 1))
    add("daily:today", nora, "daily", "queued", timedelta(minutes=30))
    add(
        "alert:failed",
        nora,
        "alert",
        "failed",
        timedelta(hours=2),
        attempts=5,
        last_error="SMTP 421 4.7.0 try again later",
    )
    add("daily:2024-05-08", leila, "daily", "queued", timedelta(days=2))
    add("weekly:a", leila, "weekly", "sent", timedelta(days=3))
    add("weekly:b", nora, "weekly", "sent", timedelta(days=3))
    add("weekly:old", nora, "weekly", "sent", timedelta(days=10))
    return rows


def data(html, attribute, key, value):
    return f'data-{attribute}="{key}">{value}<' in html


# Subscribers ------------------------------------------------------------------------------


def test_the_subscriber_list_shows_email_status_and_dates(admin_client, readers):
    response = admin_client.get(reverse(SUBSCRIBERS_LIST))

    html = response.content.decode()
    assert response.status_code == 200
    for email in ("leila@example.org", "nora@example.org", "karim@example.org"):
        assert email in html
    assert str(Subscriber.Status.PENDING.label) in html


def test_subscribers_are_searched_by_email_and_filtered_by_status(admin_client, readers):
    found = admin_client.get(reverse(SUBSCRIBERS_LIST), {"q": "leila"}).content.decode()
    pending = admin_client.get(reverse(SUBSCRIBERS_LIST), {"status": "pending"}).content.decode()

    assert "leila@example.org" in found and "karim@example.org" not in found
    assert "karim@example.org" in pending and "leila@example.org" not in pending


def test_a_subscribers_file_shows_subscriptions_and_consent_history(admin_client, readers):
    leila = readers["leila"]
    Suppression.objects.create(email="leila@example.org", reason="bounce")

    response = admin_client.get(reverse("mailing_subscribers:inspect", args=[leila.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-consent="subscribe"') == 1
    assert html.count('data-consent="confirm"') == 1
    for shown in ("footer", "203.0.113.9", "confirmation link", "198.51.100.4", "2025-1"):
        assert shown in html
    assert "Firefox/125.0" in html
    assert "Énergie" in html and "MA" in html
    assert 'data-suppressed="bounce"' in html
    # The newest consent first: the confirmation, then the request.
    assert html.index('data-consent="confirm"') < html.index('data-consent="subscribe"')


def test_subscribers_cannot_be_added_edited_or_deleted_from_the_admin(admin_client, readers):
    leila = readers["leila"]
    listing = admin_client.get(reverse(SUBSCRIBERS_LIST)).content.decode()

    add = admin_client.get(reverse("mailing_subscribers:add"))
    edit = admin_client.post(
        reverse("mailing_subscribers:edit", args=[leila.pk]),
        {"email": "leila@example.org", "status": "unsubscribed", "digest_hour": 7},
    )
    delete = admin_client.post(reverse("mailing_subscribers:delete", args=[leila.pk]))

    assert reverse("mailing_subscribers:add") not in listing
    assert (add.status_code, edit.status_code, delete.status_code) == (302, 302, 302)
    leila.refresh_from_db()
    assert leila.status == Subscriber.Status.ACTIVE


# Suppressed addresses ----------------------------------------------------------------------


def test_suppressed_addresses_are_listed_and_searched(admin_client):
    Suppression.objects.create(email="bounced@example.org", reason="bounce", detail="550")
    Suppression.objects.create(email="angry@example.org", reason="complaint")

    listing = admin_client.get(reverse(SUPPRESSIONS_LIST)).content.decode()
    found = admin_client.get(reverse(SUPPRESSIONS_LIST), {"q": "angry"}).content.decode()

    assert "bounced@example.org" in listing and "angry@example.org" in listing
    assert "angry@example.org" in found and "bounced@example.org" not in found


def test_an_address_added_by_hand_is_normalised_and_marked_manual(admin_client):
    url = reverse("mailing_suppressions:add")

    response = admin_client.post(
        url, {"email": "Karim@Example.ORG", "detail": "Demande par téléphone"}
    )

    assert response.status_code == 302
    suppression = Suppression.objects.get()
    assert suppression.email == "karim@example.org"
    assert suppression.reason == Suppression.Reason.MANUAL
    assert suppression.detail == "Demande par téléphone"


def test_an_address_suppressed_twice_is_refused_by_the_form(admin_client):
    Suppression.objects.create(email="karim@example.org", reason="bounce")

    response = admin_client.post(
        reverse("mailing_suppressions:add"), {"email": "KARIM@example.org"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Suppression.objects.get().reason == "bounce"


# The sending dashboard ---------------------------------------------------------------------


def test_the_dashboard_counts_deliveries_backlog_failures_and_readers(admin_client, ledger):
    response = admin_client.get(reverse("mailing_dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    # Today: 3 sent of 3 sent + 1 queued (the failure is not owed any more).
    assert 'data-progress="75"' in html
    # 24 h: today's 5 rows; 7 days: those, the 2 weekly digests and the older queued digest.
    assert 'data-total="5"' in html and 'data-total="8"' in html
    assert data(html, "count", "queued", 2)
    assert f'data-oldest="{ledger["daily:2024-05-08"].pk}"' in html
    assert f'data-failure="{ledger["alert:failed"].pk}"' in html
    assert "SMTP 421 4.7.0 try again later" in html
    # Active readers only: Sami unsubscribed, Karim never confirmed.
    assert data(html, "audience", "newsletter-daily", 2)
    assert data(html, "audience", "newsletter-weekly", 0)
    assert data(html, "audience", "instant", 1)
    assert data(html, "audience", "daily", 2)
    assert data(html, "subscribers", "active", 2)
    assert data(html, "subscribers", "pending", 1)
    assert data(html, "followed", "Énergie", 2)
    assert data(html, "followed", "Maroc", 1)  # an ISO code without label gets its name


def test_the_dashboard_says_the_sending_rate_and_when_the_queue_is_out(admin_client, readers):
    leila = readers["leila"]
    for number in range(10):  # 10 in the last 5 minutes: 2 a minute; one older is not counted
        Delivery.objects.create(
            subscriber=leila,
            message_key=f"alert:rate:{number}",
            kind="alert",
            status="sent",
            sent_at=NOW - timedelta(seconds=20 * number + 10),
        )
    Delivery.objects.create(
        subscriber=leila,
        message_key="alert:old",
        kind="alert",
        status="sent",
        sent_at=NOW - timedelta(minutes=6),
    )
    for number in range(20):
        Delivery.objects.create(
            subscriber=leila, message_key=f"daily:left:{number}", kind="daily", status="queued"
        )

    html = admin_client.get(reverse("mailing_dashboard")).content.decode()

    assert 'data-rate="2"' in html
    assert f'data-finish="{(NOW + timedelta(minutes=10)).isoformat()}"' in html
    assert "20 restants seront partis à 12:10" in html


def test_the_dashboard_of_an_empty_ledger_renders(admin_client):
    response = admin_client.get(reverse("mailing_dashboard"))

    assert response.status_code == 200
    assert 'data-progress=""' in response.content.decode()


def test_the_newsletters_menu_leads_to_the_dashboard_and_the_inbox(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("mailing_dashboard") in html
    assert reverse("mailing_inbox") in html
    assert reverse(SUBSCRIBERS_LIST) in html


# Who may see it ---------------------------------------------------------------------------


MAILING_PAGES = [
    ("mailing_dashboard", ()),
    ("mailing_inbox", ()),
    (SUBSCRIBERS_LIST, ()),
    (SUPPRESSIONS_LIST, ()),
]


@pytest.mark.parametrize(("name", "args"), MAILING_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize(("name", "args"), MAILING_PAGES)
def test_users_without_admin_access_are_refused(client, django_user_model, name, args):
    reader = django_user_model.objects.create_user("lecteur", password="pw")
    client.force_login(reader)

    response = client.get(reverse(name, args=args))

    assert response.status_code in (302, 403)
    assert "leila@example.org" not in response.content.decode()


@pytest.mark.parametrize(("name", "args"), MAILING_PAGES)
def test_editors_without_the_mailing_permission_are_refused(
    client, django_user_model, readers, name, args
):
    editor = django_user_model.objects.create_user("redacteur", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.get(reverse(name, args=args))
    menu = client.get(reverse("wagtailadmin_home")).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert reverse("mailing_dashboard") not in menu


def test_an_editor_allowed_to_view_subscribers_sees_the_dashboard(
    client, django_user_model, ledger
):
    editor = django_user_model.objects.create_user("chef", password="pw")
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_subscriber"),
    )
    client.force_login(editor)

    assert client.get(reverse("mailing_dashboard")).status_code == 200
    assert client.get(reverse(SUBSCRIBERS_LIST)).status_code == 200
    assert client.get(reverse("mailing_inbox")).status_code == 200
