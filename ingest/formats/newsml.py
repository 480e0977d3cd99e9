"""IPTC NewsML-G2: agency copy (AFP, Reuters, AP…) as one ExtractedArticle per newsItem.

NewsML-G2 carries structured metadata, so we read it instead of guessing from the text: the
item's guid and version (a later version replaces the earlier article), headlines with their
roles, the by-line, the place it was filed (`located`, `dateline`), and subjects with IPTC
Media Topic qcodes that enrichment maps to our topics. The text itself comes in one of three
shapes, tried in this order: NITF in `inlineXML` (the usual one), XHTML in `inlineXML`, or
plain text in `inlineData`.

Decisions, each visible to the editor as a warning or an error message:
- a canceled or withheld item (pubStatus stat:canceled / stat:withheld) is skipped: the
  provider has withdrawn it and there is nothing we may publish; alone, it is a FormatError;
- only text items are read: pictures, videos, graphics and packages refer to or illustrate
  other items and are skipped; a document with no newsItem is a FormatError;
- an item with neither headline nor text is an EmptyArticle (skipped when others remain);
- in one newsMessage, several versions of the same guid keep only the highest version;
- image URLs must be absolute http(s): `javascript:` and `file:` links never reach a page.
All parsing goes through `parse_xml`: no DTD, no entity, no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from ingest.dateline import ParsedDateline, parse_french_date, split_dateline
from ingest.exceptions import EmptyArticle, FormatError, IngestError
from ingest.language import detect_language
from ingest.safe_xml import parse_xml
from newsroom.article import Dateline, ExtractedArticle, Image, SourceCredit

from .base import RawDocument, aware_datetime

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SNIFF_BYTES = 2048
MAX_PLACE_WORDS = 6

# The root start tag, after the XML declaration, comments and a DOCTYPE, with or without
# an internal subset (`<!DOCTYPE newsItem [ <!ATTLIST …> ]>`: its `>` are not the end).
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>)\s*)*",
    re.S,
)
_ROOT_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:newsItem|newsMessage|packageItem)[\s>/]")

WITHDRAWN_STATUSES = {"canceled", "cancelled", "withheld"}
TEXT_ITEM_CLASSES = {"", "text", "composite"}
_KICKER_ROLE = re.compile(r"kicker|overline|surtitre|sur-titre", re.IGNORECASE)
_SUB_ROLE = re.compile(r"sub|deck|chapo|chapeau", re.IGNORECASE)
_CAPTION_ROLE = re.compile(r"caption|legend|légende", re.IGNORECASE)
_BY_PREFIX = re.compile(r"^\s*(?:by|par)\s+", re.IGNORECASE)

_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_EN_DATE = re.compile(r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?$")
# US/UK agency datelines opening the first paragraph: “(New York, NY - October 21) …” and
# “WASHINGTON, Oct. 21 (Reuters) - …”. French forms are `split_dateline`'s job.
_EN_BRACKETED = re.compile(
    r"^\((?P<place>[^()]{2,60}?)\s+[-–—]\s+(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)\)"
    r"\s*(?:[-–—]+\s+)?"
)
_EN_LEADING = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,20})?),\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)\s*(?:\([A-Za-z ]{2,20}\))?\s*[-–—]+\s+"
)


# Small readers over the NAR tree ------------------------------------------------------------
def _nar(name: str) -> str:
    return f"{{{NAR}}}{name}"


def _child(parent: etree._Element | None, *path: str) -> etree._Element | None:
    """The first element at `path` (NAR names) under `parent`, or None."""
    for name in path:
        if parent is None:
            return None
        parent = parent.find(_nar(name))
    return parent


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else parent.findall(_nar(name))


def _local(element: etree._Element) -> str:
    """The tag without namespace: NITF and XHTML arrive namespaced, bare, or in NAR's
    default namespace (a `<nitf>` without xmlns inherits it), so content is matched by it."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _descendants(element: etree._Element, *names: str) -> list[etree._Element]:
    return [node for node in element.iter() if _local(node) in names]


def _text(element: etree._Element | None) -> str:
    """Visible text with whitespace collapsed: agency XML is indented inside the text."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def _text_without(element: etree._Element, skipped: str) -> str:
    """Like `_text`, leaving out `skipped` children (but keeping the text that follows them)."""
    parts = [element.text or ""]
    for node in element:
        if _local(node) != skipped:
            parts.append(_text_without(node, skipped))
        parts.append(node.tail or "")
    return " ".join("".join(parts).split())


def _qcode_value(qcode: str) -> str:
    """“stat:canceled” → “canceled”, “ninat:text” → “text”."""
    return qcode.rpartition(":")[2].strip().lower()


def _short_language(tag: str | None) -> str:
    """“en-GB” → “en”, “FR” → “fr”; "" for anything that is not a language tag."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else ""


