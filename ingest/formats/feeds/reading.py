"""Feed-level reading: RSS, Atom and RDF through feedparser, JSON Feed through json, each
into the same `Feed` of `Entry`s.

Safety first. XML feeds pass `ensure_safe_xml` (no entity declarations, no XInclude, size
caps) before feedparser sees a byte, and feedparser gets them wrapped in a stream: handed
bare bytes, it would take a feed that is just a path or a URL for a file to open or an
address to fetch. feedparser's own HTML sanitiser and relative-URI rewriting are switched
off: the HTML is reduced to plain text by `ingest.sanitise`, and every URL we keep goes
through `safe_url`, so there is a single allowlist to trust. `parse_feed_bytes` is that
path, shared with `bench/feed_fixtures.py`, which runs feedparser's fixture suite through it.

JSON Feed (1.0 and 1.1) is read with the json module: feedparser does not know it.
"""

from __future__ import annotations

import email.utils
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from ingest.exceptions import FormatError, MalformedFeed
from ingest.safe_xml import MAX_XML_BYTES, ensure_safe_xml
from ingest.sanitise import html_to_paragraphs, html_to_text, text_to_paragraphs
from newsroom.article import Image

from ..base import RawDocument
from .media import RawItem, entry_pictures, read_media

# The options every XML feed is parsed with; the fixture benchmark uses the same.
FEEDPARSER_OPTIONS = {"sanitize_html": False, "resolve_relative_uris": False}


# Entries and feeds, whatever the format ------------------------------------------------------
@dataclass(frozen=True)
class _Text:
    """A piece of entry text and whether it is HTML (most) or declared plain text."""

    value: str = ""
    is_html: bool = True

    def paragraphs(self) -> list[str]:
        if self.is_html:
            return html_to_paragraphs(self.value)
        return text_to_paragraphs(self.value)


@dataclass
class Entry:
    """One entry, whatever the feed format: what an article is built from."""

    title: str = ""
    guid: str = ""
    link: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)  # URLs as the feed gives them
    content: _Text = field(default_factory=_Text)
    summary: _Text = field(default_factory=_Text)
    language: str = ""


@dataclass
class Feed:
    """A feed's own title, link and language, and its entries."""

    title: str = ""
    link: str = ""
    language: str = ""
    entries: list[Entry] = field(default_factory=list)
    problem: str = ""  # why the feed is ill-formed, when it is
    recognised: bool = True


def _is_html_type(detail: Any) -> bool:
    mime = (detail or {}).get("type") or "text/html"
    return "html" in mime or "xml" in mime


def _plain(value: str, detail: Any = None) -> str:
    """A one-line field (title, name) as plain text, whether it came as HTML or as text."""
    if not value:
        return ""
    if _is_html_type(detail):
        return html_to_text(value)
    return " ".join(value.split())


