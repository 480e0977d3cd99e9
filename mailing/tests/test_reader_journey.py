"""One reader from the sign-up box to the one-click unsubscribe, through a real SMTP server.

Each step uses the code a reader's actions run: the form, the sender, the emails as they
arrive at aiosmtpd on loopback, the links followed in the test client, the publishing of an
article, matching and the queueing of alerts.
"""

import re
from urllib.parse import urlsplit

from django.urls import reverse

from mailing import matching, sending
from mailing.models import Subscriber, Suppression
from newsroom.tests.factories import ArticlePageFactory

LINK = re.compile(r"https://testserver(/newsletter/[^\s\"<>]+)")


def links_in(message) -> list[str]:
    text = message.message.get_body(preferencelist=("plain",)).get_content()
    return LINK.findall(text)


def test_sign_up_confirm_alert_and_one_click_unsubscribe(
    client, site_tree, smtp_sink, https_site, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_MATCH_ON_PUBLISH = True
    # 1. The reader asks for instant alerts on the Maghreb section.
    with django_capture_on_commit_callbacks(execute=True):  # the task applying the sign-up
        response = client.post(
            reverse("mailing_subscribe"),
            {
                "email": "lectrice@example.org",
                "sections": [site_tree.maghreb.pk],
                "frequency": "instant",
                "form": "newsletter_page",
            },
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code in {302, 303}
    subscriber = Subscriber.objects.get(email="lectrice@example.org")
    assert subscriber.status == Subscriber.Status.PENDING

    # 2. Only the confirmation goes out; its link works.
    sending.send_due(rate_per_second=0)
    (confirmation,) = smtp_sink.wait_for(1)
    assert confirmation.recipient == "lectrice@example.org"
    assert "List-Unsubscribe" not in confirmation.message
    confirm_path = next(link for link in links_in(confirmation) if "/confirmer/" in link)
    assert client.get(confirm_path).status_code == 200  # a page with a button, no change
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    client.post(confirm_path)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE

    # 3. An article is published in Maghreb: matched, bundled, sent as an alert.
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Le port de Tanger rouvre",
        standfirst="Les quais ont rouvert lundi après trois semaines de travaux.",
    )
    article.save_revision().publish()
    matching.match_article(article)
    assert matching.queue_instant_alerts(bundle_seconds=0) == 1
    sending.send_due(rate_per_second=0)
    alert = smtp_sink.wait_for(2)[1]
    assert "Le port de Tanger rouvre" in alert.message["Subject"]
    assert alert.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = alert.message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url.startswith("https://testserver/newsletter/desabonnement/")

    # 4. The mail client's one-click POST unsubscribes at once, without a cookie or token.
    response = client.post(
        urlsplit(unsubscribe_url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert Suppression.objects.filter(email="lectrice@example.org").exists()

    # 5. Nothing more reaches them.
    second = ArticlePageFactory(parent=site_tree.maghreb, title="Encore Tanger")
    second.save_revision().publish()
    matching.match_article(second)
    matching.queue_instant_alerts(bundle_seconds=0)
    sending.send_due(rate_per_second=0)
    assert len(smtp_sink.messages) == 2