def _lang_of(element: etree._Element) -> str:
    return _short_language(element.get(XML_LANG))


def _pick_by_language(elements: list[etree._Element], language: str) -> etree._Element | None:
    """The element in `language`, else one with no declared language, else the first."""
    for wanted in (language, ""):
        for element in elements:
            if _lang_of(element) == wanted and _text(element):
                return element
    return next((element for element in elements if _text(element)), None)


def _web_url(value: str | None) -> str:
    """`value` if it is an absolute http(s) URL, else "" (javascript:, data:, file:, relative)."""
    value = (value or "").strip()
    parts = urlsplit(value)
    return value if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""


# Metadata -----------------------------------------------------------------------------------
def _language(item: etree._Element) -> str:
    """contentMeta/language (the text's own language), else xml:lang on the item or the
    message that holds it; "" when neither says."""
    for element in _children(_child(item, "contentMeta"), "language"):
        if _short_language(element.get("tag")):
            return _short_language(element.get("tag"))
    for element in (item, *item.iterancestors()):
        if _lang_of(element):
            return _lang_of(element)
    return ""


def _headlines(content_meta: etree._Element | None, language: str) -> tuple[str, str, str]:
    """(title, kicker, sub-headline) from the headlines' roles.

    A kicker (surtitre) sits above the headline; a sub-headline sits below it and reads as a
    standfirst, so it is only used as one when the item has no summary.
    """
    headlines = _children(content_meta, "headline")
    kickers = [h for h in headlines if _KICKER_ROLE.search(h.get("role", ""))]
    subs = [h for h in headlines if h not in kickers and _SUB_ROLE.search(h.get("role", ""))]
    mains = [h for h in headlines if h not in kickers and h not in subs]
    return tuple(_text(_pick_by_language(group, language)) for group in (mains, kickers, subs))


def _summary(content_meta: etree._Element | None, language: str) -> str:
    """contentMeta/description with a summary role (or none): captions are not summaries."""
    descriptions = [
        element
        for element in _children(content_meta, "description")
        if not _CAPTION_ROLE.search(element.get("role", ""))
    ]
    return _text(_pick_by_language(descriptions, language))


def _author_from_byline(byline: str) -> str:
    """“By Meredith Jameson,” → “Meredith Jameson”: the credit without its “By”/“Par”."""
    return _BY_PREFIX.sub("", byline).strip(" ,;.-–—")


def _outlet(item: etree._Element) -> str:
    """The provider's name, else the copyright holder's, else the provider's qcode code."""
    provider = _child(item, "itemMeta", "provider")
    holder = _child(item, "rightsInfo", "copyrightHolder")
    for element in (provider, holder):
        name = _text(_child(element, "name"))
        if name:
            return name
    if provider is not None and provider.get("qcode"):
        return provider.get("qcode").rpartition(":")[2].strip()
    return ""


def _canonical_url(item: etree._Element) -> str:
    for link in _children(_child(item, "itemMeta"), "link"):
        if link.get("rel", "").rpartition(":")[2].lower() == "canonical":
            url = _web_url(link.get("href"))
            if url:
                return url
    return ""


def _subjects(content_meta: etree._Element | None, language: str) -> tuple[str, ...]:
    """Subject names (French first, else the item's language) then their qcodes.

    The qcodes (“medtop:20000523”) are kept as strings so enrichment can map IPTC Media
    Topics to our topics whatever language the names are in.
    """
    names, qcodes = [], []
    for subject in _children(content_meta, "subject"):
        labels = _children(subject, "name")
        french = [label for label in labels if _lang_of(label) == "fr"]
        name = _text(_pick_by_language(french or labels, language))
        if name and name not in names:
            names.append(name)
        qcode = (subject.get("qcode") or "").strip()
        if qcode and qcode not in qcodes:
            qcodes.append(qcode)
    return (*names, *qcodes)


def _published(item: etree._Element) -> datetime | None:
    for path in (
        ("itemMeta", "firstCreated"),
        ("contentMeta", "contentCreated"),
        ("itemMeta", "versionCreated"),
    ):
        value = aware_datetime(_text(_child(item, *path)))
        if value is not None:
            return value
    return None


