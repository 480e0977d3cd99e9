"""RSS, Atom, RDF and JSON Feed: one ExtractedArticle per readable entry.

Safety first. XML feeds pass `ensure_safe_xml` (no entity declarations, no XInclude, size
caps) before feedparser sees a byte, and feedparser gets them wrapped in a stream: handed
bare bytes, it would take a feed that is just a path or a URL for a file to open or an
address to fetch. feedparser's own HTML sanitiser and relative-URI rewriting are switched
off: the HTML is reduced to plain text by `ingest.sanitise`, and every URL we keep goes
through `safe_url`, so there is a single allowlist to trust. `parse_feed_bytes` is that
path, shared with `bench/feed_fixtures.py`, which runs feedparser's fixture suite through it.

JSON Feed (1.0 and 1.1) is read with the json module: feedparser does not know it.

Bad entries. An entry with neither a title nor any text is skipped and logged: one broken
item must not cost the rest of the feed, and an error raised from `extract` would (the
ingest service catches it once for the whole document; per item only when saving). We do
not smuggle the skip into the other articles' warnings: it is not about them. When no entry
is readable, `MalformedFeed` is raised with feedparser's own diagnosis (its bozo exception)
when there is one. An ill-formed feed that still yields entries is read leniently, and each
article says so in its warnings. A well-formed feed with no entries yet gives an empty
list: for a poller that is “nothing new”, not an error.

Links. Relative entry links are resolved against the feed's own link (its site), else the
address the feed was fetched from; without either they are dropped (`source.url` "").

Summaries. Many feeds carry only a teaser. When an entry has no full content, or its content
is short and the same as its summary, the article carries the warning "summary_only" and the
ingest service fetches the full page when the feed asks for it.
"""

from __future__ import annotations

import email.utils
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from ingest.dateline import split_dateline
from ingest.exceptions import FormatError, MalformedFeed
from ingest.language import detect_language
from ingest.safe_xml import MAX_XML_BYTES, ensure_safe_xml
from ingest.sanitise import html_to_paragraphs, html_to_text, safe_url, text_to_paragraphs
from newsroom.article import Dateline, ExtractedArticle, Image, SourceCredit

from .base import RawDocument

logger = logging.getLogger(__name__)

SUMMARY_ONLY = "summary_only"
# Content shorter than this (in plain-text characters) that only repeats the summary is a
# teaser, not the article: many feeds copy their description into content:encoded.
SUMMARY_ONLY_MAX_CHARS = 400
SNIFF_BYTES = 2048

# The options every XML feed is parsed with; the fixture benchmark uses the same.
FEEDPARSER_OPTIONS = {"sanitize_html": False, "resolve_relative_uris": False}

# Sniffing ------------------------------------------------------------------------------------
_XML_FEED_CONTENT_TYPE = re.compile(r"\b(?:rss|atom|rdf)\+xml\b|\brss\b", re.I)
_JSON_FEED_CONTENT_TYPE = re.compile(r"\bfeed\+json\b", re.I)
# The root element after the prolog: XML declaration, comments, processing instructions
# (xml-stylesheet) and a DOCTYPE may come first, all within the first 2 KB.
_PROLOG = r"(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?\s*>)*"
_FEED_ROOT = re.compile(
    rf"^{_PROLOG}<(?:(?:[\w.-]+:)?(?:rss|feed)|[\w.-]+:RDF)[\s>/]", re.DOTALL | re.IGNORECASE
)
_JSON_FEED_VERSION = re.compile(
    r'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version\\?/1(?:\.\d+)?\\?/?"'
)
_HTML_OR_NEWSML = re.compile(
    r"<(?:!doctype\s+html|html)\b|<(?:[\w.-]+:)?(?:newsItem|newsMessage|packageItem)\b", re.I
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _head(content: bytes) -> str:
    """The first 2 KB as text, enough to see the root element: BOMs are honoured, other
    bytes read as Latin-1 (every ASCII-compatible encoding spells markup the same)."""
    head = content[: SNIFF_BYTES + 4]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")[:SNIFF_BYTES]
    return head[:SNIFF_BYTES].decode("latin-1")


def is_xml_feed(content: bytes) -> bool:
    return bool(_FEED_ROOT.match(_head(content)))


def is_json_feed(content: bytes) -> bool:
    head = _head(content).lstrip()
    return head.startswith("{") and bool(_JSON_FEED_VERSION.search(head))


def _is_json(content: bytes) -> bool:
    return _head(content).lstrip().startswith("{")


# Parsing -------------------------------------------------------------------------------------
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
    content = _shorten_bylines(content)
    headers = {"content-type": content_type} if content_type else {}
    return feedparser.parse(io.BytesIO(content), response_headers=headers, **FEEDPARSER_OPTIONS)


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
class _Entry:
    """One entry, whatever the feed format: what an article is built from."""

    title: str = ""
    guid: str = ""
    link: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    tags: list[str] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)
    content: _Text = field(default_factory=_Text)
    summary: _Text = field(default_factory=_Text)
    language: str = ""


