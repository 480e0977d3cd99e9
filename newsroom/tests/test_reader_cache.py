"""The reader page cache (issue #15): a publish purges what it affects and keeps the rest.

Real cache (the test settings' locmem backend), real middleware, real publishes; the purge
runs after commit (`django_capture_on_commit_callbacks(execute=True)`). Whether a response
came from the cache is read from its ``X-Reader-Cache`` header, and a hit runs no query.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.test import override_settings

from newsroom import reader_cache
from newsroom.tests.factories import ArticlePageFactory, TopicFactory


def hit(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response[reader_cache.HIT_HEADER] == "hit"


def cached(client, *urls):
    """Render each page once, and check that the next request is a hit."""
    for url in urls:
        client.get(url)
        assert hit(client, url), f"{url} was not cached"


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish an article in its own transaction and run what waits for the commit."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return ArticlePageFactory(**kwargs)

    return run


def test_other_articles_stay_cached_after_a_publish(
    site_tree, client, publish, django_assert_num_queries
):
    first = ArticlePageFactory(parent=site_tree.maghreb, title="Article A")
    assert not hit(client, first.url)
    assert hit(client, first.url)

    publish(parent=site_tree.golfe, title="Article B")

    with django_assert_num_queries(0):
        response = client.get(first.url)
    assert response[reader_cache.HIT_HEADER] == "hit"
    assert "Article A" in response.content.decode()


def test_a_publish_purges_home_section_topics_feeds_and_sitemaps(site_tree, client, publish):
    topic, other_topic = TopicFactory(name="Pétrole"), TopicFactory(name="Football")
    ArticlePageFactory(parent=site_tree.maghreb, topics=[topic])
    ArticlePageFactory(parent=site_tree.golfe, topics=[other_topic])
    purged = [
        "/",
        site_tree.maghreb.url,
        f"/sujets/{topic.slug}/",
        "/flux/rss.xml",
        "/flux/atom.xml",
        f"/flux/{site_tree.maghreb.slug}/rss.xml",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ]
    kept = [site_tree.golfe.url, f"/sujets/{other_topic.slug}/"]
    cached(client, *purged, *kept)

    article = publish(parent=site_tree.maghreb, title="Dernière minute", topics=[topic])

    for url in purged:
        assert not hit(client, url), f"{url} still served from the cache"
        assert article.url in client.get(url).content.decode(), url
    for url in kept:
        assert hit(client, url), f"{url} was purged by an article not on it"
    assert not hit(client, article.url)


def test_an_article_leaving_a_topic_purges_that_topic_page(
    site_tree, client, django_capture_on_commit_callbacks
):
    leaving, joining = TopicFactory(name="Gaz"), TopicFactory(name="Climat")
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gazoduc", topics=[leaving])
    cached(client, f"/sujets/{leaving.slug}/")

    with django_capture_on_commit_callbacks(execute=True):
        draft = article.get_latest_revision_as_object()
        draft.topics = [joining]
        draft.save_revision().publish()

    response = client.get(f"/sujets/{leaving.slug}/")
    assert response[reader_cache.HIT_HEADER] == "miss"
    assert "Le gazoduc" not in response.content.decode()


def test_an_article_leaving_countries_purges_those_country_pages_only(
    site_tree, client, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=site_tree.maghreb, countries=["LB", "JO", "SY"])
    ArticlePageFactory(parent=site_tree.golfe, countries=["QA"])
    cached(client, "/pays/lb/", "/pays/jo/", "/pays/qa/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft = article.get_latest_revision_as_object()
        draft.countries = ["JO"]
        draft.save_revision().publish()

    assert callbacks, "the purge waits for the commit"
    for url in ("/pays/lb/", "/pays/jo/"):
        assert not hit(client, url), f"{url} still served from the cache"
    assert hit(client, "/pays/qa/")
    # The stored form "LB,JO,SY" is read as codes, not letters ("country:L", "country:,").
    stamps = reader_cache.current_stamps(["country:L", "country:,"], create=False)
    assert not stamps, stamps


def test_unpublishing_purges_the_article_and_la_une(
    site_tree, client, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Retirée bientôt")
    other = ArticlePageFactory(parent=site_tree.golfe)
    url = article.url
    cached(client, "/", url, other.url)

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()

    assert client.get(url).status_code == 404
    assert "Retirée bientôt" not in client.get("/").content.decode()
    assert hit(client, other.url)


def test_a_purge_keeps_what_else_the_cache_holds(site_tree, client, publish):
    cache.set("someone-else:counter", 7, 600)
    publish(parent=site_tree.maghreb)
    assert cache.get("someone-else:counter") == 7


def test_every_accept_language_reads_one_entry_of_the_french_page(site_tree, client):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    first = client.get(article.url, headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert first[reader_cache.HIT_HEADER] == "miss"

    assert hit(client, article.url, **{"accept-language": "en-US,en;q=0.8"})
    assert hit(client, article.url, **{"accept-language": "ar"})
    assert hit(client, article.url)
    response = client.get(article.url, headers={"accept-language": "de"})
    assert "accept-language" not in response.get("Vary", "").lower()
    pages = [key for key in cache._cache if reader_cache.PAGE_PREFIX in key]
    assert len(pages) == 1


def test_reader_pages_and_feeds_tell_cdns_and_browsers_how_long(site_tree, client, settings):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    for url in (article.url, "/", "/flux/rss.xml", "/sitemap.xml"):
        for response in (client.get(url), client.get(url)):  # the miss, then the hit
            control = {part.strip() for part in response["Cache-Control"].split(",")}
            assert control == {
                "public",
                "max-age=60",
                f"s-maxage={settings.CACHE_MIDDLEWARE_SECONDS}",
                f"stale-while-revalidate={settings.READER_CACHE_STALE_SECONDS}",
            }, url
            assert response["ETag"] and response["Last-Modified"], url


def test_a_conditional_get_is_answered_304(site_tree, client):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    first = client.get(article.url)

    again = client.get(article.url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(article.url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    changed = client.get(article.url, headers={"if-none-match": '"something-else"'})
    assert changed.status_code == 200


def test_editors_and_the_admin_are_never_served_or_stored(site_tree, client, admin_user):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    cached(client, article.url)
    client.force_login(admin_user)

    response = client.get(article.url)
    assert reader_cache.HIT_HEADER not in response
    assert "public" not in response.get("Cache-Control", "")
    assert "private" in response["Cache-Control"]  # nor stored by a CDN or proxy
    admin = client.get("/admin/")
    assert reader_cache.HIT_HEADER not in admin
    assert "public" not in admin.get("Cache-Control", "")


def test_a_page_that_sets_a_cookie_is_private_and_not_stored(site_tree, client):
    """The newsletter's sign-up form carries a CSRF token in a cookie: never shared."""
    response = client.get("/newsletter/")
    assert response.cookies or "public" not in response.get("Cache-Control", "")
    assert "public" not in response.get("Cache-Control", "")
    assert reader_cache.HIT_HEADER not in client.get("/newsletter/")