def _language_code(value: object) -> str:
    """“fr-FR”, “FR”, “fr_fr” → “fr”: articles carry the primary language subtag."""
    if not isinstance(value, str):
        return ""
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _struct_time_to_datetime(value: Any) -> datetime | None:
    """feedparser's parsed dates are UTC struct_times."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _author_name(detail: Any) -> str:
    name = " ".join(((detail or {}).get("name") or "").split())
    return "" if "@" in name and " " not in name else name  # a bare e-mail is no byline


def without_repeats(values: Iterable[str]) -> list[str]:
    """The non-empty values, each once, in the order first seen."""
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


# RSS, Atom, RDF ------------------------------------------------------------------------------
# feedparser looks for an e-mail address in every RSS by-line with a regular expression that
# takes quadratic time: a 60 KB <author> held a worker for about 15 s, 2 MB (the token cap)
# would hold it for hours. No by-line is longer than this; the rest of a longer one is cut
# before feedparser reads it (issue #12, found by the hostile-input suite).
MAX_BYLINE_BYTES = 1000
_BYLINE_TEXT = re.compile(
    rb"(<(?:[\w.-]+:)?(?:author|creator|managingEditor|webMaster|publisher|name|email)\b[^>]*>"
    rb"\s*(?:<!\[CDATA\[)?)([^<\]]{%d,})" % (MAX_BYLINE_BYTES + 1),
    re.IGNORECASE,
)


def _shortened(match: re.Match) -> bytes:
    text = match[2][:MAX_BYLINE_BYTES]
    while text and 0x80 <= text[-1] <= 0xBF:  # never half a UTF-8 character
        text = text[:-1]
    text = text[:-1] if text and text[-1] >= 0xC0 else text
    return match[1] + re.sub(rb"&[^;]*$", b"", text)  # nor half an entity reference


def _shorten_bylines(content: bytes) -> bytes:
    return _BYLINE_TEXT.sub(_shortened, content)


def parse_feed_bytes(content: bytes, content_type: str = "") -> feedparser.FeedParserDict:
    """feedparser's reading of an XML feed, after our hardening; UnsafeXML/XMLTooLarge else.

    `content_type` is the HTTP Content-Type, when there was one: its charset takes part in
    decoding as RFC 3023 says, and feedparser falls back on the XML declaration (flagging
    the feed bozo) when the header lies.
    """
    # Refuses entity tricks, oversize input and encodings it cannot read (FormatError).
    ensure_safe_xml(content)
    return _feedparser(_shorten_bylines(content), content_type)


def _feedparser(content: bytes, content_type: str) -> feedparser.FeedParserDict:
    """feedparser on bytes that already passed `ensure_safe_xml` (or came out of lxml)."""
    headers = {"content-type": content_type} if content_type else {}
    return feedparser.parse(io.BytesIO(content), response_headers=headers, **FEEDPARSER_OPTIONS)


def _entry_from_feedparser(entry: Any, item: RawItem | None = None) -> Entry:
    contents = entry.get("content") or []
    # Prefer an HTML body, and the longest when there are several (Atom allows only one,
    # RSS may carry content:encoded alongside xhtml:body).
    best = max(
        contents, key=lambda part: (_is_html_type(part), len(part.get("value") or "")), default=None
    )
    content = _Text(best.get("value") or "", _is_html_type(best)) if best else _Text()
    summary_detail = entry.get("summary_detail")
    summary = _Text(entry.get("summary") or "", _is_html_type(summary_detail))

    authors = [_author_name(author) for author in entry.get("authors") or []]
    if not any(authors) and entry.get("author"):
        authors = [_author_name({"name": entry.get("author")})]

    detail_language = next(
        (
            part.get("language")
            for part in (best, summary_detail, entry.get("title_detail"))
            if part and part.get("language")
        ),
        "",
    )
    return Entry(
        title=_plain(entry.get("title") or "", entry.get("title_detail")),
        guid=(entry.get("id") or "").strip(),
        link=(entry.get("link") or "").strip(),
        authors=without_repeats(authors),
        published=_struct_time_to_datetime(
            entry.get("published_parsed") or entry.get("updated_parsed")
        ),
        tags=without_repeats(
            " ".join((tag.get("term") or tag.get("label") or "").split())
            for tag in entry.get("tags") or []
        ),
        images=entry_pictures(entry, item),
        content=content,
        summary=summary,
        language=_language_code(detail_language),
    )


def read_xml_feed(document: RawDocument) -> Feed:
    """The feed as feedparser reads it; with Media RSS, without the media:description
    captions, which are kept for the pictures instead (see `media`)."""
    ensure_safe_xml(document.content)
    content = _shorten_bylines(document.content)
    media = read_media(content, document.content_type)
    if media is None:
        parsed = _feedparser(content, document.content_type)
    else:
        parsed = _feedparser(media.content, media.content_type)
    entries = parsed.get("entries") or []
    items = media.items_for(entries) if media else [None] * len(entries)
    channel = parsed.get("feed") or {}
    problem = ""
    if parsed.get("bozo"):
        problem = str(parsed.get("bozo_exception") or "ill-formed feed")
    return Feed(
        title=_plain(channel.get("title") or "", channel.get("title_detail")),
        link=(channel.get("link") or "").strip(),
        language=_language_code(channel.get("language")),
        entries=[_entry_from_feedparser(*pair) for pair in zip(entries, items, strict=True)],
        problem=problem,
        recognised=bool(parsed.get("version")),
    )


# JSON Feed -----------------------------------------------------------------------------------
def _json_date(value: object) -> datetime | None:
    """RFC 3339 as JSON Feed requires; RFC 822 as some generators write anyway."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _json_authors(item: dict) -> list[str]:
    """1.1 `authors` (a list), or 1.0 `author` (one object)."""
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")]
    return without_repeats(_author_name(author) for author in authors if isinstance(author, dict))


def _json_string(item: dict, key: str) -> str:
    value = item.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # ids are strings by the spec, numbers in the wild
    return value.strip() if isinstance(value, str) else ""


def _entry_from_json(item: dict, feed_language: str) -> Entry:
    if item.get("content_html"):
        content = _Text(_json_string(item, "content_html"), is_html=True)
    else:
        content = _Text(_json_string(item, "content_text"), is_html=False)
    images = [_json_string(item, "image"), _json_string(item, "banner_image")]
    images += [
        _json_string(attachment, "url")
        for attachment in item.get("attachments") or []
        if isinstance(attachment, dict)
        and _json_string(attachment, "mime_type").startswith("image/")
    ]
    tags = item.get("tags")
    if not isinstance(tags, list):
        tags = []
    return Entry(
        title=" ".join(_json_string(item, "title").split()),  # plain text in JSON Feed
        guid=_json_string(item, "id"),
        link=_json_string(item, "url") or _json_string(item, "external_url"),
        authors=_json_authors(item),
        published=_json_date(item.get("date_published") or item.get("date_modified")),
        tags=without_repeats(" ".join(tag.split()) for tag in tags if isinstance(tag, str)),
        images=[Image(url=url) for url in images if url],
        content=content,
        summary=_Text(_json_string(item, "summary"), is_html=False),
        language=_language_code(item.get("language")) or feed_language,
    )


def read_json_feed(document: RawDocument) -> Feed:
    if len(document.content) > MAX_XML_BYTES:
        raise FormatError("The JSON feed is larger than allowed.")
    try:
        data = json.loads(document.content)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise MalformedFeed(
            "The JSON feed is malformed: %(error)s", error=str(error)[:200]
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        raise MalformedFeed("The JSON feed has no list of items.")
    language = _language_code(data.get("language"))
    return Feed(
        title=" ".join(_json_string(data, "title").split()),
        link=_json_string(data, "home_page_url"),
        language=language,
        entries=[
            _entry_from_json(item, language)
            for item in data.get("items") or []
            if isinstance(item, dict)
        ],
    )
