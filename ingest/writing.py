"""How an extracted item is written onto an article page: body blocks, credit, dateline.

Shared by ingest's first save, its updates, and an editor applying a held partner update, so
the partner's text lands on the page the same way whichever path writes it.
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail.rich_text import RichText

from ingest.models import IngestedItem
from ingest.sanitise import safe_url
from newsroom.article import ExtractedArticle, ReadAlso
from newsroom.models import ArticleDatelinePlace, ArticlePage, Source

READ_ALSO_TITLE_MAX_CHARS = 300


def read_also_block(link: ReadAlso) -> dict | None:
    """Link to our own article when we have it (by URL, then title), else to the URL.

    Only http(s) URLs survive: a `javascript:` or `data:` link from a partner page is dropped.
    """
    article = None
    link = ReadAlso(title=link.title, url=safe_url(link.url), position=link.position)
    if link.url:
        item = IngestedItem.objects.filter(url=link.url).select_related("article").first()
        article = item.article if item else ArticlePage.objects.filter(source_url=link.url).first()
    # No page title is longer than 255 characters: a longer partner title cannot match, and
    # an unbounded LIKE pattern is refused by SQLite ("pattern too complex").
    if article is None and link.title and len(link.title) <= 255:
        article = ArticlePage.objects.filter(title__iexact=link.title).first()
    if article is not None:
        return {"article": article, "title": "", "url": ""}
    if link.url:
        return {"article": None, "title": link.title[:READ_ALSO_TITLE_MAX_CHARS], "url": link.url}
    return None


def body_blocks(item: ExtractedArticle, source: Source | None) -> tuple[list, list[str]]:
    warnings = []
    paragraphs = list(item.body)
    links = list(item.read_also)
    if source is not None and source.licence == Source.Licence.EXCERPT and item.source.url:
        # Excerpt-only partners: the opening paragraph and a link to the original.
        paragraphs = paragraphs[:1]
        links = [
            ReadAlso(title=f"Lire l’article complet sur « {source.name} »", url=item.source.url)
        ]
    placed: dict[int, list[dict]] = {}
    for link in links:
        block = read_also_block(link)
        if block is None:
            warnings.append(f"read-also “{link.title}” dropped: no such article and no URL")
            continue
        position = len(paragraphs) if link.position is None else min(link.position, len(paragraphs))
        placed.setdefault(position, []).append(block)
    blocks = []
    for index in range(len(paragraphs) + 1):
        blocks.extend(("read_also", block) for block in placed.get(index, []))
        if index < len(paragraphs):
            blocks.append(("paragraph", RichText(f"<p>{escape(paragraphs[index])}</p>")))
    return blocks, warnings


def fill_page(page: ArticlePage, item: ExtractedArticle, source: Source | None) -> list[str]:
    blocks, warnings = body_blocks(item, source)
    page.title = item.title[:255]
    page.kicker = item.kicker[:200]
    page.standfirst = item.standfirst
    page.body = blocks
    page.source = source
    page.source_author = item.source.author[:200]
    page.source_url = safe_url(item.source.url)[:500]
    page.dateline_date = item.dateline.date if item.dateline else None
    page.dateline_places = [
        ArticleDatelinePlace(name=name[:100])
        for name in (item.dateline.places if item.dateline else ())
    ]
    return warnings
