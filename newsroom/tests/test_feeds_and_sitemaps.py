"""RSS/Atom feeds, sitemap.xml, the Google News sitemap and robots.txt, parsed as a reader would."""

import datetime

import pytest
import time_machine
from defusedxml import ElementTree
from lxml import etree

from newsroom.tests.factories import ArticlePageFactory, AuthorFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NOW = datetime.datetime(2024, 5, 10, 12, 0, tzinfo=datetime.UTC)


def parse(response, content_type):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(content_type)
    return ElementTree.fromstring(response.content)


@pytest.fixture
def articles(site_tree):
    """Two Maghreb articles, one Golfe article and a Maghreb draft, oldest first."""
    water = TopicFactory(name="Eau")
    return {
        "algiers": ArticlePageFactory(
            parent=site_tree.maghreb,
            title="Sommet à Alger",
            first_published_at=NOW - datetime.timedelta(days=3),
            authors=[AuthorFactory(name="Leïla Ben Ali")],
            topics=[water],
        ),
        "doha": ArticlePageFactory(
            parent=site_tree.golfe,
            title="Pétrole & gaz à Doha",
            first_published_at=NOW - datetime.timedelta(days=2),
        ),
        "tunis": ArticlePageFactory(
            parent=site_tree.maghreb,
            title="Élections à Tunis",
            first_published_at=NOW - datetime.timedelta(days=1),
        ),
        "draft": ArticlePageFactory(parent=site_tree.maghreb, title="Brouillon", publish=False),
    }


# --- Feeds ------------------------------------------------------------------------------


def test_rss_feed_lists_published_articles_newest_first(articles, client):
    channel = parse(client.get("/flux/rss.xml"), "application/rss+xml").find("channel")

    assert channel.findtext("title") == "Mena News"
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Élections à Tunis",
        "Pétrole & gaz à Doha",
        "Sommet à Alger",
    ]
    algiers = items[2]
    assert algiers.findtext("link") == "http://testserver/maghreb/sommet-a-alger/"
    assert algiers.findtext("guid") == "http://testserver/maghreb/sommet-a-alger/"
    assert algiers.findtext("pubDate") == "Tue, 07 May 2024 12:00:00 +0000"
    assert algiers.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Leïla Ben Ali"
    assert algiers.findtext("category") == "Eau"


def test_atom_feed_lists_published_articles(articles, client):
    feed = parse(client.get("/flux/atom.xml"), "application/atom+xml")

    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Élections à Tunis",
        "Pétrole & gaz à Doha",
        "Sommet à Alger",
    ]
    assert (
        entries[0].find(f"{ATOM}link").get("href") == "http://testserver/maghreb/elections-a-tunis/"
    )
    assert entries[2].findtext(f"{ATOM}published") == "2024-05-07T12:00:00+00:00"


def test_section_feed_holds_only_that_sections_articles(articles, client):
    channel = parse(client.get("/flux/maghreb/rss.xml"), "application/rss+xml").find("channel")

    assert channel.findtext("title") == "Mena News — Maghreb"
    assert channel.findtext("link") == "http://testserver/maghreb/"
    assert [item.findtext("title") for item in channel.findall("item")] == [
        "Élections à Tunis",
        "Sommet à Alger",
    ]


def test_section_atom_feed_holds_only_that_sections_articles(articles, client):
    feed = parse(client.get("/flux/golfe/atom.xml"), "application/atom+xml")

    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Pétrole & gaz à Doha"]


def test_feed_of_an_unknown_section_is_not_found(site_tree, client):
    assert client.get("/flux/inconnue/rss.xml").status_code == 404


def test_feeds_never_show_drafts_or_withdrawn_articles(articles, client):
    articles["tunis"].unpublish()

    for url in ("/flux/rss.xml", "/flux/atom.xml", "/flux/maghreb/rss.xml"):
        body = client.get(url).content.decode()
        assert "Brouillon" not in body, url
        assert "Élections à Tunis" not in body, url
        assert "Sommet à Alger" in body, url


# --- Sitemaps ---------------------------------------------------------------------------


