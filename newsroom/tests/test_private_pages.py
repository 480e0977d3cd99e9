"""A page made private leaves the reader cache and every listing at once (issue #15).

The restricted paths are kept under one cache key (`newsroom.restrictions`) instead of being
read again by each listing; these tests pin that the key never outlives a change.
"""

from wagtail.models import PageViewRestriction

from newsroom import reader_cache
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory


def restrict(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="rédaction"
    )


def test_an_article_made_private_leaves_the_cached_pages_and_listings(
    site_tree, client, django_capture_on_commit_callbacks
):
    secret = ArticlePageFactory(parent=site_tree.maghreb, title="Enquête en préparation")
    ArticlePageFactory(parent=site_tree.maghreb, title="Marché de Sfax")
    for url in ("/", site_tree.maghreb.url, secret.url):
        client.get(url)
        assert client.get(url)[reader_cache.HIT_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        restrict(secret)

    for url in ("/", site_tree.maghreb.url):
        page = client.get(url).content.decode()
        assert "Marché de Sfax" in page
        assert "Enquête en préparation" not in page, url
    assert "Enquête en préparation" not in client.get("/flux/rss.xml").content.decode()
    article = client.get(secret.url)
    assert b"password" in article.content.lower() or b"mot de passe" in article.content.lower()
    assert "Enquête en préparation</h1>" not in article.content.decode()


def test_published_follows_restrictions_as_they_change(site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb)
    section_article = ArticlePageFactory(parent=site_tree.golfe)
    assert set(ArticlePage.objects.published()) == {article, section_article}  # paths kept

    restriction = restrict(site_tree.golfe)  # a whole section: its articles too
    assert list(ArticlePage.objects.published()) == [article]
    restriction.delete()
    assert set(ArticlePage.objects.published()) == {article, section_article}
    assert set(ArticlePage.objects.live().public()) == set(ArticlePage.objects.published())
