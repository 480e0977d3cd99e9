"""Parts of a reader page kept apart (``{% kept_fragment %}``, `reader_cache.kept_fragment`):
kept while their families hold, never shown to a preview, replaced by a new revision."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from newsroom import reader_cache
from newsroom.tests.factories import ArticlePageFactory, AuthorFactory

PAGE_CACHE_OFF = override_settings(CACHE_MIDDLEWARE_SECONDS=0, READER_FRAGMENT_SECONDS=300)


@pytest.fixture
def article(site_tree):
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Le port de Tanger s'agrandit",
        authors=[AuthorFactory(name="Leïla Ben Ali")],
        dateline_places=["Tanger"],
    )


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content, [query["sql"] for query in captured.captured_queries]


@PAGE_CACHE_OFF
def test_with_the_page_not_kept_its_parts_are_and_the_page_is_the_same(article, client):
    first, first_queries = queries_of(client, article.url)
    again, queries = queries_of(client, article.url)
    assert again == first
    assert len(queries) < len(first_queries)
    assert not any("newsroom_articlepage_authors" in sql for sql in queries)


@PAGE_CACHE_OFF
def test_a_new_revision_replaces_the_kept_parts(
    article, client, django_capture_on_commit_callbacks
):
    client.get(article.url)
    article.title = "Le port de Tanger double sa capacité"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    page = client.get(article.url).content.decode()
    assert "Le port de Tanger double sa capacité" in page
    assert "s&#x27;agrandit" not in page and "s'agrandit" not in page


@PAGE_CACHE_OFF
def test_a_preview_shows_the_draft_and_keeps_nothing(article, client):
    client.get(article.url)
    article.title = "Brouillon : Tanger"
    preview = article.make_preview_request()
    assert "Brouillon : Tanger" in preview.content.decode()
    page = client.get(article.url).content.decode()
    assert "Brouillon : Tanger" not in page
    assert "Le port de Tanger" in page


@PAGE_CACHE_OFF
def test_a_purge_of_the_site_renders_every_part_again(article, client):
    client.get(article.url)
    reader_cache.bump(["site"])
    _, queries = queries_of(client, article.url)
    assert any("newsroom_articlepage_authors" in sql for sql in queries)
