"""Polling a partner's feed end to end: a real HTTP server on loopback, the task, the admin."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from ingest import tasks
from ingest.models import IngestedItem, IngestFailure, PendingPartnerUpdate, SourceFeed
from newsroom.models import ArticlePage, Source

from .helpers import make_section

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Les autorités portuaires ont annoncé la réouverture progressive des quais du terminal "
    "nord, fermés depuis trois semaines pour des travaux sur les grues et les entrepôts."
)


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Le Courrier du Port</title><link>https://courrier.example/</link>"
        f"<language>fr</language>{''.join(items)}</channel></rss>"
    )


def item(guid: str, title: str, text: str = PARAGRAPH) -> str:
    body = f"<p>{text}</p><p>{text}</p>" * 3 if text else ""
    return (
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>https://courrier.example/{guid}</link>"
        "<pubDate>Mon, 04 Mar 2024 08:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


@pytest.fixture
def local_fetches(settings):
    """The test-only setting that lets the fetcher reach the loopback server."""
    settings.INGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1/32"]
    settings.INGEST_FETCH_ALLOWED_PORTS = list(range(1024, 65536))


@pytest.fixture
def feed(httpserver):
    source = Source.objects.create(name="Le Courrier du Port", description="quotidien")
    return SourceFeed.objects.create(
        source=source, url=httpserver.url_for("/rss.xml"), section=make_section(), publish=True
    )


def test_a_feed_is_refused_while_loopback_is_not_allowed(httpserver, feed, settings):
    settings.INGEST_FETCH_ALLOWED_PORTS = [httpserver.port]  # the address alone is refused
    httpserver.expect_request("/rss.xml").respond_with_data(rss(item("a", "Le port rouvre")))

    tasks.poll_feed.enqueue(feed.pk)

    feed.refresh_from_db()
    assert ArticlePage.objects.count() == 0
    assert feed.last_error_at is not None and feed.last_success_at is None
    assert IngestFailure.objects.get().code == "forbidden_address"
    assert len(httpserver.log) == 0


def test_polling_publishes_each_entry_and_a_bad_one_does_not_stop_the_rest(
    httpserver, feed, local_fetches
):
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(
            item("a", "Le port rouvre"),
            item("b", "", text=""),  # no title, no text: recorded, skipped
            item("c", "Les grues reprennent du service", text=PARAGRAPH.replace("nord", "sud")),
        ),
        content_type="application/rss+xml",
    )

    tasks.poll_feed.enqueue(feed.pk)

    feed.refresh_from_db()
    titles = set(ArticlePage.objects.live().values_list("title", flat=True))
    assert titles == {"Le port rouvre", "Les grues reprennent du service"}
    assert feed.items_ingested == 2
    assert feed.last_success_at is not None
    article = ArticlePage.objects.get(title="Le port rouvre")
    assert article.source.name == "Le Courrier du Port"
    assert article.source_url == "https://courrier.example/a"


def test_polling_twice_does_not_duplicate(httpserver, feed, local_fetches):
    httpserver.expect_request("/rss.xml").respond_with_data(rss(item("a", "Le port rouvre")))

    tasks.poll_feed.enqueue(feed.pk)
    tasks.poll_feed.enqueue(feed.pk)

    assert ArticlePage.objects.count() == 1
    assert IngestedItem.objects.count() == 1


def test_a_malformed_feed_is_recorded_and_changes_nothing(httpserver, feed, local_fetches):
    httpserver.expect_request("/rss.xml").respond_with_data("<rss><channel><item><title>")

    tasks.poll_feed.enqueue(feed.pk)

    feed.refresh_from_db()
    assert ArticlePage.objects.count() == 0
    assert feed.last_error
    assert IngestFailure.objects.filter(feed=feed).exists()


def test_only_due_feeds_are_polled(httpserver, feed, local_fetches):
    httpserver.expect_request("/rss.xml").respond_with_data(rss(item("a", "Le port rouvre")))
    feed.last_polled_at = timezone.now() - timedelta(minutes=5)
    feed.save()

    assert tasks.poll_due_feeds.enqueue().return_value == 0
    assert len(httpserver.log) == 0

    feed.last_polled_at = timezone.now() - feed.poll_interval - timedelta(seconds=1)
    feed.save()
    assert tasks.poll_due_feeds.enqueue().return_value == 1
    assert ArticlePage.objects.count() == 1


def test_a_feed_silent_for_three_intervals_is_flagged_idle(feed):
    now = timezone.now()
    feed.last_success_at = now - 2 * feed.poll_interval
    assert not feed.is_idle(now)
    feed.last_success_at = now - 4 * feed.poll_interval
    assert feed.is_idle(now)


def test_a_feed_that_never_succeeded_is_flagged_idle_after_three_intervals(feed):
    """Issue #12, item 11: failed polls used to count as activity, so it was never idle."""
    now = timezone.now()
    feed.created_at = now - 4 * feed.poll_interval
    feed.last_polled_at = now - timedelta(minutes=1)  # it keeps trying, and failing
    feed.last_success_at = None
    assert feed.is_idle(now)
    feed.created_at = now - feed.poll_interval
    assert not feed.is_idle(now)