def _content_date(item: etree._Element) -> date | None:
    """The day the content was created, in its own offset: the date a dateline prints."""
    for path in (("contentMeta", "contentCreated"), ("itemMeta", "firstCreated")):
        value = aware_datetime(_text(_child(item, *path)))
        if value is not None:
            return value.date()
    return None


# Datelines ----------------------------------------------------------------------------------
def _english_date(text: str, default_year: int | None) -> date | None:
    """“October 21”, “Oct. 21, 2016” → a date (None if not one)."""
    match = _EN_DATE.match(text.strip().rstrip("."))
    if not match or match["month"].lower() not in _EN_MONTHS:
        return None
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        return None
    try:
        return date(year, _EN_MONTHS[match["month"].lower()], int(match["day"]))
    except ValueError:
        return None


def _any_date(text: str, default_year: int | None) -> date | None:
    return parse_french_date(text, default_year=default_year) or _english_date(text, default_year)


def _place(raw: str) -> str:
    """“NEW YORK” → “New York”; a place written in mixed case is kept as written."""
    raw = raw.strip(" ,.-–—")
    return raw.title() if raw.isupper() and len(raw) > 3 else raw


def _dateline_from_element(text: str, default_year: int | None) -> ParsedDateline | None:
    """A standalone dateline (“BEYROUTH, 12 mars”, “WASHINGTON, Oct. 21”, “New York, NY”).

    French forms go through `split_dateline` (given the dash it expects after a dateline);
    otherwise the last comma-separated part is the date if it reads as one, and the rest is
    one place as written: “New York, NY” names one city, not two.
    """
    text = text.strip(" -–—")
    if not text:
        return None
    parsed, _ = split_dateline(f"{text} – ", default_year=default_year)
    if parsed is not None:
        return parsed
    head, comma, tail = text.rpartition(",")
    when = _any_date(tail, default_year) if comma else None
    place = _place(head if when else text)
    if len(place.split()) > MAX_PLACE_WORDS:
        place = ""  # a sentence, not a place name
    return ParsedDateline(places=(place,) if place else (), date=when)


def _dateline_from_paragraph(
    paragraph: str, default_year: int | None
) -> tuple[ParsedDateline | None, str]:
    """The dateline opening the first paragraph, French or English form, and the rest."""
    parsed, rest = split_dateline(paragraph, default_year=default_year)
    if parsed is not None:
        return parsed, rest
    for pattern in (_EN_BRACKETED, _EN_LEADING):
        match = pattern.match(paragraph)
        when = _english_date(match["date"], default_year) if match else None
        if when is not None:
            dateline = ParsedDateline(places=(_place(match["place"]),), date=when)
            return dateline, paragraph[match.end() :].lstrip()
    return None, paragraph


# Content: NITF, XHTML, plain text -------------------------------------------------------------
@dataclass
class _Content:
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
    return next(iter(_descendants(element, name)), None)


def _nitf_byline(nitf: etree._Element) -> tuple[str, str]:
    """(by-line as printed, author): the author is the `person`, else the by-line without
    its job title (`byttl`) and its “By”."""
    byline = _first(nitf, "byline")
    if byline is None:
        return "", ""
    person = _first(byline, "person")
    author = _text(person) if person is not None else _text_without(byline, "byttl")
    return _text(byline), _author_from_byline(author)


def _nitf_body(content: _Content, body: etree._Element) -> None:
    """Paragraphs of `body.content`; an hl2 before the first paragraph reads as a standfirst,
    a later one is an intertitle and stays in the body."""
    for element in _descendants(body, "p", "hl2"):
        text = _text(element)
        if not text:
            continue
        if _local(element) == "hl2" and not content.paragraphs and not content.leading_subhead:
            content.leading_subhead = text
        else:
            content.paragraphs.append(text)


def _nitf_images(nitf: etree._Element) -> list[tuple[str, str, str]]:
    images = []
    for media in _descendants(nitf, "media"):
        if media.get("media-type", "image").lower() != "image":
            continue
        caption = _text(_first(media, "media-caption"))
        credit = _text(_first(media, "media-producer"))
        for reference in _descendants(media, "media-reference"):
            images.append((reference.get("source", ""), caption, credit))
    return images


