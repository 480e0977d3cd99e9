"""Signing up and confirming: double opt-in, consent records, abuse limits, no enumeration.

RELIABILITY properties 4, 5, 7, 8, 19 and 22–24. Nothing here sends mail: signing up queues
a confirmation Delivery, which mailing.sending sends.
"""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from enrichment.models import ArticleEntity, Entity
from enrichment.models import Status as Decision
from mailing import services, views
from mailing.models import (
    ConsentRecord,
    Delivery,
    SignupAttempt,
    Subscriber,
    Subscription,
    SubscriptionKey,
    Suppression,
)
from mailing.tokens import make_token
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

SIGNUP_URL = "/newsletter/"
DONE_URL = "/newsletter/merci/"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def post_signup(client, email, *, ip="203.0.113.7", **fields):
    """Post the form, then run what its commit queues (the task that applies the sign-up)."""
    data = {"email": email, "newsletter": "daily", **fields}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(SIGNUP_URL, data, REMOTE_ADDR=ip, HTTP_USER_AGENT="Lecteur/1.0")


def confirm_url(subscriber):
    return reverse("mailing_confirm", args=[make_token(subscriber, "confirm")])


def comparable(response):
    """Status, headers and body, without what legitimately differs (clock, CSRF token)."""
    headers = {k: v for k, v in response.headers.items() if k not in {"Date", "Expires"}}
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    return response.status_code, headers, body


def nothing_stored():
    return not (
        Subscriber.objects.exists()
        or ConsentRecord.objects.exists()
        or Delivery.objects.exists()
        or SignupAttempt.objects.exists()
        or Subscription.objects.exists()
    )


