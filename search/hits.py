"""One page of search results: each hit's headline, kicker, section, date, link and snippet.

A hit is read as the columns it shows, not as a page object (#15): twenty ArticlePages,
their StreamField bodies turned into blocks to read their text, took longer than ranking
a thousand matches. The body's stored JSON gives the same paragraphs
(`newsroom.blocks.plain_paragraphs_of_data`), and the links come from Wagtail's own URL
methods, which read only a page's `url_path` (`PageLink`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast
from wagtail.models import Site

from newsroom.blocks import plain_paragraphs_of_data
from newsroom.models import ArticlePage, SectionPage
from search.analysis import highlight
from search.results import HitArticle, PageLink, RankedArticle, SearchHit, SearchResults

SNIPPET_WORDS = 30

# What a hit reads of its article (HitArticle) and of its section (PageLink).
HIT_COLUMNS = ("pk", "title", "url_path", "kicker", "standfirst", "first_published_at", "path")
SECTION_COLUMNS = ("path", "pk", "title", "url_path")


def load_hits(results: SearchResults, ranked: Iterable[RankedArticle]) -> list[SearchHit]:
    """The articles of `ranked` (a slice of results.ranked), with highlighted snippets.

    An article unpublished since the search was ranked is left out. Three queries whatever
    the number of hits: the view restrictions, the articles, their sections.
    """
    ranked = list(ranked)
    articles = ArticlePage.objects.published().filter(pk__in=[r.article_id for r in ranked])
    rows = articles.order_by().annotate(stored_body=Cast("body", TextField()))
    by_pk = {row[0]: row for row in rows.values_list(*HIT_COLUMNS, "stored_body")}
    # Every link of the page shares one reading of the sites' root paths (Wagtail reads them
    # once per page object otherwise).
    site_root_paths = Site.get_site_root_paths()
    steplen = ArticlePage.steplen
    section_paths = {row[6][:-steplen] for row in by_pk.values()}
    sections = {
        path: PageLink(pk, title, url_path, site_root_paths)
        for path, pk, title, url_path in SectionPage.objects.filter(
            path__in=section_paths
        ).values_list(*SECTION_COLUMNS)
    }
    terms = results.marked_terms or results.terms
    hits = []
    for item in ranked:
        row = by_pk.get(item.article_id)
        if row is None:
            continue
        pk, title, url_path, kicker, standfirst, published_at, path, stored_body = row
        text = "\n".join([standfirst, *plain_paragraphs_of_data(_blocks(stored_body))])
        hits.append(
            SearchHit(
                article=HitArticle(pk, title, url_path, site_root_paths, kicker, published_at),
                section=sections.get(path[:-steplen]),
                score=item.score,
                tagged=item.tagged,
                title=highlight(title, terms, words=len(title)),
                snippet=highlight(text, terms, words=SNIPPET_WORDS),
            )
        )
    return hits


def _blocks(stored_body: Any) -> list[dict[str, Any]]:
    """The body's blocks from its column: JSON text (a driver may hand it parsed)."""
    if stored_body is None:
        return []
    if isinstance(stored_body, str | bytes):
        return json.loads(stored_body) or []
    return list(stored_body)
