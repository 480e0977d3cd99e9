"""A page of hits read as columns (#15) shows what the pages would: the same links, the
body's paragraphs as the page reads them, escaped HTML, the query's words marked."""

import pytest
from wagtail.models import Site

from newsroom.blocks import plain_paragraphs, plain_paragraphs_of_data
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory
from search.analysis import highlight
from search.hits import SNIPPET_WORDS, load_hits
from search.services import search_articles
from search.tests.conftest import days_ago

pytestmark = pytest.mark.django_db


def test_hits_link_where_their_pages_and_sections_do(newsroom):
    results = search_articles("pétrole")

    hits = load_hits(results, results.ranked)

    assert len(hits) == 2
    for hit in hits:
        page = ArticlePage.objects.get(pk=hit.article.pk)
        section = page.get_parent().specific
        assert hit.article.url == page.url
        assert hit.article.get_full_url() == page.get_full_url()
        assert hit.article.full_url == page.full_url
        assert (hit.section.pk, hit.section.title) == (section.pk, section.title)
        assert hit.section.url == section.url
        assert (hit.article.title, hit.article.kicker) == (page.title, page.kicker)
        assert hit.article.first_published_at == page.first_published_at


def test_a_second_site_gives_full_urls_as_the_pages_do(newsroom):
    """With two sites Wagtail's `url` is absolute: a hit's, built by the same methods, too."""
    Site.objects.create(hostname="autre.example", root_page=newsroom.site_tree.golfe, port=80)
    results = search_articles("pétrole")

    hits = load_hits(results, results.ranked)

    for hit in hits:
        page = ArticlePage.objects.get(pk=hit.article.pk)
        assert hit.article.url == page.url
        assert hit.section.url == page.get_parent().url


def test_the_snippet_is_read_from_the_body_as_the_page_reads_it(site_tree):
    page = ArticlePageFactory(
        parent=site_tree.golfe,
        title="Le pétrole <b>recule</b> & le gaz",
        standfirst="Un chapô sur le pétrole.",
        first_published_at=days_ago(1),
        body__0__paragraph__value="<p>Le <i>pétrole</i> &amp; le gaz.<br/>Deux lignes.</p>"
        "<p>Un second paragraphe sur le brut.</p>",
        body__1__heading__value="Le pétrole en questions",
        body__2__quote__text="Le pétrole <baisse>",
        body__2__quote__speaker="Un ministre",
        body__3__quote__text="Sans personne pour le dire",
    )
    results = search_articles("pétrole")

    (hit,) = load_hits(results, results.ranked)

    page = ArticlePage.objects.get(pk=page.pk)
    text = "\n".join([page.standfirst, *page.body_paragraphs()])
    assert hit.snippet == highlight(text, results.terms, words=SNIPPET_WORDS)
    assert hit.title == highlight(page.title, results.terms, words=len(page.title))
    assert "<b>" not in hit.title and "&lt;b&gt;recule&lt;/b&gt; &amp;" in hit.title
    assert "&lt;baisse&gt;" in hit.snippet and "<baisse>" not in hit.snippet
    assert hit.snippet.count("<mark>pétrole</mark>") >= 2


def test_a_stored_body_gives_the_paragraphs_its_blocks_give(site_tree):
    page = ArticlePageFactory(
        parent=site_tree.golfe,
        body__0__paragraph__value="<p>Un <a href='/x'>lien</a> &eacute;tait là.<br>Puis</p>"
        "<p>fin</p>",
        body__1__heading__value="Un intertitre",
        body__2__quote__text="Une citation",
        body__2__quote__speaker="",
        body__3__read_also__url="https://example.org/",
        body__3__read_also__title="À lire",
        body__4__quote__text="Une autre",
        body__4__quote__speaker="Quelqu'un",
    )
    page = ArticlePage.objects.get(pk=page.pk)

    from_data = plain_paragraphs_of_data(page.body.raw_data)

    assert from_data == plain_paragraphs(page.body)
    assert from_data == [
        "Un lien était là.",
        "Puis",
        "fin",
        "Un intertitre",
        "« Une citation »",
        "« Une autre », Quelqu'un",
    ]