def test_the_admin_says_a_feeds_health_in_words(admin_client, feed):
    feed.created_at = timezone.now() - 4 * feed.poll_interval
    feed.save()
    html = admin_client.get(reverse("wagtailsnippets_ingest_sourcefeed:list")).content.decode()
    with translation.override(settings.LANGUAGE_CODE):  # the admin's language
        assert gettext("Idle: no success for three intervals") in html
    assert "False" not in html and "True" not in html


def test_the_admin_lists_feed_health(admin_client, feed):
    feed.last_error = "Le serveur a répondu 503."
    feed.last_error_at = timezone.now()
    feed.items_ingested = 7
    feed.save()

    response = admin_client.get(reverse("wagtailsnippets_ingest_sourcefeed:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert feed.url in html
    assert ">7<" in html.replace(" ", "").replace("\n", "")


ARTICLE_PAGE = f"""<!DOCTYPE html><html lang="fr"><head><title>Le port rouvre | Le Courrier</title>
</head><body><nav><a href="/">Accueil</a></nav><article><h1>Le port rouvre</h1>
<p>BEYROUTH (AFP) – {PARAGRAPH}</p><p>{PARAGRAPH.replace("nord", "est")}</p>
<p>{PARAGRAPH.replace("nord", "ouest")}</p></article></body></html>"""


def test_a_summary_only_entry_is_completed_from_its_page(httpserver, feed, local_fetches):
    page_url = httpserver.url_for("/articles/port")
    httpserver.expect_request("/articles/port").respond_with_data(
        ARTICLE_PAGE, content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(
            f"<item><guid>s1</guid><title>Le port rouvre</title><link>{page_url}</link>"
            "<description>Le port a rouvert.</description></item>"
        )
    )

    tasks.poll_feed.enqueue(feed.pk)

    article = ArticlePage.objects.get(title="Le port rouvre")
    text = " ".join(block.value.source for block in article.body)
    assert "terminal ouest" in text
    assert article.dateline_places.first().name == "Beyrouth"


def test_the_poll_report_says_an_update_is_held_for_an_editor(httpserver, feed, local_fetches):
    """Issue #12, item 1: the task's report names the held update, not "updated"."""
    httpserver.expect_ordered_request("/rss.xml").respond_with_data(
        rss(item("a", "Le port rouvre"))
    )
    httpserver.expect_ordered_request("/rss.xml").respond_with_data(
        rss(item("a", "Le port rouvre ses quais", text=PARAGRAPH.replace("nord", "est")))
    )
    tasks.poll_feed.enqueue(feed.pk)
    editor = get_user_model().objects.create_user("editrice", password="x", is_staff=True)
    draft = ArticlePage.objects.get().get_latest_revision_as_object()
    draft.title = "Le port rouvre, selon la rédaction"
    draft.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)

    report = tasks.poll_feed.enqueue(feed.pk).return_value

    assert "0 updated" in report and "1 held for an editor" in report
    assert ArticlePage.objects.get().title == "Le port rouvre, selon la rédaction"
    assert PendingPartnerUpdate.objects.get().content["title"] == "Le port rouvre ses quais"
