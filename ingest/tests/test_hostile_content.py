"""Hostile partner copy never reaches a reader as markup or script (RELIABILITY.md 30)."""

import pytest

from ingest.formats import RawDocument
from ingest.formats.feeds import FeedAdapter
from ingest.services import ingest_article
from newsroom.models import ArticlePage

from .helpers import make_section

PARAGRAPH = (
    "Les autorités portuaires ont annoncé la réouverture progressive des quais du terminal "
    "nord, fermés depuis trois semaines pour des travaux sur les grues et les entrepôts."
)
HOSTILE_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Le Courrier du Port</title><link>https://courrier.example/</link>
<item><guid>hostile-1</guid>
<title>Le port rouvre &lt;script&gt;alert(1)&lt;/script&gt;</title>
<link>javascript:alert(2)</link>
<content:encoded><![CDATA[
<p onclick="alert(3)">{PARAGRAPH}</p>
<script>alert(4)</script><img src=x onerror="alert(5)">
<svg onload="alert(6)"></svg><iframe src="javascript:alert(7)"></iframe>
<p>{PARAGRAPH} <a href="jav&#x09;ascript:alert(8)">lien</a></p>
<p>A lire : <a href="javascript:alert(9)">Un piège</a></p>
<p>{PARAGRAPH}</p>
]]></content:encoded></item></channel></rss>""".encode()


@pytest.fixture
def hostile_article(db):
    section = make_section()
    item = FeedAdapter().extract(RawDocument(HOSTILE_FEED))[0]
    return ingest_article(item, section=section, publish=True).article


def test_hostile_markup_is_stored_as_text_and_links_are_dropped(hostile_article, client):
    html = client.get(hostile_article.url).content.decode()
    body = html[html.index("<article") : html.index("</article>")]

    assert "<script>alert" not in body
    assert "onerror" not in body.replace("&quot;", "")
    assert "javascript:" not in body
    assert "<iframe" not in body
    assert "onclick" not in body
    assert hostile_article.source_url == ""
    assert "&lt;script&gt;" in html  # the title's text shows as text, escaped


def test_no_script_runs_when_a_reader_opens_the_article(hostile_article, live_server, browser):
    dialogs = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(live_server.url + ArticlePage.objects.get(pk=hostile_article.pk).url)
    for link in page.locator("article a").all():
        link.hover()
    page.wait_for_timeout(300)

    assert page.locator("h1").inner_text().startswith("Le port rouvre")
    assert dialogs == []