def _read_nitf(nitf: etree._Element) -> _Content:
    """NITF: headline and standfirst from the head (hedline, abstract), then the body."""
    head_standfirsts = [
        _text(element)
        for element in _descendants(nitf, "hl2", "abstract")
        if not any(_local(parent) == "body.content" for parent in element.iterancestors())
    ]
    byline, author = _nitf_byline(nitf)
    content = _Content(
        headline=_text(_first(nitf, "hl1")),
        standfirst=next((text for text in head_standfirsts if text), ""),
        byline=byline,
        author=author,
        dateline=_text(_first(nitf, "dateline")),
        images=_nitf_images(nitf),
    )
    for body in _descendants(nitf, "body.content"):
        _nitf_body(content, body)
    return content


def _read_xhtml(root: etree._Element) -> _Content:
    content = _Content(headline=_text(_first(root, "h1")))
    content.paragraphs = [text for text in map(_text, _descendants(root, "p")) if text]
    for image in _descendants(root, "img"):
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


def _read_inline_data(element: etree._Element) -> _Content:
    """Plain text split on blank lines; escaped HTML is read for its paragraphs."""
    text = element.text or ""
    if "html" in element.get("contenttype", "").lower() and text.strip():
        paragraphs, text = _html_paragraphs(text)
        if paragraphs:
            return _Content(paragraphs=paragraphs)
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return _Content(paragraphs=[block for block in blocks if block])


def _read_content(item: etree._Element) -> _Content:
    """The first text rendition that has paragraphs, NITF before XHTML before plain text;
    what it lacks (hedline, byline, dateline) is taken from the other renditions."""
    content_set = _child(item, "contentSet")
    renditions: list[_Content] = []
    for inline in _children(content_set, "inlineXML"):
        for root in inline:
            if _local(root) == "nitf":
                renditions.append(_read_nitf(root))
            elif _local(root) in {"html", "body", "div", "article"}:
                renditions.append(_read_xhtml(root))
    for inline in _children(content_set, "inlineData"):
        renditions.append(_read_inline_data(inline))
    if not renditions:
        return _Content()
    chosen = next((content for content in renditions if content.paragraphs), renditions[0])
    for name in ("headline", "standfirst", "byline", "author", "dateline"):
        if not getattr(chosen, name):
            filled = next((getattr(c, name) for c in renditions if getattr(c, name)), "")
            setattr(chosen, name, filled)
    return chosen


def _images(
    item: etree._Element, content: _Content, language: str
) -> tuple[tuple[Image, ...], list[str]]:
    """Remote image renditions and NITF media, absolute http(s) URLs only."""
    content_meta = _child(item, "contentMeta")
    captions = [
        element
        for element in _children(content_meta, "description")
        if _CAPTION_ROLE.search(element.get("role", ""))
    ]
    item_caption = _text(_pick_by_language(captions, language))
    item_credit = _text(_child(content_meta, "creditline"))
    candidates = list(content.images)
    for remote in _children(_child(item, "contentSet"), "remoteContent"):
        if remote.get("contenttype", "").lower().startswith("image/"):
            caption = _text(_child(remote, "description")) or item_caption
            candidates.append((remote.get("href", ""), caption, item_credit))
    images, warnings = [], []
    for url, caption, credit in candidates:
        if not _web_url(url):
            warnings.append(f"image dropped: not an http(s) URL: {url.strip()[:60]}")
            continue
        image = Image(url=url.strip(), caption=caption, credit=credit)
        if image not in images:
            images.append(image)
    return tuple(images), warnings


# Items --------------------------------------------------------------------------------------
def _check_usable(item: etree._Element, guid: str) -> None:
    """Raise FormatError for an item the provider withdrew or that is not text."""
    item_meta = _child(item, "itemMeta")
    pub_status = _child(item_meta, "pubStatus")
    status = _qcode_value(pub_status.get("qcode", "")) if pub_status is not None else ""
    if status in WITHDRAWN_STATUSES:
        raise FormatError(
            "The NewsML-G2 item %(guid)s is %(status)s by its provider: nothing to publish.",
            guid=guid,
            status=status,
        )
    item_class = _child(item_meta, "itemClass")
    kind = _qcode_value(item_class.get("qcode", "")) if item_class is not None else ""
    if kind not in TEXT_ITEM_CLASSES:
        raise FormatError(
            "The NewsML-G2 item %(guid)s is a %(kind)s item, not text.", guid=guid, kind=kind
        )


def _version(item: etree._Element) -> tuple[int | None, list[str]]:
    raw = (item.get("version") or "").strip()
    if not raw:
        return None, []
    if raw.isdigit():
        return int(raw), []
    return None, [f"version ignored: not a whole number: {raw[:20]}"]


