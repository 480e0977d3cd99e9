"""The preference centre and unsubscribing: signed links, no login, every change recorded.

RELIABILITY properties 3, 4, 6 and 8; GDPR articles 7(3), 15, 17 and 20.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from mailing import matching, services
from mailing.models import (
    ConsentRecord,
    Delivery,
    PendingMatch,
    SignupAttempt,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.tests.test_subscribing import Forms
from mailing.tokens import make_token
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def reader(site_tree):
    """A confirmed reader of the daily newsletter and of a topic, with mail in the ledger."""
    topic = TopicFactory(name="Énergie")
    # Published first: in transactional tests publishing runs the matcher, which would
    # match an existing reader of the newsletter.
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le prix du gaz")
    subscriber = Subscriber.objects.create(email="lectrice@example.org", status="active")
    subscriber.subscriptions.create(
        kind="newsletter", value="", label="La newsletter de Mena News", frequency="daily"
    )
    subscriber.subscriptions.create(
        kind="topic", value=str(topic.pk), label="Énergie", frequency="instant"
    )
    subscriber.consents.create(action=ConsentRecord.Action.CONFIRM, terms={"subscriptions": []})
    subscriber.confirmed_at = subscriber.created_at
    subscriber.save()
    matching.index_subscriber(subscriber)
    Delivery.objects.create(
        subscriber=subscriber, kind="confirmation", message_key="confirm:x:1", status="sent"
    )
    queued = Delivery.objects.create(subscriber=subscriber, kind="alert", message_key="alert:x:2")
    PendingMatch.objects.create(subscriber=subscriber, article=article, frequency="daily")
    subscriber.topic, subscriber.queued = topic, queued
    return subscriber


def preferences_url(subscriber):
    return reverse("mailing_preferences", args=[make_token(subscriber, "preferences")])


def unsubscribe_url(subscriber):
    return reverse("mailing_unsubscribe", args=[make_token(subscriber, "unsubscribe")])


def subscription(reader, kind):
    return reader.subscriptions.get(kind=kind)


def keys(reader):
    return set(SubscriptionKey.objects.filter(subscriber=reader).values_list("key", "frequency"))


def save(client, reader, **fields):
    data = {"action": "save", "digest_hour": reader.digest_hour, **fields}
    return client.post(preferences_url(reader), data, REMOTE_ADDR="198.51.100.4")


# --- The preference centre ------------------------------------------------------------------


def test_the_preference_page_shows_the_subscriptions_and_changes_nothing(client, reader):
    url = preferences_url(reader)
    before = keys(reader)
    for _ in range(5):
        page = client.get(url)
        client.head(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Mes abonnements" in html and "lectrice@example.org" in html
    assert "La newsletter de Mena News" in html and "Thème : Énergie" in html
    # A personal link: never cached, never indexed, never sent on to other sites.
    assert "no-store" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    reader.refresh_from_db()
    assert reader.status == "active" and reader.consents.count() == 1 and keys(reader) == before


def test_changes_are_recorded_and_reindexed(client, reader, site_tree):
    newsletter, topic = subscription(reader, "newsletter"), subscription(reader, "topic")

    response = save(
        client,
        reader,
        **{f"often_{newsletter.pk}": "weekly", f"stop_{topic.pk}": "on"},
        sections=[site_tree.golfe.pk],
        frequency="instant",
        digest_hour=18,
    )

    assert response.status_code == 303
    saved_page = client.get(response["Location"]).content.decode()
    assert "Vos préférences sont enregistrées." in saved_page
    reader.refresh_from_db()
    assert set(reader.subscriptions.values_list("kind", "label", "frequency")) == {
        ("newsletter", "La newsletter de Mena News", "weekly"),
        ("section", "Golfe", "instant"),
    }
    assert reader.digest_hour == 18
    record = reader.consents.get(action=ConsentRecord.Action.CHANGE)
    assert record.form == "preferences" and record.ip_address == "198.51.100.4"
    assert [item["label"] for item in record.terms["removed"]] == ["Énergie"]
    assert {(i["kind"], i["frequency"]) for i in record.terms["changed"]} == {
        ("newsletter", "weekly"),
        ("section", "instant"),
    }
    assert record.terms["text"] == services.consent_text() and record.terms["digest_hour"] == 18
    assert keys(reader) == {("all", "weekly"), (f"section:{site_tree.golfe.pk}", "instant")}


def test_saving_the_page_unchanged_records_nothing(client, reader):
    newsletter, topic = subscription(reader, "newsletter"), subscription(reader, "topic")
    save(client, reader, **{f"often_{newsletter.pk}": "daily", f"often_{topic.pk}": "instant"})
    assert not reader.consents.filter(action=ConsentRecord.Action.CHANGE).exists()


def test_the_newsletter_cannot_become_an_instant_alert(client, reader):
    newsletter = subscription(reader, "newsletter")
    response = save(client, reader, **{f"often_{newsletter.pk}": "instant"})
    assert response.status_code == 400
    assert subscription(reader, "newsletter").frequency == "daily"
    assert not reader.consents.filter(action=ConsentRecord.Action.CHANGE).exists()


def test_pausing_stops_queued_mail_and_resuming_switches_it_back_on(client, reader):
    url = preferences_url(reader)
    indexed = keys(reader)
    assert indexed

    for _ in range(2):
        assert client.post(url, {"action": "pause"}).status_code == 303
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.PAUSED
    assert keys(reader) == set()
    reader.queued.refresh_from_db()
    assert reader.queued.status == Delivery.Status.SUPPRESSED
    assert not PendingMatch.objects.filter(subscriber=reader, delivery__isnull=True).exists()
    assert reader.consents.filter(action=ConsentRecord.Action.PAUSE).count() == 1
    assert "Vos e-mails sont suspendus." in client.get(f"{url}?fait=pause").content.decode()

    client.post(url, {"action": "resume"})
    client.post(url, {"action": "resume"})
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and keys(reader) == indexed
    assert reader.consents.filter(action=ConsentRecord.Action.RESUME).count() == 1


def test_a_reader_who_unsubscribed_can_come_back_from_the_preference_centre(client, reader):
    services.unsubscribe(reader, form="list_unsubscribe_post")
    assert Suppression.objects.filter(email=reader.email).exists()

    client.post(preferences_url(reader), {"action": "resume"})

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and keys(reader)
    assert not Suppression.objects.filter(email=reader.email).exists()


def test_an_address_never_confirmed_cannot_be_switched_on_from_a_link(client, site_tree):
    never = Subscriber.objects.create(email="jamais@example.org", status="unsubscribed")
    never.subscriptions.create(kind="newsletter", value="", label="Lettre", frequency="daily")
    client.post(preferences_url(never), {"action": "resume"})
    never.refresh_from_db()
    assert never.status == Subscriber.Status.UNSUBSCRIBED and not keys(never)


def test_a_forged_preference_link_is_refused(client, reader):
    token = make_token(reader, "preferences")
    forged = token.replace(token[-6:], "xxxxxx")
    for url in (
        reverse("mailing_preferences", args=[forged]),
        reverse("mailing_export", args=[forged]),
        reverse("mailing_erase", args=[forged]),
    ):
        assert client.get(url).status_code == 400
    # Nor does a link of another purpose open the preference centre.
    unsubscribe_token = make_token(reader, "unsubscribe")
    assert client.get(reverse("mailing_preferences", args=[unsubscribe_token])).status_code == 400


# --- The reader's data ----------------------------------------------------------------------


def test_download_my_data_gives_everything_we_hold_as_a_json_attachment(client, reader):
    url = reverse("mailing_export", args=[make_token(reader, "preferences")])
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="mena-news-mes-donnees.json"'
    data = json.loads(response.content)
    assert data["subscriber"]["email"] == "lectrice@example.org"
    assert data["subscriber"]["status"] == "active" and data["subscriber"]["confirmed_at"]
    assert {s["label"] for s in data["subscriptions"]} == {"La newsletter de Mena News", "Énergie"}
    assert [r["action"] for r in data["consent_records"]] == ["confirm"]
    assert all(r["created_at"] for r in data["consent_records"])
    deliveries = {d["message_key"]: d for d in data["deliveries"]}
    assert set(deliveries) == {"confirm:x:1", "alert:x:2"}
    assert all(d["created_at"] for d in deliveries.values())
    assert "sent_at" in deliveries["confirm:x:1"]
    assert reader.consents.count() == 1  # reading changes nothing


def test_erasing_needs_the_confirmation_box(client, reader):
    url = reverse("mailing_erase", args=[make_token(reader, "preferences")])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer l’effacement." in response.content.decode()
    assert Subscriber.objects.filter(pk=reader.pk).exists()


def test_erasing_deletes_the_reader_and_everything_of_theirs(client, reader):
    SignupAttempt.objects.create(ip_address="203.0.113.7", email=reader.email)
    SignupAttempt.objects.create(ip_address="203.0.113.7", email="autre@example.org")
    url = reverse("mailing_erase", args=[make_token(reader, "preferences")])
    preferences = preferences_url(reader)

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 200
    assert "Vos données sont effacées" in response.content.decode()
    assert "liste d’exclusion" not in response.content.decode()
    assert not Subscriber.objects.exists()
    for model in (Subscription, SubscriptionKey, ConsentRecord, Delivery, PendingMatch):
        assert not model.objects.exists(), model
    assert list(SignupAttempt.objects.values_list("email", flat=True)) == ["autre@example.org"]
    assert not Suppression.objects.exists()
    assert client.get(preferences).status_code == 400  # the old links stop working


def test_erasing_after_unsubscribing_keeps_only_the_suppressed_address(client, reader):
    services.unsubscribe(reader, form="list_unsubscribe_post")
    url = reverse("mailing_erase", args=[make_token(reader, "preferences")])

    response = client.post(url, {"confirm": "on"})

    assert not Subscriber.objects.exists() and not ConsentRecord.objects.exists()
    assert list(Suppression.objects.values_list("email", "reason")) == [
        ("lectrice@example.org", "unsubscribe")
    ]
    assert "liste d’exclusion" in response.content.decode()


# --- Unsubscribing (RFC 8058) ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_unsubscribe_works_as_mailbox_providers_send_it(reader, encoding):
    provider = Client(enforce_csrf_checks=True)  # no cookie, no session, no CSRF token
    url = unsubscribe_url(reader)

    for _ in range(5):
        if encoding == "urlencoded":
            response = provider.post(
                url, ONE_CLICK, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = provider.post(url, {"List-Unsubscribe": "One-Click"})  # multipart
        assert response.status_code == 200
        assert "Location" not in response and not response.cookies
        assert "Désabonnement enregistré" in response.content.decode()

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    withdrawal = reader.consents.get(action=ConsentRecord.Action.UNSUBSCRIBE)
    assert withdrawal.form == "list_unsubscribe_post"
    assert list(Suppression.objects.values_list("email", "reason")) == [
        ("lectrice@example.org", "unsubscribe")
    ]
    assert keys(reader) == set()
    reader.queued.refresh_from_db()
    assert reader.queued.status == Delivery.Status.SUPPRESSED


def test_opening_the_unsubscribe_link_only_shows_one_button(reader):
    browser = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(reader)
    for _ in range(10):  # link scanners
        page = browser.get(url)
        browser.head(url)

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and not Suppression.objects.exists()
    assert not reader.consents.filter(action=ConsentRecord.Action.UNSUBSCRIBE).exists()
    (form,) = Forms.of(page.content.decode().split("<main", 1)[1])
    assert (form["action"], form["method"], form["buttons"]) == (url, "post", 1)

    # The button works without any CSRF token: the signed link is the authorisation.
    response = browser.post(url, form["fields"])
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert reader.consents.get(action="unsubscribe").form == "unsubscribe_page"


def test_a_forged_unsubscribe_link_changes_nothing(reader):
    token = make_token(reader, "unsubscribe")
    forged = token[:-4] + ("abcd" if not token.endswith("abcd") else "dcba")
    response = Client().post(
        reverse("mailing_unsubscribe", args=[forged]),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    reader.refresh_from_db()
    assert reader.status == "active" and not Suppression.objects.exists()


def test_unsubscribing_from_the_preference_centre(client, reader):
    client.post(preferences_url(reader), {"action": "unsubscribe"})
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert reader.consents.get(action="unsubscribe").form == "preferences"
    assert Suppression.objects.filter(email=reader.email, reason="unsubscribe").exists()
    page = client.get(preferences_url(reader)).content.decode()
    assert "Me réabonner" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unsubscribing_takes_two_interactions_and_no_login(live_server, browser, reader):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(live_server.url + unsubscribe_url(reader))  # 1: the link in the email
    page.get_by_role("button", name="Me désabonner de tout").click()  # 2: the one button

    assert page.locator("h1").inner_text() == "Désabonnement enregistré"
    context.close()
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
