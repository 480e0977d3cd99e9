"""Pages kept for a day are only right if every change they show purges them (issue #15).

A reader page is kept while its families' stamps hold (`READER_CACHE_KEEP_SECONDS`, a day),
no longer five minutes: so a renamed author, partner outlet or topic, and an edited picture,
must purge the pages that show them, and a new release must not serve pages the old one
built. Real cache (locmem), real middleware, purges run after commit.
"""

import json

import pytest
import time_machine
from django.core.cache import cache

from newsroom import reader_cache, release
from newsroom.tests.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SourceFactory,
    TopicFactory,
)
from newsroom.tests.test_pictures_shown import news_image
from newsroom.tests.test_reader_cache import cached, hit


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Save something in its own transaction and run what waits for the commit."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


def test_a_renamed_author_purges_the_pages_of_their_articles_only(site_tree, client, committed):
    author = AuthorFactory(name="Lina Haddad")
    signed = ArticlePageFactory(parent=site_tree.maghreb, authors=[author])
    other = ArticlePageFactory(parent=site_tree.golfe, title="Sans signature")
    cached(client, signed.url, other.url, "/", "/flux/rss.xml")

    author.name = "Lina Haddad-Mansour"
    committed(author.save)

    response = client.get(signed.url)
    assert response[reader_cache.HIT_HEADER] == "miss"
    assert "Lina Haddad-Mansour" in response.content.decode()
    feed = client.get("/flux/rss.xml")
    assert feed[reader_cache.HIT_HEADER] == "miss"
    assert "Lina Haddad-Mansour" in feed.content.decode()
    assert hit(client, other.url)
    assert hit(client, "/")  # cards show no byline


def test_a_renamed_partner_outlet_purges_its_articles_and_the_feeds(site_tree, client, committed):
    outlet = SourceFactory(name="Orient XXI")
    credited = ArticlePageFactory(parent=site_tree.maghreb, source=outlet)
    cached(client, credited.url, "/flux/rss.xml")

    outlet.name = "Orient 21"
    committed(outlet.save)

    page = client.get(credited.url)
    assert page[reader_cache.HIT_HEADER] == "miss"
    assert "Orient 21" in page.content.decode()
    feed = client.get("/flux/rss.xml")
    assert feed[reader_cache.HIT_HEADER] == "miss"
    assert "Orient 21" in feed.content.decode()


def test_a_topic_given_a_new_slug_purges_its_old_page(site_tree, client, committed):
    topic = TopicFactory(name="Pétrole", slug="petrole")
    tagged = ArticlePageFactory(parent=site_tree.maghreb, topics=[topic])
    cached(client, "/sujets/petrole/", tagged.url)

    topic.name, topic.slug = "Énergie", "energie"
    committed(topic.save)

    assert client.get("/sujets/petrole/").status_code == 404  # not the kept page
    assert "Énergie" in client.get("/sujets/energie/").content.decode()
    page = client.get(tagged.url)
    assert page[reader_cache.HIT_HEADER] == "miss"
    assert "Énergie" in page.content.decode()


def test_a_deleted_author_leaves_their_articles_byline(site_tree, client, committed):
    author = AuthorFactory(name="Karim Benali")
    signed = ArticlePageFactory(parent=site_tree.maghreb, authors=[author])
    cached(client, signed.url)

    committed(author.delete)

    page = client.get(signed.url)
    assert page[reader_cache.HIT_HEADER] == "miss"
    assert "Karim Benali" not in page.content.decode()


def test_an_edited_lead_picture_purges_its_article_the_lists_and_the_related_lists(
    site_tree, client, committed
):
    from related.models import RelatedArticle

    picture = news_image(caption="Le port de Sfax à l'aube")
    pictured = ArticlePageFactory(parent=site_tree.maghreb, lead_image=picture)
    lister = ArticlePageFactory(parent=site_tree.golfe, title="Un autre port")
    RelatedArticle.objects.create(article=lister, candidate=pictured, rank=1, score=0.5)
    unrelated = ArticlePageFactory(parent=site_tree.golfe, title="Rien à voir")
    cached(client, pictured.url, lister.url, unrelated.url, "/", site_tree.maghreb.url)

    picture.caption = "Le port de Sfax au crépuscule"
    committed(picture.save)

    page = client.get(pictured.url)
    assert page[reader_cache.HIT_HEADER] == "miss"
    assert "au crépuscule" in page.content.decode()
    for url in ("/", site_tree.maghreb.url, lister.url):
        assert not hit(client, url), url
    assert hit(client, unrelated.url)


def test_a_picture_in_an_article_body_purges_that_article(site_tree, client, committed):
    picture = news_image()
    body = [{"type": "image", "value": {"image": picture.pk, "caption": "", "credit": ""}}]
    illustrated = ArticlePageFactory(parent=site_tree.maghreb, body=json.dumps(body))
    cached(client, illustrated.url)

    picture.credit = "AFP/N. Nouvelle"
    committed(picture.save)

    assert not hit(client, illustrated.url)


def test_wagtails_own_bookkeeping_of_a_picture_purges_nothing(site_tree, client, committed):
    picture = news_image()
    pictured = ArticlePageFactory(parent=site_tree.maghreb, lead_image=picture)
    cached(client, pictured.url)

    picture.file_size = 12345
    committed(lambda: picture.save(update_fields=["file_size"]))

    assert hit(client, pictured.url)


def test_a_page_is_kept_past_what_cdns_are_told(site_tree, client, settings):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    with time_machine.travel("2026-12-01 08:00 +0000", tick=False) as clock:
        cached(client, article.url)
        assert (
            f"s-maxage={settings.CACHE_MIDDLEWARE_SECONDS}"
            in client.get(article.url)["Cache-Control"]
        )
        clock.shift(settings.CACHE_MIDDLEWARE_SECONDS + 60)
        assert hit(client, article.url)  # was rebuilt whole after five minutes
        clock.shift(settings.READER_CACHE_KEEP_SECONDS)
        assert not hit(client, article.url)


def test_a_new_release_never_serves_what_the_old_one_built(site_tree, client, monkeypatch):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    cached(client, article.url)

    monkeypatch.setattr(reader_cache, "release", lambda: "next-release")

    assert not hit(client, article.url)
    assert hit(client, article.url)


def test_the_release_is_what_builds_pages_not_the_tests(settings, tmp_path):
    app = tmp_path / "newsroom"
    (app / "templates").mkdir(parents=True)
    (app / "tests").mkdir()
    (app / "templates" / "page.html").write_text("<h1>{{ title }}</h1>")
    (app / "tests" / "test_page.py").write_text("def test(): pass\n")
    settings.BASE_DIR, settings.STATIC_ROOT = tmp_path, tmp_path / "var" / "static"

    def digest():
        release.release.cache_clear()
        return release.release()

    try:
        first = digest()
        (app / "tests" / "test_page.py").write_text("def test(): assert True\n")
        assert digest() == first
        (app / "templates" / "page.html").write_text("<h2>{{ title }}</h2>")
        assert digest() != first
    finally:
        release.release.cache_clear()
        cache.clear()
