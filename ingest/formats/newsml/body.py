"""The item's text and pictures: NITF, XHTML or plain text, whichever the agency sent.

The text comes in one of three shapes, tried in this order: NITF in `inlineXML` (the usual
one), XHTML in `inlineXML`, or plain text in `inlineData`. Image URLs must be absolute
http(s): `javascript:` and `file:` links never reach a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from newsroom.article import Image

from .metadata import CAPTION_ROLE, author_from_byline
from .tree import (
    child,
    children,
    descendants,
    local_name,
    pick_by_language,
    text_of,
    text_without,
    web_url,
)


@dataclass
class Content:
    """What the item's text part holds, whichever shape it came in."""

    paragraphs: list[str] = field(default_factory=list)
    headline: str = ""
    standfirst: str = ""
    leading_subhead: str = ""  # an hl2 before the body's first paragraph
    byline: str = ""
    author: str = ""
    dateline: str = ""
    images: list[tuple[str, str, str]] = field(default_factory=list)  # (url, caption, credit)


def _first(element: etree._Element, name: str) -> etree._Element | None:
    return next(iter(descendants(element, name)), None)


def _nitf_byline(nitf: etree._Element) -> tuple[str, str]:
    """(by-line as printed, author): the author is the `person`, else the by-line without
    its job title (`byttl`) and its “By”."""
    byline = _first(nitf, "byline")
    if byline is None:
        return "", ""
    person = _first(byline, "person")
    author = text_of(person) if person is not None else text_without(byline, "byttl")
    return text_of(byline), author_from_byline(author)


def _nitf_body(content: Content, body: etree._Element) -> None:
    """Paragraphs of `body.content`; an hl2 before the first paragraph reads as a standfirst,
    a later one is an intertitle and stays in the body."""
    for element in descendants(body, "p", "hl2"):
        text = text_of(element)
        if not text:
            continue
        if local_name(element) == "hl2" and not content.paragraphs and not content.leading_subhead:
            content.leading_subhead = text
        else:
            content.paragraphs.append(text)


def _nitf_images(nitf: etree._Element) -> list[tuple[str, str, str]]:
    images = []
    for media in descendants(nitf, "media"):
        if media.get("media-type", "image").lower() != "image":
            continue
        caption = text_of(_first(media, "media-caption"))
        credit = text_of(_first(media, "media-producer"))
        for reference in descendants(media, "media-reference"):
            images.append((reference.get("source", ""), caption, credit))
    return images


def read_nitf(nitf: etree._Element) -> Content:
    """NITF: headline and standfirst from the head (hedline, abstract), then the body.

    Public: a standalone NITF file (`ingest.formats.nitf`) is read by the same reader."""
    head_standfirsts = [
        text_of(element)
        for element in descendants(nitf, "hl2", "abstract")
        if not any(local_name(parent) == "body.content" for parent in element.iterancestors())
    ]
    byline, author = _nitf_byline(nitf)
    content = Content(
        headline=text_of(_first(nitf, "hl1")),
        standfirst=next((text for text in head_standfirsts if text), ""),
        byline=byline,
        author=author,
        dateline=text_of(_first(nitf, "dateline")),
        images=_nitf_images(nitf),
    )
    for body in descendants(nitf, "body.content"):
        _nitf_body(content, body)
    return content


def _read_xhtml(root: etree._Element) -> Content:
    content = Content(headline=text_of(_first(root, "h1")))
    content.paragraphs = [text for text in map(text_of, descendants(root, "p")) if text]
    for image in descendants(root, "img"):
        content.images.append((image.get("src", ""), image.get("alt", ""), ""))
    return content


def _html_paragraphs(markup: str) -> tuple[list[str], str]:
    """The `p` texts of escaped HTML, and all its text for when it has no `p`."""
    try:
        fragments = lxml.html.fragments_fromstring(markup)
    except (etree.ParserError, ValueError):
        return [], markup
    paragraphs, texts = [], []
    for fragment in fragments:
        if isinstance(fragment, str):
            texts.append(fragment)
            continue
        texts.append(fragment.text_content())
        paragraphs += [" ".join(node.text_content().split()) for node in fragment.iter("p")]
    return [paragraph for paragraph in paragraphs if paragraph], "\n\n".join(texts)


def _read_inline_data(element: etree._Element) -> Content:
    """Plain text split on blank lines; escaped HTML is read for its paragraphs."""
    text = element.text or ""
    if "html" in element.get("contenttype", "").lower() and text.strip():
        paragraphs, text = _html_paragraphs(text)
        if paragraphs:
            return Content(paragraphs=paragraphs)
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return Content(paragraphs=[block for block in blocks if block])


def read_content(item: etree._Element) -> Content:
    """The first text rendition that has paragraphs, NITF before XHTML before plain text;
    what it lacks (hedline, byline, dateline) is taken from the other renditions."""
    content_set = child(item, "contentSet")
    renditions: list[Content] = []
    for inline in children(content_set, "inlineXML"):
        for root in inline:
            if local_name(root) == "nitf":
                renditions.append(read_nitf(root))
            elif local_name(root) in {"html", "body", "div", "article"}:
                renditions.append(_read_xhtml(root))
    for inline in children(content_set, "inlineData"):
        renditions.append(_read_inline_data(inline))
    if not renditions:
        return Content()
    chosen = next((content for content in renditions if content.paragraphs), renditions[0])
    for name in ("headline", "standfirst", "byline", "author", "dateline"):
        if not getattr(chosen, name):
            filled = next((getattr(c, name) for c in renditions if getattr(c, name)), "")
            setattr(chosen, name, filled)
    return chosen


def read_images(
    item: etree._Element, content: Content, language: str
) -> tuple[tuple[Image, ...], list[str]]:
    """Remote image renditions and NITF media, absolute http(s) URLs only."""
    content_meta = child(item, "contentMeta")
    captions = [
        element
        for element in children(content_meta, "description")
        if CAPTION_ROLE.search(element.get("role", ""))
    ]
    item_caption = text_of(pick_by_language(captions, language))
    item_credit = text_of(child(content_meta, "creditline"))
    candidates = list(content.images)
    for remote in children(child(item, "contentSet"), "remoteContent"):
        if remote.get("contenttype", "").lower().startswith("image/"):
            caption = text_of(child(remote, "description")) or item_caption
            candidates.append((remote.get("href", ""), caption, item_credit))
    images, warnings = [], []
    for url, caption, credit in candidates:
        if not web_url(url):
            warnings.append(f"image dropped: not an http(s) URL: {url.strip()[:60]}")
            continue
        image = Image(url=url.strip(), caption=caption, credit=credit)
        if image not in images:
            images.append(image)
    return tuple(images), warnings
