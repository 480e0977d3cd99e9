"""Pictures from feeds with their captions and credits (Media RSS, Atom enclosures).

Why the raw XML. feedparser flattens Media RSS per entry: every <media:credit> of an item
lands in one list and nothing says which picture it belongs to. Worse, it reads
<media:description> as if it were the item's own <description>: the caption becomes a
text/plain body part, or the summary with the real description pushed into the content
(issue #14: “Les grues du port” as the article body). Giving feedparser's entry-level credit
and description to the first picture would fix neither, so we do not.

So when a feed uses Media RSS, `read_media` parses it once with the project's safe parser
(`ingest.safe_xml.parse_xml`: no DTD, no entities, no network), notes each item's pictures
with their caption (media:description, else media:title) and credit, removes every
<media:description> from the tree and gives back the tree serialised as UTF-8 for feedparser:
it never sees a caption, so none can become a body or a summary. <media:title> stays: it
never overrides an item's own <title>, and gives one to an item that has none, as
feedparser's own fixtures expect. Media RSS scoping holds: what a <media:content> says
about itself wins over its <media:group>, which wins over the item.

Items are matched to feedparser's entries by order, as both read the same bytes; when the
counts differ (feedparser, unlike XML, takes <Item> for an item), by guid, then by link.

Falls back to feedparser alone, as before, when the feed is ill-formed (the safe parser has
no recovery mode, and a recovered tree could lose entries) or its HTTP charset contradicts
its XML declaration (feedparser decides those as RFC 3023 says). There a picture gets the
entry-level credit only when it is the entry's only picture, and no caption: feedparser
mixed the captions with the text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from typing import Any

from feedparser.mixin import _FeedParserMixin
from lxml import etree

from ingest.exceptions import FormatError
from ingest.safe_xml import parse_xml
from ingest.sanitise import html_to_text
from newsroom.article import Image

# Namespaces feedparser reads as plain RSS/Atom, and the Media RSS ones (with and without the
# trailing slash): the same tables feedparser uses, so both agree on what an item is.
_FEED_NAMESPACES = {uri for uri, prefix in _FeedParserMixin.namespaces.items() if prefix == ""}
_MEDIA_NAMESPACES = {
    uri for uri, prefix in _FeedParserMixin.namespaces.items() if prefix == "media"
}
_MEDIA_MARKER = b"search.yahoo.com/mrss"
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?[^;\"'\s]*[\"']?", re.IGNORECASE)


@dataclass(frozen=True)
class _Said:
    """What one level (content, group, item) says about its pictures."""

    caption: str = ""
    credit: str = ""

    def over(self, *outer: _Said) -> _Said:
        """This level's words, completed by the enclosing levels' for what it leaves out."""
        caption, credit = self.caption, self.credit
        for level in outer:
            caption, credit = caption or level.caption, credit or level.credit
        return _Said(caption, credit)


@dataclass
class RawItem:
    """An item as the raw XML has it: its identity, and its pictures' words by URL."""

    guid: str = ""
    link: str = ""
    pictures: dict[str, _Said] = field(default_factory=dict)

    def add(self, url: str | None, said: _Said) -> None:
        url = (url or "").strip()
        if url:
            self.pictures[url] = self.pictures.get(url, _Said()).over(said)


@dataclass
class MediaReading:
    """The feed for feedparser, without captions, and what its items say about pictures."""

    content: bytes
    content_type: str
    items: list[RawItem]

    def items_for(self, entries: list[Any]) -> list[RawItem | None]:
        if len(entries) == len(self.items):
            return list(self.items)
        by_guid = {item.guid: item for item in reversed(self.items) if item.guid}
        by_link = {item.link: item for item in reversed(self.items) if item.link}
        return [
            by_guid.get((entry.get("id") or "").strip())
            or by_link.get((entry.get("link") or "").strip())
            for entry in entries
        ]


def _name(element: etree._Element) -> tuple[str, str]:
    if not isinstance(element.tag, str):
        return "", ""
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _is_media(element: etree._Element, *localnames: str) -> bool:
    namespace, localname = _name(element)
    return namespace in _MEDIA_NAMESPACES and localname in localnames


def _is_feed(element: etree._Element, *localnames: str) -> bool:
    namespace, localname = _name(element)
    return (namespace in _FEED_NAMESPACES) and localname in localnames


def _one_line(element: etree._Element) -> str:
    """A caption or a title: HTML reduced to text when declared so, white space collapsed."""
    text = "".join(element.itertext())
    if (element.get("type") or "").strip().lower() == "html":
        return html_to_text(text)
    return " ".join(text.split())


