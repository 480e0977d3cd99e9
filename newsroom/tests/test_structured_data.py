"""The article's schema.org NewsArticle (JSON-LD), as a search engine extracts it."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from newsroom import structured_data
from newsroom.tests.factories import ArticlePageFactory, AuthorFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.datetime(2022, 12, 19, 9, 30, tzinfo=datetime.UTC)
PAYLOAD = "</script><script>alert(1)</script>"


def json_ld_scripts(html):
    soup = BeautifulSoup(html, "html.parser")
    return soup.find_all("script", type="application/ld+json")


def json_ld_of(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    scripts = json_ld_scripts(response.content.decode())
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def nulls_in(value, path="$"):
    """Every JSON path in `value` that holds null, "" or an empty list or object."""
    if value is None or value in ("", [], {}):
        return [path]
    if isinstance(value, dict):
        return [hit for key, item in value.items() for hit in nulls_in(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [hit for i, item in enumerate(value) for hit in nulls_in(item, f"{path}[{i}]")]
    return []


@pytest.fixture
def article(site_tree):
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Rencontre à Rome sur la Libye",
        standfirst="Les ministres se sont réunis.",
        first_published_at=PUBLISHED,
        dateline_places=["Rome", "Paris"],
        authors=[AuthorFactory(name="Leïla Ben Ali"), AuthorFactory(name="Karim Haddad")],
        topics=[TopicFactory(name="Diplomatie")],
    )


def test_article_describes_itself_as_a_news_article(article, client):
    data = json_ld_of(client, article)

    url = "http://testserver/maghreb/rencontre-a-rome-sur-la-libye/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Rencontre à Rome sur la Libye"
    assert data["description"] == "Les ministres se sont réunis."
    assert data["inLanguage"] == "fr"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert datetime.datetime.fromisoformat(data["datePublished"]) == PUBLISHED
    assert datetime.datetime.fromisoformat(data["dateModified"]).tzinfo is not None
    # Authors come in the snippet's order (by name): ParentalManyToManyField keeps no order.
    assert data["author"] == [
        {"@type": "Person", "name": "Karim Haddad"},
        {"@type": "Person", "name": "Leïla Ben Ali"},
    ]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Mena News",
        "url": "http://testserver",
    }
    assert data["articleSection"] == "Maghreb"
    assert data["keywords"] == ["Diplomatie"]
    assert data["locationCreated"] == [
        {"@type": "Place", "name": "Rome"},
        {"@type": "Place", "name": "Paris"},
    ]


def test_partner_article_credits_the_original_work(site_tree, client):
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        source=SourceFactory(name="Il Manifesto", licence_terms="CC BY 2.5"),
        source_author="Mario Rossi",
        source_url="https://ilmanifesto.example.org/libia",
    )

    data = json_ld_of(client, article)

    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "publisher": {"@type": "Organization", "name": "Il Manifesto"},
        "author": "Mario Rossi",
        "url": "https://ilmanifesto.example.org/libia",
        "license": "CC BY 2.5",
    }
    # Without authors of ours, the original author signs.
    assert data["author"] == [{"@type": "Person", "name": "Mario Rossi"}]


def test_json_ld_holds_no_null_or_empty_value_at_any_depth(site_tree, client):
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        source=SourceFactory(name="Agence sans détails", licence_terms=""),
        source_author="",
        source_url="",
    )

    data = json_ld_of(client, article)

    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "publisher": {"@type": "Organization", "name": "Agence sans détails"},
    }
    assert "keywords" not in data
    assert "author" not in data
    assert nulls_in(data) == []


def test_news_article_drops_nested_empty_values(site_tree, rf):
    article = ArticlePageFactory(parent=site_tree.maghreb, source=SourceFactory(licence_terms=""))

    data = structured_data.news_article(article, rf.get(article.url))

    assert nulls_in(data) == []
    assert set(data["isBasedOn"]) == {"@type", "publisher"}


def test_a_title_cannot_close_the_json_ld_script(site_tree, client):
    article = ArticlePageFactory(
        parent=site_tree.maghreb, title=PAYLOAD, standfirst="<!-- <script>alert(2)</script>"
    )

    html = client.get(article.url).content.decode()

    assert html.count("<script") == 1
    assert html.count("</script>") == 1
    assert "<script>alert" not in html
    scripts = json_ld_scripts(html)
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["headline"] == PAYLOAD
    assert data["description"] == "<!-- <script>alert(2)</script>"