@dataclass
class _Feed:
    title: str = ""
    link: str = ""
    language: str = ""
    entries: list[_Entry] = field(default_factory=list)
    problem: str = ""  # why the feed is ill-formed, when it is
    recognised: bool = True


def _is_html_type(detail) -> bool:
    mime = (detail or {}).get("type") or "text/html"
    return "html" in mime or "xml" in mime


def _plain(value: str, detail=None) -> str:
    """A one-line field (title, name) as plain text, whether it came as HTML or as text."""
    if not value:
        return ""
    if _is_html_type(detail):
        return html_to_text(value)
    return " ".join(value.split())


def _language_code(value) -> str:
    """“fr-FR”, “FR”, “fr_fr” → “fr”: articles carry the primary language subtag."""
    if not isinstance(value, str):
        return ""
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _struct_time_to_datetime(value) -> datetime | None:
    """feedparser's parsed dates are UTC struct_times."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _author_name(detail) -> str:
    name = " ".join(((detail or {}).get("name") or "").split())
    return "" if "@" in name and " " not in name else name  # a bare e-mail is no byline


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def _entry_from_feedparser(entry) -> _Entry:
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

    images = [
        link.get("href")
        for link in entry.get("enclosures") or []
        if (link.get("type") or "").startswith("image/")
    ]
    images += [
        media.get("url")
        for media in entry.get("media_content") or []
        if media.get("medium") == "image" or (media.get("type") or "").startswith("image/")
    ]
    if not images:
        images = [media.get("url") for media in entry.get("media_thumbnail") or []]

    detail_language = next(
        (
            part.get("language")
            for part in (best, summary_detail, entry.get("title_detail"))
            if part and part.get("language")
        ),
        "",
    )
    return _Entry(
        title=_plain(entry.get("title") or "", entry.get("title_detail")),
        guid=(entry.get("id") or "").strip(),
        link=(entry.get("link") or "").strip(),
        authors=_unique(authors),
        published=_struct_time_to_datetime(
            entry.get("published_parsed") or entry.get("updated_parsed")
        ),
        tags=_unique(
            " ".join((tag.get("term") or tag.get("label") or "").split())
            for tag in entry.get("tags") or []
        ),
        image_urls=[url for url in images if url],
        content=content,
        summary=summary,
        language=_language_code(detail_language),
    )


def _read_xml_feed(document: RawDocument) -> _Feed:
    parsed = parse_feed_bytes(document.content, document.content_type)
    channel = parsed.get("feed") or {}
    problem = ""
    if parsed.get("bozo"):
        problem = str(parsed.get("bozo_exception") or "ill-formed feed")
    return _Feed(
        title=_plain(channel.get("title") or "", channel.get("title_detail")),
        link=(channel.get("link") or "").strip(),
        language=_language_code(channel.get("language")),
        entries=[_entry_from_feedparser(entry) for entry in parsed.get("entries") or []],
        problem=problem,
        recognised=bool(parsed.get("version")),
    )


# JSON Feed -----------------------------------------------------------------------------------
def _json_date(value) -> datetime | None:
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
    return _unique(_author_name(author) for author in authors if isinstance(author, dict))


def _json_string(item: dict, key: str) -> str:
    value = item.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # ids are strings by the spec, numbers in the wild
    return value.strip() if isinstance(value, str) else ""


def _entry_from_json(item: dict, feed_language: str) -> _Entry:
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
    tags = item.get("tags") if isinstance(item.get("tags"), list) else []
    return _Entry(
        title=" ".join(_json_string(item, "title").split()),  # plain text in JSON Feed
        guid=_json_string(item, "id"),
        link=_json_string(item, "url") or _json_string(item, "external_url"),
        authors=_json_authors(item),
        published=_json_date(item.get("date_published") or item.get("date_modified")),
        tags=_unique(" ".join(tag.split()) for tag in tags if isinstance(tag, str)),
        image_urls=[url for url in images if url],
        content=content,
        summary=_Text(_json_string(item, "summary"), is_html=False),
        language=_language_code(item.get("language")) or feed_language,
    )


def _read_json_feed(document: RawDocument) -> _Feed:
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
    return _Feed(
        title=" ".join(_json_string(data, "title").split()),
        link=_json_string(data, "home_page_url"),
        language=language,
        entries=[
            _entry_from_json(item, language)
            for item in data.get("items") or []
            if isinstance(item, dict)
        ],
    )


# Articles ------------------------------------------------------------------------------------
def _same_text(first: list[str], second: list[str]) -> bool:
    return " ".join(" ".join(first).split()) == " ".join(" ".join(second).split())


def _truncation_of(short: str, long: str) -> bool:
    """True when `short` is `long` cut off (“…”, “[…]”, “Read more”), as teasers are."""
    stem = re.sub(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*$", "", short).strip()
    return bool(stem) and long.startswith(stem)


def _body_and_standfirst(entry: _Entry) -> tuple[list[str], str, bool]:
    """(body paragraphs, standfirst, summary_only) for an entry."""
    content = entry.content.paragraphs()
    summary = entry.summary.paragraphs()
    if not content:
        return summary, "", True
    if _same_text(content, summary) and len(" ".join(content)) < SUMMARY_ONLY_MAX_CHARS:
        return content, "", True
    standfirst = summary[0] if summary else ""
    if standfirst and (standfirst == content[0] or _truncation_of(standfirst, content[0])):
        standfirst = ""
    return content, standfirst, False


def _article(entry: _Entry, feed: _Feed, feed_link: str, warnings: list[str]) -> ExtractedArticle:
    body, standfirst, summary_only = _body_and_standfirst(entry)
    dateline = None
    if body:
        parsed, rest = split_dateline(body[0])
        if parsed is not None:
            dateline = Dateline(places=parsed.places, date=parsed.date)
            body = [rest, *body[1:]] if rest else body[1:]
    link = safe_url(entry.link, feed_link)
    author = ", ".join(entry.authors)
    text = "\n".join([entry.title, standfirst, *body])
    return ExtractedArticle(
        title=entry.title,
        standfirst=standfirst,
        dateline=dateline,
        body=tuple(body),
        source=SourceCredit(outlet=feed.title, author=author, url=link),
        language=entry.language or feed.language or detect_language(text),
        published=entry.published,
        images=tuple(
            Image(url=url)
            for url in _unique(safe_url(url, link or feed_link) for url in entry.image_urls)
        ),
        format=FeedAdapter.name,
        warnings=tuple([*warnings, SUMMARY_ONLY] if summary_only else warnings),
        guid=entry.guid or link or entry.link,
        byline=author,
        subjects=tuple(entry.tags),
    )


def _is_readable(entry: _Entry) -> bool:
    return bool(entry.title) or bool(entry.content.paragraphs() or entry.summary.paragraphs())


class FeedAdapter:
    name = "feed"

    def sniff(self, document: RawDocument) -> bool:
        """The root element decides; the Content-Type only when the bytes are inconclusive.

        HTML pages and NewsML-G2 (whose roots are not rss/feed/RDF) are never claimed, nor is
        text, even when a server labels it as a feed.
        """
        if is_xml_feed(document.content) or is_json_feed(document.content):
            return True
        head = _head(document.content).lstrip()
        if head.startswith("{"):
            return bool(_JSON_FEED_CONTENT_TYPE.search(document.content_type))
        if not head.startswith("<") or _HTML_OR_NEWSML.search(head):
            return False
        return bool(_XML_FEED_CONTENT_TYPE.search(document.content_type))

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        if _is_json(document.content):
            feed = _read_json_feed(document)
        else:
            feed = _read_xml_feed(document)
        readable = [entry for entry in feed.entries if _is_readable(entry)]
        skipped = len(feed.entries) - len(readable)
        if skipped:
            logger.info(
                "Feed %s: skipped %d of %d entries (no title, no text)",
                document.url or "-",
                skipped,
                len(feed.entries),
            )
        if not readable:
            if feed.problem:
                raise MalformedFeed(
                    "The feed is malformed and holds no readable entry: %(error)s",
                    error=feed.problem,
                )
            if feed.entries:
                raise MalformedFeed(
                    "None of the feed's %(count)d entries has a title or text.",
                    count=len(feed.entries),
                )
            if not feed.recognised:
                raise MalformedFeed("This is not an RSS, Atom or JSON feed.")
            return []
        feed_link = safe_url(feed.link, document.url) or safe_url(document.url)
        warnings = [f"ill-formed feed read leniently: {feed.problem}"] if feed.problem else []
        return [_article(entry, feed, feed_link, warnings) for entry in readable]
