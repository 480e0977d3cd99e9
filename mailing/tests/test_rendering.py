"""Each email kind renders as French, responsive, escaped mail with working links (RFC 8058)."""

import importlib.util
import re
from datetime import date
from email.parser import BytesParser
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from mailing.models import Delivery, Subscriber
from mailing.rendering import EmptyMessage, edition_date, french_date, render_delivery
from mailing.sending import send_due
from newsroom.tests.factories import ArticlePageFactory

LIST_KINDS = [Delivery.Kind.ALERT, Delivery.Kind.DAILY, Delivery.Kind.WEEKLY]
ALL_KINDS = [Delivery.Kind.CONFIRMATION, *LIST_KINDS]

# Rendering needs the mailing URLs, which import mailing.views (written beside this module).
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mailing.views") is None,
    reason="mailing.views is not written yet: the confirm/unsubscribe URLs cannot be reversed",
)


@pytest.fixture(autouse=True)
def _https(https_site):
    pass


@pytest.fixture
def delivery_of(make_subscriber, queue_delivery, article):
    """A queued delivery of `kind` to a subscriber who may receive it, with `article`."""

    def make(kind, *, articles=None, key=None):
        status = (
            Subscriber.Status.PENDING
            if kind == Delivery.Kind.CONFIRMATION
            else Subscriber.Status.ACTIVE
        )
        subscriber = make_subscriber(status=status)
        if kind == Delivery.Kind.CONFIRMATION:
            return queue_delivery(subscriber, kind, key=key or f"confirm:{subscriber.pk}:1")
        return queue_delivery(
            subscriber, kind, articles=[article] if articles is None else articles, key=key
        )

    return make


def parse(email_message):
    return BytesParser(policy=default_policy).parsebytes(email_message.message().as_bytes())


def parts(parsed):
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return text, html


def https_uris(header_value):
    return re.findall(r"<([^>]*)>", header_value)


@pytest.mark.parametrize("kind", LIST_KINDS)
def test_list_mail_sent_over_smtp_has_exactly_one_one_click_unsubscribe(
    kind, delivery_of, smtp_sink
):
    delivery = delivery_of(kind)

    send_due(rate_per_second=0)

    [received] = smtp_sink.messages
    parsed = BytesParser(policy=default_policy).parsebytes(received.raw)
    assert len(parsed.get_all("List-Unsubscribe")) == 1
    uris = https_uris(parsed["List-Unsubscribe"])
    assert len([uri for uri in uris if uri.startswith("https:")]) == 1
    assert all(uri.startswith(("https:", "mailto:")) for uri in uris)
    assert parsed.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
    unsubscribe = uris[0]
    assert urlsplit(unsubscribe).path.startswith("/newsletter/desabonnement/")
    text, html = parts(parsed)
    assert unsubscribe in text
    assert f'href="{unsubscribe}"' in html
    assert "/newsletter/preferences/" in text
    assert "/newsletter/preferences/" in html
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_confirmation_is_transactional_without_unsubscribe_headers(delivery_of):
    delivery = delivery_of(Delivery.Kind.CONFIRMATION)

    parsed = parse(render_delivery(delivery))

    assert parsed["Subject"] == "Confirmez votre inscription à Mena News"
    assert parsed.get_all("List-Unsubscribe") is None
    assert parsed.get_all("List-Unsubscribe-Post") is None
    text, html = parts(parsed)
    confirm = re.search(r"https://testserver/newsletter/confirmer/\S+/", text).group(0)
    assert f'href="{confirm}"' in html
    assert "valable 7 jours" in text


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_is_french_multipart_with_responsive_mjml_html(kind, delivery_of, settings):
    delivery = delivery_of(kind)

    parsed = parse(render_delivery(delivery))

    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["From"] == settings.DEFAULT_FROM_EMAIL
    assert parsed["To"] == delivery.subscriber.email
    text, html = parts(parsed)
    assert text.strip()
    assert '<html lang="fr"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "mj-column-per-100" in html
    assert "@media only screen and (min-width:480px)" in html
    assert "fonts.googleapis.com" not in html  # no third-party request when opened


def test_alert_lists_headline_dateline_standfirst_and_absolute_link(delivery_of, article, client):
    delivery = delivery_of(Delivery.Kind.ALERT)

    parsed = parse(render_delivery(delivery))

    assert parsed["Subject"] == "Alerte : Rome et Paris s’accordent sur le gaz algérien"
    text, html = parts(parsed)
    link = f"https://testserver{article.url}"
    for body in (text, html):
        assert "(Rome, Paris, 19 décembre 2022)" in body
        assert "Les deux capitales signent un accord" in body
        assert link in body
    assert client.get(urlsplit(link).path).status_code == 200


def test_an_alert_with_several_articles_says_how_many_more(delivery_of, article, site_tree):
    second = ArticlePageFactory(parent=site_tree.golfe, title="Doha accueille les pourparlers")

    delivery = delivery_of(Delivery.Kind.ALERT, articles=[article, second])

    subject = parse(render_delivery(delivery))["Subject"]
    assert subject.startswith("Alerte : ")
    assert subject.endswith("(et 1 autre article)")


