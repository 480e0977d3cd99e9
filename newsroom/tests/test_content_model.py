"""The content model: datelines, the published() read rule, the page tree, body blocks."""

import datetime

import pytest
from wagtail import blocks
from wagtail.models import Page, PageViewRestriction

from newsroom.blocks import ReadAlsoBlock
from newsroom.models import ArticleDatelinePlace, ArticlePage, HomePage, SectionPage
from newsroom.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return datetime.datetime(2022, 12, day, hour, tzinfo=datetime.UTC)


# --- Dateline ---------------------------------------------------------------------------


def test_dateline_lists_places_in_order_then_the_french_date(site_tree):
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        dateline_places=["Rome", "Paris"],
        dateline_date=datetime.date(2022, 12, 19),
    )

    assert article.dateline_text() == "Rome, Paris, 19 décembre 2022"


def test_dateline_writes_the_first_day_of_the_month_as_1er(site_tree):
    article = ArticlePageFactory(
        parent=site_tree.maghreb, dateline_places=["Tunis"], dateline_date=datetime.date(2023, 3, 1)
    )

    assert article.dateline_text() == "Tunis, 1er mars 2023"


def test_dateline_without_date_is_the_places_alone(site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb, dateline_places=["Alger"])

    assert article.dateline_text() == "Alger"


def test_dateline_is_empty_without_places_or_date(site_tree):
    assert ArticlePageFactory(parent=site_tree.maghreb).dateline_text() == ""


# --- The published() read rule ----------------------------------------------------------


def test_published_orders_newest_first(site_tree):
    older = ArticlePageFactory(parent=site_tree.maghreb, first_published_at=at(1))
    newest = ArticlePageFactory(parent=site_tree.golfe, first_published_at=at(3))
    middle = ArticlePageFactory(parent=site_tree.maghreb, first_published_at=at(2))

    assert list(ArticlePage.objects.published()) == [newest, middle, older]


def test_published_excludes_drafts_unpublished_and_private_articles(site_tree):
    visible = ArticlePageFactory(parent=site_tree.maghreb)
    ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    withdrawn = ArticlePageFactory(parent=site_tree.maghreb)
    withdrawn.unpublish()
    private = ArticlePageFactory(parent=site_tree.maghreb)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="embargo"
    )

    assert list(ArticlePage.objects.published()) == [visible]


def test_published_excludes_articles_of_a_private_section(site_tree):
    ArticlePageFactory(parent=site_tree.golfe)
    visible = ArticlePageFactory(parent=site_tree.maghreb)
    PageViewRestriction.objects.create(
        page=site_tree.golfe, restriction_type=PageViewRestriction.LOGIN
    )

    assert list(ArticlePage.objects.published()) == [visible]


def test_publishing_a_draft_through_its_revision_makes_it_published(site_tree):
    draft = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    assert not ArticlePage.objects.published().filter(pk=draft.pk).exists()

    draft.get_latest_revision().publish()

    assert ArticlePage.objects.published().get().pk == draft.pk


# --- Page tree --------------------------------------------------------------------------


def test_articles_live_in_sections_only():
    assert ArticlePage.can_create_at(SectionPage())
    assert not ArticlePage.can_create_at(HomePage())
    assert not ArticlePage.can_create_at(ArticlePage())
    assert not ArticlePage.can_create_at(Page())


def test_sections_live_under_the_home_page_only():
    assert SectionPage.can_create_at(HomePage())
    assert not SectionPage.can_create_at(SectionPage())
    assert not SectionPage.can_create_at(Page())


def test_page_types_allowed_below_each_level():
    assert HomePage.allowed_subpage_models() == [SectionPage]
    assert SectionPage.allowed_subpage_models() == [ArticlePage]
    assert ArticlePage.allowed_subpage_models() == []
    assert ArticlePage.allowed_parent_page_models() == [SectionPage]


def test_only_one_home_page_can_be_created(site_tree):
    root = Page.get_first_root_node()

    assert not HomePage.can_create_at(root)


# --- Read-also block --------------------------------------------------------------------


def read_also_value(**values):
    return ReadAlsoBlock().to_python({"article": None, "title": "", "url": "", **values})


def test_read_also_accepts_an_article(site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb)

    cleaned = ReadAlsoBlock().clean(read_also_value(article=article.pk))

    assert cleaned["article"].pk == article.pk


def test_read_also_accepts_a_title_and_a_link():
    cleaned = ReadAlsoBlock().clean(
        read_also_value(title="Le rapport complet", url="https://example.org/rapport")
    )

    assert cleaned["url"] == "https://example.org/rapport"


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"url": "https://example.org/rapport"},
    ],
    ids=["nothing", "link-without-title"],
)
def test_read_also_needs_an_article_or_a_title(values):
    # A title alone is valid since issue #14: it waits for its article (related/tests/
    # test_waiting_read_also.py).
    with pytest.raises(blocks.StructBlockValidationError) as error:
        ReadAlsoBlock().clean(read_also_value(**values))

    assert "article" in error.value.block_errors


def test_read_also_to_a_published_article_links_to_it(site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Le sommet d'Alger")

    html = ReadAlsoBlock().render(read_also_value(article=article.pk))

    assert f'href="{article.url}"' in html
    assert "Le sommet d&#x27;Alger" in html


def test_read_also_to_an_unpublished_article_renders_nothing(site_tree):
    draft = ArticlePageFactory(parent=site_tree.maghreb, publish=False, title="Brouillon secret")

    html = ReadAlsoBlock().render(read_also_value(article=draft.pk))

    assert html.strip() == ""


def test_read_also_to_an_unpublished_article_falls_back_to_its_link(site_tree):
    draft = ArticlePageFactory(parent=site_tree.maghreb, publish=False, title="Brouillon secret")

    html = ReadAlsoBlock().render(
        read_also_value(article=draft.pk, title="Le dossier", url="https://example.org/dossier")
    )

    assert 'href="https://example.org/dossier"' in html
    assert "Le dossier" in html
    assert draft.slug not in html


# --- Admin title ------------------------------------------------------------------------


def test_admin_title_flags_demo_content(site_tree):
    demo = ArticlePageFactory(parent=site_tree.maghreb, title="Exemple", is_demo_content=True)
    real = ArticlePageFactory(parent=site_tree.maghreb, title="Reportage")

    assert demo.get_admin_display_title() == "[Démo] Exemple"
    assert real.get_admin_display_title() == "Reportage"


# --- Related articles -------------------------------------------------------------------


def test_dateline_places_without_a_sort_order_come_back_in_the_order_they_were_written(
    site_tree,
):
    """Places written by code have no sort_order; PostgreSQL then returned them in heap
    order, not in the order written ("Paris, Rome" for "(Rome, Paris, …)"). Here the heap
    order (Paris inserted first) and the written order (Rome has the lower key) disagree."""
    page = ArticlePageFactory(parent=site_tree.maghreb, dateline_date=None)
    ArticleDatelinePlace.objects.create(page=page, name="Paris", pk=100_001)
    ArticleDatelinePlace.objects.create(page=page, name="Rome", pk=100_000)
    assert ArticlePage.objects.get(pk=page.pk).dateline_text() == "Rome, Paris"