def _embargo_warning(item: etree._Element) -> list[str]:
    embargo = aware_datetime(_text(_child(item, "itemMeta", "embargoed")))
    if embargo is not None and embargo > datetime.now(UTC):
        return [f"embargoed until {embargo.isoformat()}: do not publish before"]
    return []


def _dateline(
    item: etree._Element, content: _Content, default_year: int | None
) -> tuple[Dateline | None, list[str]]:
    """The dateline, and the paragraphs without a dateline that opened the first one.

    Places come from the dateline text, else the first paragraph, else contentMeta/located;
    the date from the same text, else the day the content was created.
    """
    content_meta = _child(item, "contentMeta")
    text = _text(_child(content_meta, "dateline")) or content.dateline
    parsed = _dateline_from_element(text, default_year) if text else None
    paragraphs = list(content.paragraphs)
    if paragraphs:
        opening, rest = _dateline_from_paragraph(paragraphs[0], default_year)
        if opening is not None and rest:
            paragraphs[0] = rest
            parsed = parsed or opening
    places = parsed.places if parsed else ()
    if not places:
        located = _text(_child(content_meta, "located", "name"))
        places = (located,) if located else ()
    if not places:
        return None, paragraphs
    when = (parsed.date if parsed else None) or _content_date(item)
    return Dateline(places=places, date=when), paragraphs


def _standfirst(
    content_meta: etree._Element | None,
    language: str,
    content: _Content,
    sub_headline: str,
    body: list[str],
) -> tuple[str, list[str]]:
    """The summary (contentMeta, else the NITF head), else the body's leading sub-headline,
    else the sub-headline among the headlines. A leading sub-headline that is not used as the
    standfirst goes back to the top of the body rather than being lost."""
    summary = _summary(content_meta, language) or content.standfirst
    if summary:
        return summary, [content.leading_subhead, *body] if content.leading_subhead else body
    return content.leading_subhead or sub_headline, body


def _extract_item(item: etree._Element) -> ExtractedArticle:
    guid = (item.get("guid") or "").strip()
    _check_usable(item, guid)
    content_meta = _child(item, "contentMeta")
    declared_language = _language(item)
    content = _read_content(item)
    title, kicker, sub_headline = _headlines(content_meta, declared_language)
    title = title or content.headline
    published = _published(item)
    default_year = (_content_date(item) or published or datetime.now(UTC)).year
    dateline, body = _dateline(item, content, default_year)
    standfirst, body = _standfirst(content_meta, declared_language, content, sub_headline, body)
    if not title and not body:
        raise EmptyArticle("The NewsML-G2 item %(guid)s has no headline and no text.", guid=guid)

    warnings: list[str] = []
    if not title:
        warnings.append("no headline")
    if not body:
        warnings.append("no body text: headline only")
    version, version_warnings = _version(item)
    images, image_warnings = _images(item, content, declared_language)
    warnings += version_warnings + image_warnings + _embargo_warning(item)

    by = _text(_child(content_meta, "by"))
    byline = by or content.byline
    author = _author_from_byline(by) if by else content.author
    author = author or _text(_child(content_meta, "creator", "name"))
    return ExtractedArticle(
        title=title,
        kicker=kicker,
        standfirst=standfirst,
        dateline=dateline,
        body=tuple(body),
        source=SourceCredit(outlet=_outlet(item), author=author, url=_canonical_url(item)),
        language=declared_language or detect_language("\n".join([title, *body])),
        published=published,
        images=images,
        format=NewsMLAdapter.name,
        warnings=tuple(warnings),
        guid=guid,
        version=version,
        byline=byline,
        subjects=_subjects(content_meta, declared_language),
    )


def _items(root: etree._Element) -> tuple[list[etree._Element], list[str]]:
    """The newsItems of the document, and a note for every other item a message holds."""
    if etree.QName(root).namespace != NAR:
        raise FormatError(
            "Not a NewsML-G2 document: the root element is %(tag)s.", tag=etree.QName(root).text
        )
    kind = _local(root)
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
    for item_set in _children(root, "itemSet"):
        for item in item_set:
            if _local(item) == "newsItem":
                news_items.append(item)
            elif _local(item):
                notes.append(f"skipped {_local(item)} {item.get('guid', '')}: not a news item")
    if not news_items:
        raise FormatError("This NewsML-G2 message holds no newsItem in its itemSet.")
    return news_items, notes


def _latest_versions(articles: list[ExtractedArticle]) -> tuple[list[ExtractedArticle], list[str]]:
    """One article per guid, the highest version: a message may carry an item and its update."""
    kept: dict[str, ExtractedArticle] = {}
    order, notes = [], []
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
