"""Untrusted partner HTML made safe: an allowlist sanitiser, a URL filter and a text reader.

Feeds hand us HTML we did not write (RSS descriptions, content:encoded, JSON Feed
content_html). We never let feedparser sanitise it: its blocklist cleaner is one more thing to
trust and to keep in step with ours. Instead:

- `clean_html` keeps a short allowlist of tags and attributes, using ammonia (through nh3),
  which parses like a browser (html5ever) so the tags it keeps are the tags a browser sees;
- `safe_url` accepts only absolute http(s) URLs and refuses every other scheme, however the
  scheme is disguised (case, tabs and newlines, control characters, character references);
- `html_to_paragraphs` reads sanitised HTML into plain-text paragraphs. Articles store plain
  text; escaping happens once, when a template renders it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

from newsroom.text import clean_text

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "strong",
        "i",
        "b",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h2",
        "h3",
        "figure",
        "figcaption",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Elements whose content is code or markup, never reader text: dropped with what they hold.
# (html5ever reads <noscript> and <template> content as raw text, so keeping it would turn
# their markup into visible “<p>…” text.)
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "textarea"}
)


def _make_cleaner(**options: Any) -> Callable[[str], str]:
    """nh3.Cleaner compiles the allowlist once; older nh3 only has `clean` with arguments.

    Its input is `clean_text`ed first: nh3 (Rust) takes only UTF-8, so a lone surrogate (a
    JSON Feed may carry "\\ud800") raised UnicodeEncodeError, not an IngestError, and stopped
    the whole feed (found by the hostile-input suite).
    """
    if hasattr(nh3, "Cleaner"):
        clean = nh3.Cleaner(**options).clean
    else:
        clean = functools.partial(nh3.clean, **options)
    return lambda fragment: clean(clean_text(fragment))


_clean = _make_cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)

# Reading text needs the block structure the publishing allowlist drops (<div>, <h1>, <td>…):
# without it, two <div>s would run together into one sentence. This cleaner keeps structure
# but no attribute at all, and its output only ever feeds the text reader below.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "nav",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "pre",
        "figure",
        "figcaption",
        "table",
        "caption",
        "tr",
        "hr",
        "address",
        "details",
        "summary",
        "center",
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_structure = _make_cleaner(
    tags=set(BLOCK_TAGS | _CELL_TAGS | {"br", "thead", "tbody", "tfoot"}),
    attributes={},
    clean_content_tags=set(DROPPED_WITH_CONTENT | {"svg", "math", "select", "button", "title"}),
    link_rel=None,
    strip_comments=True,
)


_MAX_CLEAN_PASSES = 4


def clean_html(fragment: str) -> str:
    """`fragment` reduced to the allowlist: safe to insert into a page as HTML.

    Idempotent: cleaning cleaned HTML changes nothing (property-tested). One pass is not
    always enough for that: the HTML parser nests some broken markup in ways its own
    serialisation does not reproduce (“<p><select><p>” keeps a <p> inside a <p> once the
    <select> is stripped, which the next parse splits), so the output is cleaned again
    until it no longer changes. It settles after one extra pass in practice.
    """
    if not fragment:
        return ""
    cleaned = _clean(fragment)
    for _ in range(_MAX_CLEAN_PASSES):
        again = _clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


# URLs ---------------------------------------------------------------------------------------
SAFE_URL_SCHEMES = frozenset({"http", "https"})
# Only character references closed by “;”: a browser leaves “&copy=1” in a query string alone
# (html.unescape would not), so decoding it would corrupt legitimate links.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});"
)
# Browsers delete tabs and newlines anywhere in a URL (“jav\tascript:” is “javascript:”).
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Leading and trailing C0 controls and spaces are stripped by browsers; we also strip Unicode
# spaces, which only makes us stricter.
_EDGE = "".join(chr(code) for code in range(0x21))
# Decoding rounds when looking for a disguised scheme (“&amp;#106;avascript:”).
_DECODE_ROUNDS = 3


def _decode_references(url: str) -> str:
    return _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group()), url)


def _normalise(url: str) -> str:
    url = _TAB_OR_NEWLINE.sub("", _decode_references(url))
    return url.strip(_EDGE).strip()


def _disguised_scheme(url: str) -> str:
    """The scheme `url` has once every layer of character references is decoded."""
    for _ in range(_DECODE_ROUNDS):
        decoded = _normalise(url)
        if decoded == url:
            break
        url = decoded
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def safe_url(url: str, base: str = "") -> str:
    """`url` as an absolute http(s) URL, resolved against `base` when relative; "" otherwise.

    Refuses javascript:, data:, vbscript:, file: and every other scheme, including when
    disguised by case, embedded tabs or newlines, control characters or character
    references. A relative URL without a usable http(s) base is refused too: we cannot
    tell where it points.
    """
    if not url or not isinstance(url, str):
        return ""
    candidate = _normalise(url)
    if not candidate or _CONTROL.search(candidate):
        return ""
    scheme = _disguised_scheme(candidate)
    if scheme and scheme not in SAFE_URL_SCHEMES:
        return ""
    candidate = candidate.replace(" ", "%20")
    if not _SCHEME.match(candidate):
        base = safe_url(base) if base else ""
        if not base:
            return ""
        candidate = urljoin(base, candidate)
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_URL_SCHEMES or not hostname:
        return ""
    return candidate


# Text ---------------------------------------------------------------------------------------
_BREAK = object()  # a <br>, kept as a marker until the paragraph is assembled
# Whitespace that HTML collapses; no-break spaces are kept, French typography needs them.
_COLLAPSIBLE = re.compile(r"[^\S\u00a0\u202f]+")
_MARKUP = re.compile(r"<[A-Za-z!/?]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _collapse(text: str) -> str:
    return _COLLAPSIBLE.sub(" ", text).strip()


class _ParagraphReader(HTMLParser):
    """Plain-text paragraphs from cleaned HTML: blocks and double <br> end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._pieces: list = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag != "br":  # </br> is read as <br> by browsers, but ammonia never writes it
            self._boundary(tag)

    def handle_data(self, data: str) -> None:
        self._pieces.append(data)

    def _boundary(self, tag: str) -> None:
        if tag == "br":
            self._pieces.append(_BREAK)
        elif tag in _CELL_TAGS:
            self._pieces.append(" ")
        elif tag in BLOCK_TAGS:
            self.flush()

    def flush(self) -> None:
        """Close the current block; two or more <br> in a row split it into paragraphs."""
        current: list[str] = []
        breaks = 0
        for piece in self._pieces:
            if piece is _BREAK:
                breaks += 1
                current.append(" ")
            elif piece.strip():
                if breaks >= 2:
                    self._emit(current)
                    current = []
                breaks = 0
                current.append(piece)
            else:
                current.append(piece)
        self._emit(current)
        self._pieces = []

    def _emit(self, pieces: list[str]) -> None:
        text = _collapse("".join(pieces))
        if text:
            self.paragraphs.append(text)