class _PurgeRecorder(BaseHTTPRequestHandler):
    received: list[list[str]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    _PurgeRecorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/purge", _PurgeRecorder.received
    server.shutdown()
    server.server_close()


def test_the_cdn_hears_the_purged_urls(site_tree, publish, cdn):
    endpoint, received = cdn
    topic = TopicFactory(name="Diplomatie")
    with override_settings(READER_CACHE_PURGE_URL=endpoint):
        article = publish(parent=site_tree.maghreb, slug="sommet-d-alger", topics=[topic])

    assert len(received) == 1, "one publish, one call"
    base = "http://testserver"
    urls = set(received[0])
    assert {
        base + "/",
        base + article.url,
        base + site_tree.maghreb.url,
        base + f"/sujets/{topic.slug}/",
        base + "/flux/rss.xml",
        base + "/flux/atom.xml",
        base + "/sitemap.xml",
        base + "/sitemap-news.xml",
    } <= urls
    assert base + site_tree.golfe.url not in urls


def test_a_cdn_that_fails_never_breaks_a_publish(site_tree, client, publish, caplog):
    closed = HTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    port = closed.server_port
    closed.server_close()
    cached(client, "/")
    with override_settings(READER_CACHE_PURGE_URL=f"http://127.0.0.1:{port}/purge"):
        article = publish(parent=site_tree.maghreb, title="Publiée quand même")

    assert article.live
    assert "Publiée quand même" in client.get("/").content.decode()
    assert "CDN purge" in caplog.text


def test_a_browser_that_accepts_gzip_gets_the_copy_compressed_when_stored(site_tree, client):
    import gzip

    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le port de Sfax rouvre")
    plain = client.get(article.url)
    assert "Content-Encoding" not in plain
    assert "accept-encoding" in plain["Vary"].lower()  # a CDN keeps the two apart

    for attempt in ("first", "second"):
        response = client.get(article.url, headers={"Accept-Encoding": "br, gzip, deflate"})
        assert response[reader_cache.HIT_HEADER] == "hit", attempt
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert int(response["Content-Length"]) == len(response.content) < len(plain.content) / 2
        assert response["ETag"] == f"W/{plain['ETag']}"

    again = client.get(
        article.url, headers={"Accept-Encoding": "gzip", "If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
    identity = client.get(article.url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity and identity.content == plain.content


def test_the_first_reader_gets_the_compressed_copy_too(site_tree, client):
    import gzip

    article = ArticlePageFactory(parent=site_tree.maghreb)
    first = client.get(article.url, headers={"Accept-Encoding": "gzip"})
    assert first[reader_cache.HIT_HEADER] == "miss"
    assert first["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(first.content)


def test_a_shared_page_does_not_vary_on_cookies(site_tree, client):
    """The same page for every reader: a CDN must not keep one copy per cookie."""
    article = ArticlePageFactory(parent=site_tree.maghreb)
    for attempt in ("stored", "hit"):
        response = client.get(article.url, headers={"Cookie": "_pk_id=123; consent=1"})
        assert "cookie" not in response.get("Vary", "").lower(), attempt
        assert "public" in response["Cache-Control"]


def test_a_new_tagline_reaches_every_page_at_once(
    site_tree, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The settings are read from a long-lived key (no query on a render), and saving them
    forgets it and purges the site's pages."""
    from newsroom.models import NewsroomSettings

    article = ArticlePageFactory(parent=site_tree.maghreb, title="Article A")
    cached(client, "/", article.url)
    kept = NewsroomSettings.for_site(site_tree.site)
    with django_assert_num_queries(0):
        assert NewsroomSettings.for_site(site_tree.site).tagline == kept.tagline

    kept.tagline = "Le Maghreb et le Golfe au quotidien"
    with django_capture_on_commit_callbacks(execute=True):
        kept.save()

    for url in ("/", article.url):
        response = client.get(url)
        assert response[reader_cache.HIT_HEADER] == "miss"
        assert "Le Maghreb et le Golfe au quotidien" in response.content.decode()