def _said(element: etree._Element) -> _Said:
    """The caption (description, else title) and credits one element gives its pictures."""
    children = [child for child in element if _is_media(child, "description", "title")]
    descriptions = [_one_line(child) for child in children if _name(child)[1] == "description"]
    titles = [_one_line(child) for child in children if _name(child)[1] == "title"]
    caption = next((text for text in descriptions + titles if text), "")
    credits: list[str] = []
    for child in element:
        if _is_media(child, "credit"):
            credit = " ".join("".join(child.itertext()).split())
            if credit and credit not in credits:
                credits.append(credit)
    return _Said(caption, ", ".join(credits))


def _media_content(item: RawItem, content: etree._Element, *outer: _Said) -> None:
    said = _said(content).over(*outer)
    item.add(content.get("url"), said)
    for thumbnail in content:
        if _is_media(thumbnail, "thumbnail"):
            item.add(thumbnail.get("url"), said)


def _raw_item(element: etree._Element) -> RawItem:
    item = RawItem()
    own = _said(element)
    for child in element:
        if _is_media(child, "content"):
            _media_content(item, child, own)
        elif _is_media(child, "group"):
            group = _said(child).over(own)
            for member in child:
                if _is_media(member, "content"):
                    _media_content(item, member, group)
                elif _is_media(member, "thumbnail"):
                    item.add(member.get("url"), group)
        elif _is_media(child, "thumbnail") or _is_feed(child, "enclosure"):
            item.add(child.get("url"), own)
        elif _is_feed(child, "link") and child.get("rel") == "enclosure":
            title = " ".join((child.get("title") or "").split())
            item.add(child.get("href"), own.over(_Said(title)))
        elif _is_feed(child, "guid", "id") and not item.guid:
            item.guid = (child.text or "").strip()
        elif _is_feed(child, "link") and child.get("rel") in (None, "alternate") and not item.link:
            item.link = (child.get("href") or child.text or "").strip()
    return item


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _same_encoding(first: str, second: str) -> bool:
    try:
        return codecs.lookup(first).name == codecs.lookup(second).name
    except LookupError:
        return False


def read_media(content: bytes, content_type: str = "") -> MediaReading | None:
    """The feed's pictures and their words, and the feed without captions for feedparser; None
    when it has no Media RSS or the safe parser cannot read it as feedparser would."""
    if _MEDIA_MARKER not in content:
        return None
    try:
        root = parse_xml(content)
    except FormatError:
        return None
    tree = root.getroottree()
    declared = tree.docinfo.encoding or "utf-8"
    charset = _CHARSET.search(content_type)
    if charset:
        told = charset[0].split("=", 1)[1].strip("\"' ")
        if not _same_encoding(told, declared):
            return None
    items = [_raw_item(element) for element in root.iter() if _is_feed(element, "item", "entry")]
    for element in [el for el in root.iter() if _is_media(el, "description")]:
        _remove_keeping_tail(element)
    media_type = _CHARSET.sub("", content_type).strip()
    return MediaReading(
        content=etree.tostring(tree, encoding="utf-8", xml_declaration=True),
        content_type=f"{media_type}; charset=utf-8" if media_type else "",
        items=items,
    )


def _is_image(media: Any) -> bool:
    return media.get("medium") == "image" or (media.get("type") or "").startswith("image/")


def entry_pictures(entry: Any, item: RawItem | None) -> list[Image]:
    """The entry's pictures, as feedparser lists them, with what the raw item says of each.

    Enclosures and image media:content; the thumbnails only when there is neither. URLs are
    as the feed gives them: the article resolves them.
    """
    found = [
        Image(url=link.get("href") or "", caption=" ".join((link.get("title") or "").split()))
        for link in entry.get("enclosures") or []
        if (link.get("type") or "").startswith("image/")
    ]
    found += [
        Image(url=media.get("url") or "")
        for media in entry.get("media_content") or []
        if _is_image(media)
    ]
    if not found:
        found = [Image(url=media.get("url") or "") for media in entry.get("media_thumbnail") or []]
    found = [image for image in found if image.url]
    if item is not None:
        return [_with_words(image, item.pictures.get(image.url.strip())) for image in found]
    credits = [credit.get("content") or "" for credit in entry.get("media_credit") or []]
    credits = [" ".join(credit.split()) for credit in credits if credit.strip()]
    if len(found) == 1 and credits:
        found[0] = replace(found[0], credit=", ".join(dict.fromkeys(credits)))
    return found


def _with_words(image: Image, said: _Said | None) -> Image:
    if said is None:
        return image
    return replace(image, caption=said.caption or image.caption, credit=said.credit)
