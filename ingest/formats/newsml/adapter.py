"""NewsML-G2 documents in, one ExtractedArticle per usable newsItem out.

Decisions, each visible to the editor as a warning or an error message:
- a canceled or withheld item (pubStatus stat:canceled / stat:withheld) is skipped: the
  provider has withdrawn it and there is nothing we may publish; alone, it is a FormatError;
- only text items are read: pictures, videos, graphics and packages refer to or illustrate
  other items and are skipped; a document with no newsItem is a FormatError;
- an item with neither headline nor text is an EmptyArticle (skipped when others remain);
- in one newsMessage, several versions of the same guid keep only the highest version.
All parsing goes through `parse_xml`: no DTD, no entity, no network.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from ingest.exceptions import EmptyArticle, FormatError, IngestError
from ingest.language import detect_language
from ingest.safe_xml import parse_xml
from newsroom.article import ExtractedArticle, SourceCredit

from ..base import RawDocument
from .body import Content, read_content, read_images
from .datelines import read_dateline
from .metadata import (
    author_from_byline,
    canonical_url,
    check_usable,
    content_date,
    embargo_warnings,
    first_published,
    item_language,
    outlet_name,
    read_headlines,
    read_subjects,
    read_summary,
    read_version,
)
from .tree import NAR, child, children, local_name, text_of

SNIFF_BYTES = 2048
# The root start tag, after the XML declaration, comments and a DOCTYPE, with or without
# an internal subset (`<!DOCTYPE newsItem [ <!ATTLIST …> ]>`: its `>` are not the end).
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>)\s*)*",
    re.S,
)
_ROOT_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:newsItem|newsMessage|packageItem)[\s>/]")


def _standfirst(
    content_meta: etree._Element | None,
    language: str,
    content: Content,
    sub_headline: str,
    body: list[str],
) -> tuple[str, list[str]]:
    """The summary (contentMeta, else the NITF head), else the body's leading sub-headline,
    else the sub-headline among the headlines. A leading sub-headline that is not used as the
    standfirst goes back to the top of the body rather than being lost."""
    summary = read_summary(content_meta, language) or content.standfirst
    if summary:
        return summary, [content.leading_subhead, *body] if content.leading_subhead else body
    return content.leading_subhead or sub_headline, body


def _extract_item(item: etree._Element) -> ExtractedArticle:
    guid = (item.get("guid") or "").strip()
    check_usable(item, guid)
    content_meta = child(item, "contentMeta")
    declared_language = item_language(item)
    content = read_content(item)
    title, kicker, sub_headline = read_headlines(content_meta, declared_language)
    title = title or content.headline
    published = first_published(item)
    default_year = (content_date(item) or published or datetime.now(UTC)).year
    dateline, body = read_dateline(item, content, default_year)
    standfirst, body = _standfirst(content_meta, declared_language, content, sub_headline, body)
    if not title and not body:
        raise EmptyArticle("The NewsML-G2 item %(guid)s has no headline and no text.", guid=guid)

    warnings: list[str] = []
    if not title:
        warnings.append("no headline")
    if not body:
        warnings.append("no body text: headline only")
    version, version_warnings = read_version(item)
    images, image_warnings = read_images(item, content, declared_language)
    warnings += version_warnings + image_warnings + embargo_warnings(item)

    by = text_of(child(content_meta, "by"))
    byline = by or content.byline
    author = author_from_byline(by) if by else content.author
    author = author or text_of(child(content_meta, "creator", "name"))
    return ExtractedArticle(
        title=title,
        kicker=kicker,
        standfirst=standfirst,
        dateline=dateline,
        body=tuple(body),
        source=SourceCredit(outlet=outlet_name(item), author=author, url=canonical_url(item)),
        language=declared_language or detect_language("\n".join([title, *body])),
        published=published,
        images=images,
        format=NewsMLAdapter.name,
        warnings=tuple(warnings),
        guid=guid,
        version=version,
        byline=byline,
        subjects=read_subjects(content_meta, declared_language),
    )


def _items(root: etree._Element) -> tuple[list[etree._Element], list[str]]:
    """The newsItems of the document, and a note for every other item a message holds."""
    if etree.QName(root).namespace != NAR:
        raise FormatError(
            "Not a NewsML-G2 document: the root element is %(tag)s.", tag=etree.QName(root).text
        )
    kind = local_name(root)
    if kind == "newsItem":
        return [root], []
    if kind == "packageItem":
        raise FormatError(
            "This NewsML-G2 packageItem only refers to other items and holds no text; "
            "send the newsItems it lists."
        )
    if kind != "newsMessage":
        raise FormatError(
            "This NewsML-G2 %(kind)s holds no news item; only newsItem and newsMessage are read.",
            kind=kind,
        )
    news_items, notes = [], []
    for item_set in children(root, "itemSet"):
        for item in item_set:
            if local_name(item) == "newsItem":
                news_items.append(item)
            elif local_name(item):
                notes.append(f"skipped {local_name(item)} {item.get('guid', '')}: not a news item")
    if not news_items:
        raise FormatError("This NewsML-G2 message holds no newsItem in its itemSet.")
    return news_items, notes


def _latest_versions(articles: list[ExtractedArticle]) -> tuple[list[ExtractedArticle], list[str]]:
    """One article per guid, the highest version: a message may carry an item and its update."""
    kept: dict[str, ExtractedArticle] = {}
    order: list[str] = []
    notes: list[str] = []
    for article in articles:
        key = article.guid or f"#{len(order)}"
        previous = kept.get(key)
        if previous is None:
            kept[key] = article
            order.append(key)
            continue
        newer = article if (article.version or 0) >= (previous.version or 0) else previous
        older = previous if newer is article else article
        kept[key] = newer
        notes.append(f"skipped version {older.version} of {key}: version {newer.version} follows")
    return [kept[key] for key in order], notes


class NewsMLAdapter:
    name = "newsml"

    def sniff(self, document: RawDocument) -> bool:
        """A NAR root element (newsItem, newsMessage, packageItem) in the first 2 KB."""
        head = document.content[:SNIFF_BYTES]
        if b"iptc.org/std/nar/" not in head:
            return False
        prolog = _PROLOG.match(head)
        return bool(_ROOT_TAG.match(head, prolog.end() if prolog else 0))

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        """One article per usable newsItem; the reasons others were skipped are added to
        every article's warnings, and the first reason is raised when none is usable."""
        news_items, notes = _items(parse_xml(document.content))
        articles, errors = [], []
        for item in news_items:
            try:
                articles.append(_extract_item(item))
            except IngestError as error:
                errors.append(error)
                notes.append(f"skipped item {item.get('guid', '')}: {error.message}")
        if not articles:
            raise errors[0]
        articles, version_notes = _latest_versions(articles)
        notes += version_notes
        if not notes:
            return articles
        return [article.replace(warnings=(*article.warnings, *notes)) for article in articles]