def test_sitemap_lists_every_published_page_and_no_draft(articles, client):
    urlset = parse(client.get("/sitemap.xml"), "application/xml")

    locations = {url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")}
    assert locations == {
        "http://testserver/",
        "http://testserver/maghreb/",
        "http://testserver/golfe/",
        "http://testserver/maghreb/sommet-a-alger/",
        "http://testserver/golfe/petrole-gaz-a-doha/",
        "http://testserver/maghreb/elections-a-tunis/",
    }


@time_machine.travel(NOW, tick=False)
def test_news_sitemap_holds_only_articles_of_the_last_48_hours(site_tree, client):
    ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Il y a une heure",
        first_published_at=NOW - datetime.timedelta(hours=1),
    )
    ArticlePageFactory(
        parent=site_tree.golfe,
        title="Eau & énergie : l'accord",
        first_published_at=NOW - datetime.timedelta(hours=47, minutes=59),
    )
    ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Trop ancien",
        first_published_at=NOW - datetime.timedelta(hours=48, minutes=1),
    )
    ArticlePageFactory(parent=site_tree.maghreb, title="Brouillon", publish=False)

    urlset = parse(client.get("/sitemap-news.xml"), "application/xml")

    urls = urlset.findall(f"{SITEMAP}url")
    assert [url.findtext(f"{SITEMAP}loc") for url in urls] == [
        "http://testserver/maghreb/il-y-a-une-heure/",
        "http://testserver/golfe/eau-energie-laccord/",
    ]
    news = urls[1].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Mena News"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Eau & énergie : l'accord"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == NOW - datetime.timedelta(hours=47, minutes=59)


def test_news_sitemap_forgets_an_article_once_it_is_two_days_old(site_tree, client):
    with time_machine.travel(NOW, tick=False):
        ArticlePageFactory(parent=site_tree.maghreb, title="Nouvelle du jour")
        assert b"nouvelle-du-jour" in client.get("/sitemap-news.xml").content

    with time_machine.travel(NOW + datetime.timedelta(hours=49), tick=False):
        urlset = parse(client.get("/sitemap-news.xml"), "application/xml")

    assert urlset.findall(f"{SITEMAP}url") == []


def test_robots_txt_points_crawlers_at_both_sitemaps(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines


# --- Text no XML may carry (issue #12, item 2) ---------------------------------------------

XML_OUTPUTS = (
    "/flux/rss.xml",
    "/flux/atom.xml",
    "/flux/maghreb/rss.xml",
    "/flux/maghreb/atom.xml",
    "/sitemap.xml",
    "/sitemap-news.xml",
)


def strict_xml(response):
    """The document as a strict parser reads it: one ill-formed character fails the test."""
    assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    return etree.fromstring(response.content, parser)


@time_machine.travel(NOW, tick=False)
def test_text_stored_with_control_characters_never_breaks_a_feed_or_a_sitemap(site_tree, client):
    """Stored before cleaning existed, or by a path that bypasses it: the outputs clean it."""
    site_tree.site.site_name = "Mena\x02 News"
    site_tree.site.save()
    ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Sommet \u0001 \u001b[31m au Caire\ufffe",
        standfirst="Les ministres\x0b se retrouvent\x08.",
        first_published_at=NOW - datetime.timedelta(hours=1),
        authors=[AuthorFactory(name="Leïla\x07 Ben Ali")],
        topics=[TopicFactory(name="Diplo\x1fmatie")],
        source=SourceFactory(name="Agence\x7f", licence_terms="CC\x9b BY"),
    )

    for url in XML_OUTPUTS:
        strict_xml(client.get(url))
    channel = strict_xml(client.get("/flux/rss.xml")).find("channel")
    assert channel.findtext("title") == "Mena News"
    item = channel.find("item")
    assert item.findtext("title") == "Sommet   au Caire"
    assert item.findtext("description") == "Les ministres  se retrouvent."
    assert item.findtext("category") == "Diplo matie"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Leïla Ben Ali"
    news = strict_xml(client.get("/sitemap-news.xml")).find(f"{SITEMAP}url/{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Sommet   au Caire"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Mena News"