class Forms(HTMLParser):
    """The forms of a page: action, method, named inputs with values, and button count."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action, method = attrs.get("action"), attrs.get("method")
            self.forms.append({"action": action, "method": method, "fields": {}, "buttons": 0})
        elif self.forms and tag == "input" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")
        elif self.forms and tag == "button":
            self.forms[-1]["buttons"] += 1

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.forms


# --- Signing up ------------------------------------------------------------------------------


def test_signing_up_stores_a_pending_request_and_queues_one_confirmation_only(client, site_tree):
    topic = TopicFactory(name="Énergie")
    response = post_signup(
        client,
        "  Lectrice@Example.ORG ",
        sections=[site_tree.maghreb.pk],
        topics=[topic.pk],
        countries=["DZ"],
        keywords='gaz "prix plafond" -football',
        frequency="instant",
        form="newsletter_page",
        page="/newsletter/",
    )

    assert response.status_code == 303 and response["Location"] == DONE_URL
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "lectrice@example.org"
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.confirmed_at is None
    assert set(subscriber.subscriptions.values_list("kind", "value", "label", "frequency")) == {
        ("newsletter", "", "La newsletter de Mena News", "daily"),
        ("section", str(site_tree.maghreb.pk), "Maghreb", "instant"),
        ("topic", str(topic.pk), "Énergie", "instant"),
        ("country", "DZ", "Algérie", "instant"),
        ("keywords", 'gaz "prix plafond" -football', 'gaz "prix plafond" -football', "instant"),
    }
    record = ConsentRecord.objects.get()
    assert record.subscriber == subscriber and record.action == ConsentRecord.Action.SUBSCRIBE
    assert (record.form, record.ip_address, record.user_agent) == (
        "newsletter_page",
        "203.0.113.7",
        "Lecteur/1.0",
    )
    shown = services.consent_text()
    assert record.terms["text"] == shown and "confirm" in shown
    assert record.terms["text_sha256"] == hashlib.sha256(shown.encode()).hexdigest()
    assert record.terms["text_version"] == services.CONSENT_VERSION
    assert record.terms["page"] == "/newsletter/"
    assert {(s["kind"], s["label"]) for s in record.terms["subscriptions"]} >= {
        ("section", "Maghreb"),
        ("country", "Algérie"),
    }
    delivery = Delivery.objects.get()
    assert (delivery.subscriber, delivery.kind, delivery.status) == (
        subscriber,
        Delivery.Kind.CONFIRMATION,
        Delivery.Status.QUEUED,
    )
    assert delivery.message_key == f"confirm:{subscriber.pk}:1"
    # Double opt-in: nothing indexed, so no alert or digest can find a pending address.
    assert not SubscriptionKey.objects.exists()
    assert mail.outbox == []


def test_the_thank_you_page_promises_nothing_about_the_address(client, site_tree):
    html = client.get(DONE_URL).content.decode()
    assert "Vérifiez votre boîte de réception" in html
    assert "Si cette adresse peut recevoir nos e-mails" in html


def test_the_signup_box_on_every_article_posts_to_the_newsletter_page(client, site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz algérien")
    page = client.get(article.url)
    html = page.content.decode()
    # No cookie: a CSRF cookie would stop the whole-page cache for anonymous readers.
    assert not page.cookies
    (box,) = [form for form in Forms.of(html) if form["action"] == SIGNUP_URL]
    assert box["method"] == "post"
    assert box["fields"]["website"] == ""  # the honeypot, empty
    assert box["fields"]["newsletter"] == "daily" and box["fields"]["form"] == "signup_box"
    assert services.consent_text() in html

    fields = {**box["fields"], "email": "depuis.article@example.org"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client(enforce_csrf_checks=True).post(
            SIGNUP_URL, fields, REMOTE_ADDR="198.51.100.1", HTTP_ORIGIN="http://testserver"
        )

    assert response.status_code == 303 and response["Location"] == DONE_URL
    subscriber = Subscriber.objects.get(email="depuis.article@example.org")
    assert list(subscriber.subscriptions.values_list("kind", "frequency")) == [
        ("newsletter", "daily")
    ]
    record = subscriber.consents.get()
    assert record.form == "signup_box" and record.terms["page"] == article.url


def test_a_post_from_another_sites_page_is_refused(client, site_tree):
    response = client.post(
        SIGNUP_URL,
        {"email": "cible@example.org", "newsletter": "daily"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert nothing_stored()


def test_a_filled_honeypot_stores_nothing_and_answers_exactly_like_a_success(client, site_tree):
    human = post_signup(client, "humain@example.org")
    Subscriber.objects.all().delete()
    SignupAttempt.objects.all().delete()

    bot = post_signup(client, "robot@example.org", website="http://spam.example")
    bot_invalid = post_signup(client, "pas une adresse", website="x")

    assert comparable(bot) == comparable(human)
    assert comparable(bot_invalid) == comparable(human)
    assert nothing_stored()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Saisissez votre adresse e-mail."),
        ("sans-arobase.example.org", "Saisissez une adresse e-mail valide"),
        ("nom prénom@example.org", "ne peut pas contenir d’espace"),
        ("nom@example .org", "ne peut pas contenir d’espace"),
        ("x" * 60 + "@" + "d" * 190 + ".org", "trop longue"),
        ("x" * 65 + "@example.org", "Saisissez une adresse e-mail valide"),
        ("nom@exa\u200bmple.org", "caractères invisibles"),
        ("nom@exa\u202emple.org", "caractères invisibles"),
        ("nom@ＥＸＡＭＰＬＥ.org", "Saisissez une adresse e-mail valide"),
        ("nöm@example.org", "Saisissez une adresse e-mail valide"),
        ("nom@example.org\r\nBcc: autre@example.org", "ne peut pas contenir d’espace"),
        ('"nom"@example.org', "Saisissez une adresse e-mail valide"),
        ("nom@[127.0.0.1]", "Saisissez une adresse e-mail valide"),
        ("nom@localhost", "Saisissez une adresse e-mail valide"),
        ("nom@@example.org", "Saisissez une adresse e-mail valide"),
    ],
)
def test_an_invalid_address_is_refused_clearly_and_nothing_is_stored(
    client, site_tree, address, message
):
    response = post_signup(client, address)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert nothing_stored()


def test_addresses_are_stored_in_one_spelling():
    assert services.normalise_address(" Nom.Prenom@Exämple.ORG ") == "nom.prenom@xn--exmple-cua.org"
    assert services.normalise_address("a+b@sub.example.org") == "a+b@sub.example.org"


def test_a_sign_up_without_any_choice_is_refused(client, site_tree):
    response = post_signup(client, "indecis@example.org", newsletter="")
    assert response.status_code == 400
    assert "Choisissez au moins une newsletter ou une alerte." in response.content.decode()
    assert nothing_stored()


def test_a_choice_that_does_not_exist_is_refused(client, site_tree):
    response = post_signup(client, "curieux@example.org", sections=[987654])
    assert response.status_code == 400
    assert nothing_stored()
    with pytest.raises(services.InvalidChoice):
        services.subscribe(
            "curieux@example.org",
            [services.Choice("entity", "987654")],
            frequency="daily",
            form="newsletter_page",
            ip=None,
        )
    with pytest.raises(services.InvalidChoice):  # the newsletter is not an instant alert
        services.subscribe(
            "curieux@example.org",
            [services.Choice("newsletter", "", "instant")],
            frequency="daily",
            form="newsletter_page",
            ip=None,
        )
    assert nothing_stored()


# --- Abuse limits ----------------------------------------------------------------------------


def test_one_network_gets_429_after_ten_sign_ups_an_hour(client, site_tree):
    with time_machine.travel(NOW, tick=False) as clock:
        for number in range(10):
            assert post_signup(client, f"lecteur{number}@example.org").status_code == 303
        refused = post_signup(client, "lecteur10@example.org")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert "Trop d’inscriptions depuis votre réseau" in refused.content.decode()
        assert not Subscriber.objects.filter(email="lecteur10@example.org").exists()
        # A forged X-Forwarded-For from the client does not reset the counter...
        spoofed = client.post(
            SIGNUP_URL,
            {"email": "lecteur11@example.org", "newsletter": "daily"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR="192.0.2.55",
        )
        assert spoofed.status_code == 429
        # ...another network is not held back, and the hour passes.
        assert post_signup(client, "voisin@example.org", ip="198.51.100.9").status_code == 303
        clock.shift(timedelta(hours=1, seconds=1))
        assert post_signup(client, "lecteur10@example.org").status_code == 303


def test_one_network_gets_429_after_two_hundred_sign_ups_a_day(client, site_tree, settings):
    settings.MAILING_SIGNUP_LIMITS_PER_IP = ((3600, 1000), (24 * 3600, 200))
    with time_machine.travel(NOW, tick=False):
        SignupAttempt.objects.bulk_create(
            SignupAttempt(ip_address="203.0.113.7", email=f"l{n}@example.org") for n in range(200)
        )
        assert post_signup(client, "encore@example.org").status_code == 429


def test_ipv6_neighbours_in_one_64_share_a_counter():
    network = services.rate_limit_ip("2001:db8:1:2::1")
    assert network == services.rate_limit_ip("2001:db8:1:2:ffff::9") == "2001:db8:1:2::"
    assert network != services.rate_limit_ip("2001:db8:1:3::1")
    assert services.rate_limit_ip("::ffff:203.0.113.7") == "203.0.113.7"


def test_forwarded_for_is_believed_only_from_our_own_proxy(settings):
    factory = RequestFactory()
    forged = factory.post("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert views.client_ip(forged) == "203.0.113.7"

    settings.MAILING_TRUSTED_PROXIES = ["127.0.0.1/32"]
    proxied = factory.post(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.4"
    )
    # The client wrote 192.0.2.1; our proxy appended the address it saw.
    assert views.client_ip(proxied) == "198.51.100.4"


def test_one_address_gets_one_confirmation_per_ten_minutes_and_three_a_day(client, site_tree):
    def sign_up(number):
        # Each from another network: only the per-address limit is at work.
        return post_signup(client, "cible@example.org", ip=f"198.51.100.{number}")

    with time_machine.travel(NOW, tick=False) as clock:
        for number in range(5):
            assert sign_up(number).status_code == 303
        assert Delivery.objects.count() == 1
        # The same mailbox spelled otherwise is the same address.
        post_signup(client, "CIBLE@Example.org", ip="198.51.100.50")
        assert Delivery.objects.count() == 1
        for number in range(10, 13):
            clock.shift(timedelta(minutes=11))
            assert sign_up(number).status_code == 303
        assert Delivery.objects.count() == 3  # the day's share
        clock.shift(timedelta(hours=24))
        sign_up(20)
    keys = sorted(Delivery.objects.values_list("message_key", flat=True))
    subscriber = Subscriber.objects.get()
    assert keys == [f"confirm:{subscriber.pk}:{n}" for n in (1, 2, 3, 4)]


# --- No enumeration --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pending", "active", "paused", "unsubscribed", "bounced"])
def test_the_answer_is_the_same_whatever_the_address_already_is(client, site_tree, state):
    known = "connue@example.org"
    if state == "bounced":
        Suppression.objects.create(email=known, reason=Suppression.Reason.BOUNCE)
    else:
        Subscriber.objects.create(email=known, status=state)

    for_new = post_signup(client, "inconnue@example.org", ip="198.51.100.1")
    for_known = post_signup(client, known, ip="198.51.100.2")
    assert comparable(for_known) == comparable(for_new)
    page_new = client.get(for_new["Location"])
    page_known = client.get(for_known["Location"])
    assert comparable(page_known) == comparable(page_new)


def test_an_active_reader_asking_for_more_changes_nothing_until_they_confirm(client, site_tree):
    topic = TopicFactory(name="Pétrole")
    reader = Subscriber.objects.create(email="fidele@example.org", status="active")
    reader.subscriptions.create(kind="newsletter", value="", label="Lettre", frequency="daily")

    post_signup(client, "fidele@example.org", newsletter="", topics=[topic.pk])

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE  # a stranger cannot pause anyone's mail
    assert list(reader.subscriptions.values_list("kind", flat=True)) == ["newsletter"]
    assert reader.consents.get().action == ConsentRecord.Action.SUBSCRIBE
    assert Delivery.objects.get().kind == Delivery.Kind.CONFIRMATION

    confirm_page = client.get(confirm_url(reader)).content.decode()
    assert "Pétrole" in confirm_page
    client.post(confirm_url(reader))

    assert set(reader.subscriptions.values_list("kind", flat=True)) == {"newsletter", "topic"}
    assert SubscriptionKey.objects.filter(subscriber=reader, key=f"topic:{topic.pk}").exists()
    assert reader.consents.filter(action=ConsentRecord.Action.CONFIRM).count() == 1


def test_an_active_reader_asking_for_what_they_have_gets_no_mail(client, site_tree):
    reader = Subscriber.objects.create(email="fidele@example.org", status="active")
    reader.subscriptions.create(kind="newsletter", value="", label="Lettre", frequency="daily")
    post_signup(client, "fidele@example.org")
    assert not Delivery.objects.exists() and not reader.consents.exists()


def test_a_bounced_or_complaining_address_gets_nothing(client, site_tree):
    Suppression.objects.create(email="plainte@example.org", reason=Suppression.Reason.COMPLAINT)
    post_signup(client, "Plainte@example.org")
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()


def test_a_reader_who_unsubscribed_can_come_back_through_the_form(client, site_tree):
    reader = Subscriber.objects.create(email="revenant@example.org", status="unsubscribed")
    reader.subscriptions.create(kind="country", value="LY", label="Libye", frequency="instant")
    Suppression.objects.create(email=reader.email, reason=Suppression.Reason.UNSUBSCRIBE)

    post_signup(client, reader.email, newsletter="weekly")

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.PENDING
    # Interests withdrawn earlier do not come back with the new request.
    assert list(reader.subscriptions.values_list("kind", "frequency")) == [("newsletter", "weekly")]
    assert Delivery.objects.filter(subscriber=reader, kind="confirmation").exists()
    assert Suppression.objects.filter(email=reader.email).exists()  # until they confirm

    client.post(confirm_url(reader))
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.filter(email=reader.email).exists()


def test_a_sign_up_that_fails_midway_leaves_no_row_and_no_mail(site_tree, monkeypatch):
    def broken_index(subscriber):
        raise RuntimeError("index down")

    monkeypatch.setattr("mailing.matching.index_subscriber", broken_index)
    with pytest.raises(RuntimeError):
        services.subscribe(
            "atomique@example.org",
            [services.Choice("newsletter", "", "daily")],
            frequency="daily",
            form="newsletter_page",
            ip="203.0.113.7",
        )
    assert nothing_stored()


def test_the_sign_up_page_offers_sections_and_the_topics_and_countries_in_the_news(
    client, site_tree
):
    covered, idle = TopicFactory(name="Énergie"), TopicFactory(name="Philatélie")
    ArticlePageFactory(parent=site_tree.maghreb, topics=[covered], countries=["LY", "DZ"])
    ArticlePageFactory(parent=site_tree.golfe, countries=["QA"], publish=False)

    page = client.get(SIGNUP_URL)

    assert page.status_code == 200 and not page.cookies
    (form,) = [f for f in Forms.of(page.content.decode()) if f["action"] == SIGNUP_URL]
    assert form["method"] == "post" and form["fields"]["website"] == ""
    labels = re.findall(
        r'type="checkbox" name="(\w+)" value="([^"]+)"[^>]*> ([^<]+)</label>', page.content.decode()
    )
    offered = {(name, label) for name, _value, label in labels}
    assert offered == {
        ("sections", "Maghreb"),
        ("sections", "Golfe"),
        ("topics", "Énergie"),
        ("countries", "Algérie"),
        ("countries", "Libye"),
    }
    assert ("topics", idle.name) not in offered


def test_a_follow_link_preselects_the_entity_on_the_sign_up_page(client, site_tree):
    kept = Entity.objects.create(kind="PER", name="Abdelmadjid Tebboune", slug="tebboune")
    duplicate = Entity.objects.create(
        kind="PER", name="A. Tebboune", slug="a-tebboune", merged_into=kept
    )
    html = client.get(f"{SIGNUP_URL}?entity={duplicate.pk}").content.decode()
    assert re.search(rf'value="{kept.pk}"[^>]*checked', html)
    assert "Abdelmadjid Tebboune" in html and "A. Tebboune" not in html

    post_signup(client, "suiveur@example.org", newsletter="", entities=[kept.pk])
    assert Subscription.objects.get().label == "Abdelmadjid Tebboune"


def test_entity_pages_and_article_chips_offer_to_follow_the_entity(client, site_tree):
    entity = Entity.objects.create(kind="PER", name="Vladimir Poutine", slug="vladimir-poutine")
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Visite à Minsk")
    ArticleEntity.objects.create(article=article, entity=entity, status=Decision.ACCEPTED)
    follow = re.escape(f'href="/newsletter/?entity={entity.pk}"')

    entity_page = client.get(entity.get_absolute_url()).content.decode()
    assert re.search(follow + r"[^>]*>Suivre Vladimir Poutine</a>", entity_page)
    article_page = client.get(article.url).content.decode()
    assert re.search(
        follow + r'[^>]*>Suivre<span class="visually-hidden"> Vladimir Poutine</span>',
        article_page,
    )


# --- Confirming ------------------------------------------------------------------------------


@pytest.fixture
def pending(site_tree):
    result = services.subscribe(
        "nouvelle@example.org",
        [services.Choice("section", str(site_tree.maghreb.pk))],
        frequency="instant",
        form="newsletter_page",
        ip="203.0.113.7",
    )
    return result.subscriber


def test_opening_the_confirmation_link_changes_nothing(client, pending):
    url = confirm_url(pending)
    for _ in range(10):  # link scanners and previews
        page = client.get(url)
        client.head(url)
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING
    assert not pending.consents.filter(action=ConsentRecord.Action.CONFIRM).exists()
    (form,) = [f for f in Forms.of(page.content.decode()) if f["action"] == url]
    assert form["method"] == "post" and form["buttons"] == 1
    assert "Maghreb" in page.content.decode()


def test_confirming_activates_records_consent_and_indexes(client, pending):
    with time_machine.travel(NOW, tick=False):
        response = client.post(confirm_url(pending), REMOTE_ADDR="198.51.100.3")

    assert response.status_code == 200
    assert "Votre inscription est confirmée" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE and pending.confirmed_at == NOW
    record = pending.consents.get(action=ConsentRecord.Action.CONFIRM)
    assert record.ip_address == "198.51.100.3" and record.created_at == NOW
    assert record.terms["confirms"] == [pending.consents.get(action="subscribe").pk]
    assert SubscriptionKey.objects.filter(subscriber=pending).exists()


def test_replaying_the_confirmation_changes_nothing(client, pending):
    url = confirm_url(pending)
    client.post(url)
    pending.refresh_from_db()
    confirmed_at = pending.confirmed_at

    for _ in range(3):
        assert client.post(url).status_code == 200

    pending.refresh_from_db()
    assert pending.confirmed_at == confirmed_at
    assert pending.consents.filter(action=ConsentRecord.Action.CONFIRM).count() == 1


def test_a_confirmation_link_older_than_an_unsubscription_does_not_resubscribe(client, pending):
    url = confirm_url(pending)
    services.unsubscribe(pending, form="list_unsubscribe_post")
    client.post(url)
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.UNSUBSCRIBED
    assert not pending.consents.filter(action=ConsentRecord.Action.CONFIRM).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_confirmation_link_is_refused_and_changes_nothing(client, pending, method):
    token = make_token(pending, "confirm")
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    response = getattr(client, method)(reverse("mailing_confirm", args=[forged]))
    assert response.status_code == 400
    assert "Ce lien ne fonctionne pas" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_an_expired_confirmation_link_is_refused(client, pending):
    url = confirm_url(pending)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(url)
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_a_link_acts_only_on_its_own_address_and_purpose(client, pending, site_tree):
    other = services.subscribe(
        "autre@example.org",
        [services.Choice("newsletter", "", "daily")],
        frequency="daily",
        form="newsletter_page",
        ip="198.51.100.8",
    ).subscriber

    client.post(confirm_url(pending))
    other.refresh_from_db()
    assert other.status == Subscriber.Status.PENDING

    # A confirmation link cannot unsubscribe, an unsubscribe link cannot confirm.
    confirm_token = make_token(pending, "confirm")
    refused = client.post(reverse("mailing_unsubscribe", args=[confirm_token]))
    assert refused.status_code == 400
    unsubscribe_token = make_token(other, "unsubscribe")
    assert client.post(reverse("mailing_confirm", args=[unsubscribe_token])).status_code == 400
    pending.refresh_from_db()
    other.refresh_from_db()
    assert (pending.status, other.status) == ("active", "pending")
    assert not Suppression.objects.exists()


# --- In a real browser (H6) ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_signs_up_from_an_article_in_a_real_browser(live_server, browser, site_tree):
    from newsroom.tests.test_browser import WATCH_CSP

    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz algérien")
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + article.url)

    box = page.locator("aside.signup")
    box.get_by_label("Votre adresse e-mail").fill("navigateur@example.org")
    # The honeypot is out of the tab order: from the address, Tab reaches the button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "S’inscrire"
    box.get_by_role("button", name="S’inscrire").click()  # Chromium sends its Origin
    page.wait_for_url("**/newsletter/merci/")

    assert page.locator("h1").inner_text() == "Vérifiez votre boîte de réception"
    assert page.evaluate("window.__cspViolations") == []
    context.close()
    subscriber = Subscriber.objects.get(email="navigateur@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consents.get().terms["page"] == article.url
