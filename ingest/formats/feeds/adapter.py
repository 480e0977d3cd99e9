"""Feeds in, one ExtractedArticle per readable entry out.

Bad entries. An entry with neither a title nor any text is skipped and logged: one broken
item must not cost the rest of the feed, and an error raised from `extract` would (the
ingest service catches it once for the whole document; per item only when saving). We do
not smuggle the skip into the other articles' warnings: it is not about them. When no entry
is readable, `MalformedFeed` is raised with feedparser's own diagnosis (its bozo exception)
when there is one. An ill-formed feed that still yields entries is read leniently, and each
article says so in its warnings. A well-formed feed with no entries yet gives an empty
list: for a poller that is “nothing new”, not an error.
"""

from __future__ import annotations

import logging
import re

from ingest.exceptions import MalformedFeed
from ingest.sanitise import safe_url
from newsroom.article import ExtractedArticle

from ..base import RawDocument
from .articles import FORMAT_NAME, entry_article, is_readable
from .reading import read_json_feed, read_xml_feed

logger = logging.getLogger(__name__)

# Sniffing ------------------------------------------------------------------------------------
SNIFF_BYTES = 2048
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


class FeedAdapter:
    name = FORMAT_NAME

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
            feed = read_json_feed(document)
        else:
            feed = read_xml_feed(document)
        readable = [entry for entry in feed.entries if is_readable(entry)]
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
        return [entry_article(entry, feed, feed_link, warnings) for entry in readable]
