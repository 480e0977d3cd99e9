"""How an extracted item is written onto an article page: body blocks, credit, dateline.

Shared by ingest's first save, its updates, and an editor applying a held partner update, so
the partner's text lands on the page the same way whichever path writes it. `create_article`
is the one writer of new ArticlePages (issue #13): partner copy, the Wikinews import and the
demo content are all inputs to it, as `ExtractedArticle`s.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page, Revision
from wagtail.rich_text import RichText
from wagtail.signals import page_published, published

from ingest.images import NO_PICTURES, PartnerPictures, store_pictures
from ingest.models import IngestedItem
from ingest.sanitise import safe_url
from newsroom.article import ExtractedArticle, ReadAlso
from newsroom.models import ArticleDatelinePlace, ArticlePage, SectionPage, Source
from newsroom.titles import articles_titled

READ_ALSO_TITLE_MAX_CHARS = 300


def read_also_block(link: ReadAlso) -> dict | None:
    """Link to our own article when we have it (by URL, then title), else to the URL, else
    keep the title alone; None only for a link with neither title nor URL.

    Only http(s) URLs survive: a `javascript:` or `data:` link from a partner page is dropped.
    A title alone ("A lire : …" in pasted text, no article of ours by that name yet) is kept
    as the partner wrote it (issue #14): readers see nothing of it, editors see a link to
    fill, and the related app links it once an article with that title is published.
    """
    article = None
    link = ReadAlso(title=link.title, url=safe_url(link.url), position=link.position)
    if link.url:
        item = IngestedItem.objects.filter(url=link.url).select_related("article").first()
        article = item.article if item else ArticlePage.objects.filter(source_url=link.url).first()
    if article is None and link.title:
        # By the title's key (case, accents, apostrophes aside); a title longer than any
        # page's matches nothing and is never sent to the database (SQLite refuses an
        # unbounded LIKE pattern, "pattern too complex").
        found = articles_titled(link.title)
        article = found[0] if found else None
    if article is not None:
        return {"article": article, "title": "", "url": ""}
    if link.url or link.title:
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
    blocks: list[tuple[str, dict | RichText]] = []
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


def create_article(
    item: ExtractedArticle,
    *,
    section: SectionPage,
    source: Source | None = None,
    publish: bool = False,
    slug: str = "",
    body: list[Any] | None = None,
    pictures: PartnerPictures = NO_PICTURES,
    **page_fields: Any,
) -> tuple[ArticlePage, list[str]]:
    """A new article of `section` holding `item`, saved as a revision and published if asked.

    `slug` defaults to a free one made from the title. `body` replaces the blocks made from
    `item.body` for an input richer than paragraphs (the demo's headings and quotes);
    `pictures` are the item's pictures as `ingest.images.fetch_pictures` downloaded them
    before this transaction: stored here, the first is the lead image. `page_fields` sets
    what an extracted item does not carry (topics, countries, authors, the first publication
    date, the demo flag). Returns the page and what was dropped.
    """
    page = ArticlePage(live=False)
    warnings = fill_page(page, item, source)
    stored = store_pictures(pictures, title=item.title)
    if stored:
        page.lead_image = stored[0]
    if body is not None:
        page.body = body
    page.slug = slug or find_available_slug(section, slugify(item.title)[:80] or "article")
    for name, value in page_fields.items():
        setattr(page, name, value)
    if publish and page.go_live_at is None:
        save_published(page, section)
    else:
        section.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
    return page, warnings


def save_published(page: ArticlePage, section: SectionPage) -> Revision:
    """A new page saved once, already live, with the one revision Wagtail's
    ``save_revision()`` then ``publish()`` would have left: the same page row, revision,
    history (created, then published) and ``page_published`` signal, in one page save.

    Why (issue #15): those two calls save the page twice more (the revision pointer, then the
    revision's copy of the page made live), each save re-writing the page's child rows and
    queueing the search and reference index again: 72 % of an ingested item's time. A new
    page has none of what publishing a revision also handles (comments, aliases, a
    workflow, an earlier live version); one to go live later goes through Wagtail.
    """
    now = timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.expired = False
    page.first_published_at = page.first_published_at or now
    page.last_published_at = now
    section.add_child(instance=page)
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        content=page.serializable_data(),
        object_str=str(page),
    )
    page.latest_revision = page.live_revision = revision
    page.latest_revision_created_at = revision.created_at
    page.draft_title = page.title
    # The revision pointers only: no second save of the page and its child rows.
    Page.objects.filter(pk=page.pk).update(
        latest_revision=revision,
        live_revision=revision,
        latest_revision_created_at=revision.created_at,
        draft_title=page.title,
    )
    # Wagtail's order: the signals, then the history's entry.
    page_published.send(sender=ArticlePage, instance=page, revision=revision)
    published.send(sender=ArticlePage, instance=page, revision=revision)
    log(instance=page, action="wagtail.publish", revision=revision, content_changed=True)
    return revision
