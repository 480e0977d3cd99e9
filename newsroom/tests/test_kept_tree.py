"""The kept top of the page tree (issue #15): routing and the navigation read the site, la
une and the sections from one cache entry, and every change to them is seen at once.

Real cache, middleware and publishes; the purges run after commit
(`django_capture_on_commit_callbacks(execute=True)`).
"""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from newsroom import kept_tree, reader_cache
from newsroom.tests.factories import ArticlePageFactory, SectionPageFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change in its own transaction, and what waits for its commit."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def tables_read(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    tables = {
        table
        for query in captured.captured_queries
        for table in ("wagtailcore_site", "newsroom_sectionpage", "newsroom_homepage")
        if f'FROM "{table}"' in query["sql"] or f'JOIN "{table}"' in query["sql"]
    }
    return response, tables


def test_a_reader_is_routed_to_an_article_without_reading_the_site_or_its_section(
    site_tree, client, settings
):
    settings.CACHE_MIDDLEWARE_SECONDS = 0  # every request is rendered and routed
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz algérien")
    assert client.get(article.url).status_code == 200

    response, tables = tables_read(client, article.url)

    assert response.status_code == 200
    assert "Le gaz algérien" in response.content.decode()
    assert tables == set()
    assert [item["title"] for item in response.context["navigation"]] == ["Maghreb", "Golfe"]


def test_an_editor_is_routed_by_wagtail_from_the_database(site_tree, client, admin_user, settings):
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    article = ArticlePageFactory(parent=site_tree.maghreb)
    client.get(article.url)
    client.force_login(admin_user)

    response, tables = tables_read(client, article.url)

    assert response.status_code == 200
    assert {"wagtailcore_site", "newsroom_sectionpage"} <= tables


def test_a_renamed_section_routes_at_its_new_address_at_once(site_tree, client, committed):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le gaz algérien")
    old_url = article.url
    assert client.get(old_url).status_code == 200

    def rename():
        site_tree.maghreb.slug = "afrique-du-nord"
        site_tree.maghreb.save_revision().publish()

    committed(rename)

    new_url = f"/afrique-du-nord/{article.slug}/"
    response = client.get(new_url)
    assert response.status_code == 200
    old = client.get(old_url)  # Wagtail's redirect, made on the rename, not the old page
    assert old.status_code in (301, 302) and old["Location"].endswith(new_url)
    assert "Le gaz algérien" in response.content.decode()


def test_a_new_section_is_in_the_navigation_and_routed_at_once(site_tree, client, committed):
    assert client.get("/").status_code == 200
    levant = committed(lambda: SectionPageFactory(parent=site_tree.home, title="Levant"))
    article = ArticlePageFactory(parent=levant, title="Beyrouth")

    response = client.get("/")
    assert "Levant" in [item["title"] for item in response.context["navigation"]]
    assert client.get(article.url).status_code == 200


def test_a_section_a_script_adds_without_publishing_is_seen_at_once(site_tree, client, committed):
    """An import or a shell adds a live section with ``add_child``: no publish signal."""
    from newsroom.models import SectionPage

    client.get("/")
    iran = SectionPage(title="Iran", slug="iran", show_in_menus=True)
    committed(lambda: site_tree.home.add_child(instance=iran))

    assert "Iran" in [item["title"] for item in client.get("/").context["navigation"]]


def test_a_section_made_private_leaves_the_navigation_at_once(site_tree, client, committed):
    client.get("/")
    committed(
        lambda: PageViewRestriction.objects.create(
            page=site_tree.golfe, restriction_type=PageViewRestriction.LOGIN
        )
    )

    navigation = client.get("/").context["navigation"]

    assert [item["title"] for item in navigation] == ["Maghreb"]


def test_a_change_to_the_site_row_is_seen_at_once(site_tree, client, committed):
    assert "Mena News" in client.get("/").content.decode()

    def rename():
        site = Site.objects.get(is_default_site=True)
        site.site_name = "Maghreb Hebdo"
        site.save()

    committed(rename)

    assert "Maghreb Hebdo" in client.get("/").content.decode()


def test_a_tree_read_while_a_change_commits_is_not_kept_as_current(site_tree, monkeypatch):
    """The stamps are read before the rows: a purge landing between the two leaves an
    entry that the next request rebuilds."""
    real_read = kept_tree._read_tree

    def read_then_purge(request):
        tree = real_read(request)
        reader_cache.bump(["site"])  # a section published meanwhile
        return tree

    monkeypatch.setattr(kept_tree, "_read_tree", read_then_purge)
    kept_tree.tree_for(RequestFactory().get("/"))
    monkeypatch.setattr(kept_tree, "_read_tree", real_read)

    with CaptureQueriesContext(connection) as captured:
        kept_tree.tree_for(RequestFactory().get("/"))

    assert any('FROM "wagtailcore_site"' in query["sql"] for query in captured.captured_queries)


def test_each_request_gets_its_own_copies(site_tree):
    first = kept_tree.tree_for(RequestFactory().get("/"))
    first.site.root_page.title = "Changed by one request"
    first.children[site_tree.home.pk]["maghreb"].seen_by = "one request"

    second = kept_tree.tree_for(RequestFactory().get("/"))

    assert second.site.root_page.title == site_tree.home.title
    assert not hasattr(second.children[site_tree.home.pk]["maghreb"], "seen_by")
