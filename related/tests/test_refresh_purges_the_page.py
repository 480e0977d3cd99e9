"""A refreshed related list reaches readers at once: storing it purges the article's cached
page (issue #15), and only that page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import reader_cache
from newsroom.tests.factories import ArticlePageFactory
from related import services


def hit(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response[reader_cache.HIT_HEADER] == "hit"


def test_storing_a_related_list_purges_that_article_only(
    site_tree, client, django_capture_on_commit_callbacks
):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz russe plafonné")
    other = ArticlePageFactory(parent=site_tree.maghreb, title="Un autre article")
    for url in (article.url, other.url):
        client.get(url)
        assert hit(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_related(article)

    assert not hit(client, article.url)
    assert hit(client, other.url)


def test_a_page_whose_list_changed_renders_the_list_again_and_keeps_the_rest(
    site_tree, client, django_capture_on_commit_callbacks
):
    """The headline, body and JSON-LD are kept apart from the list (``kept_fragment``): the
    page's re-render after a new list reads neither the article's authors nor its dateline,
    and shows the new list."""
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz russe plafonné")
    client.get(article.url)
    assert hit(client, article.url)
    ArticlePageFactory(parent=site_tree.maghreb, title="Le plafond du gaz russe contesté")
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_related(article)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(article.url)
    assert response[reader_cache.HIT_HEADER] == "miss"
    page = response.content.decode()
    assert "Le plafond du gaz russe contesté" in page.split('id="related-title"')[1]
    assert "Le gaz russe plafonné" in page
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "newsroom_articlepage_authors" not in tables
    assert "newsroom_articledatelineplace" not in tables