def _read_paragraphs(fragment: str) -> list[str]:
    reader = _ParagraphReader()
    reader.feed(_structure(fragment))
    reader.close()
    reader.flush()
    return reader.paragraphs


def html_to_paragraphs(fragment: str) -> list[str]:
    """The reader-visible text of an HTML fragment, as plain-text paragraphs.

    Block elements and runs of two or more <br> end a paragraph; whitespace is collapsed
    (no-break spaces are kept) and character references are decoded. Script, style and
    similar content is dropped. A fragment without any markup is text that came as
    “HTML”: there blank lines separate paragraphs, as a writer meant them to.
    """
    if not fragment or not fragment.strip():
        return []
    if not _MARKUP.search(fragment):
        blocks = _BLANK_LINE.split(fragment.replace("\r\n", "\n").replace("\r", "\n"))
        return [paragraph for block in blocks for paragraph in _read_paragraphs(block)]
    return _read_paragraphs(fragment)


def html_to_text(fragment: str) -> str:
    """One line of plain text (a title, an outlet name) from an HTML fragment."""
    return " ".join(html_to_paragraphs(fragment))


def text_to_paragraphs(text: str) -> list[str]:
    """Paragraphs of text that is declared plain: blank lines separate them, nothing is decoded."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block for block in (_collapse(raw) for raw in _BLANK_LINE.split(text)) if block]
