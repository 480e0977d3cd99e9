"""A refreshed related list reaches readers at once: storing it purges the article's cached
page (issue #15), and only that page."""

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