@pytest.mark.parametrize(
    ("kind", "key", "subject"),
    [
        (Delivery.Kind.DAILY, "daily:2022-12-19", "Votre sélection du 19 décembre 2022"),
        (Delivery.Kind.DAILY, "daily:2023-01-01", "Votre sélection du 1er janvier 2023"),
        (
            Delivery.Kind.WEEKLY,
            "weekly:2022-W51",
            "Votre sélection hebdomadaire du 19 décembre 2022",
        ),
    ],
)
def test_digest_subject_carries_the_french_edition_date(kind, key, subject, delivery_of):
    delivery = delivery_of(kind, key=key)

    parsed = parse(render_delivery(delivery))

    assert parsed["Subject"] == subject
    text, html = parts(parsed)
    assert subject.split(" du ")[1] in html
    assert subject.split(" du ")[1].upper() in text


def test_digest_groups_articles_by_section_with_their_datelines(delivery_of, article, site_tree):
    golfe = ArticlePageFactory(
        parent=site_tree.golfe,
        title="Doha accueille les pourparlers",
        dateline_places=["Doha"],
        dateline_date=date(2022, 12, 20),
    )

    delivery = delivery_of(Delivery.Kind.DAILY, articles=[article, golfe], key="daily:2022-12-20")

    text, html = parts(parse(render_delivery(delivery)))
    assert "== GOLFE ==" in text
    assert "== MAGHREB ==" in text
    assert "(Doha, 20 décembre 2022)" in text
    assert "(Rome, Paris, 19 décembre 2022)" in text
    assert ">Golfe<" in html and ">Maghreb<" in html
    assert "(Doha, 20 décembre 2022)" in html


@pytest.mark.parametrize("kind", LIST_KINDS)
def test_titles_and_standfirsts_are_escaped_in_html_and_literal_in_text(
    kind, delivery_of, site_tree
):
    hostile = ArticlePageFactory(
        parent=site_tree.maghreb,
        title='<script>alert("x")</script> & <b>Gaz</b>',
        standfirst='<img src=x onerror="alert(1)"> chapô',
        kicker="<i>Exclusif</i>",
    )

    delivery = delivery_of(kind, articles=[hostile])

    parsed = parse(render_delivery(delivery))
    text, html = parts(parsed)
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "<i>Exclusif" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Gaz&lt;/b&gt;" in html
    assert '<script>alert("x")</script> & <b>Gaz</b>' in text
    assert '<img src=x onerror="alert(1)"> chapô' in text
    if kind == Delivery.Kind.ALERT:
        assert parsed["Subject"] == 'Alerte : <script>alert("x")</script> & <b>Gaz</b>'


def test_message_id_is_stored_and_reused_by_every_render(delivery_of):
    delivery = delivery_of(Delivery.Kind.ALERT)

    first = parse(render_delivery(delivery))["Message-ID"]
    again = parse(render_delivery(Delivery.objects.get(pk=delivery.pk)))["Message-ID"]

    assert first == again == Delivery.objects.get(pk=delivery.pk).message_id
    assert re.fullmatch(r"<[0-9a-f]{32}@testserver>", first)


def test_unpublished_articles_are_left_out_and_an_empty_alert_is_not_rendered(
    delivery_of, article, site_tree
):
    withdrawn = ArticlePageFactory(parent=site_tree.golfe, title="Article retiré")
    delivery = delivery_of(Delivery.Kind.ALERT, articles=[article, withdrawn])
    withdrawn.unpublish()

    text, _html = parts(parse(render_delivery(delivery)))
    assert "Article retiré" not in text

    article.unpublish()
    with pytest.raises(EmptyMessage):
        render_delivery(Delivery.objects.get(pk=delivery.pk))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_links_in_both_parts_open_pages_in_the_site(kind, delivery_of, client):
    delivery = delivery_of(kind)

    text, html = parts(parse(render_delivery(delivery)))

    links = set(re.findall(r"https://testserver/\S*", text))
    assert links, text
    for link in links:
        assert f'href="{link}"' in html
        response = client.get(urlsplit(link).path)
        assert response.status_code == 200, link
    # Following the links (GET, as a link scanner does) changed nothing.
    assert Subscriber.objects.get(pk=delivery.subscriber_id).status == delivery.subscriber.status


def test_rendered_mail_goes_through_djangos_backends(delivery_of, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery = delivery_of(Delivery.Kind.ALERT)

    render_delivery(delivery).send()

    [sent] = mail.outbox
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_french_dates_use_the_press_style():
    assert french_date(date(2022, 12, 19)) == "19 décembre 2022"
    assert french_date(date(2023, 1, 1)) == "1er janvier 2023"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("daily:2022-12-19", date(2022, 12, 19)),
        ("weekly:2022-W51", date(2022, 12, 19)),
        ("weekly:not-a-week", None),
    ],
)
def test_edition_date_comes_from_the_message_key(key, expected):
    delivery = Delivery(message_key=key)

    assert edition_date(delivery) == (expected or timezone.localdate(delivery.created_at))
