"""Hardened XML for everything ingest reads: feeds, NewsML-G2, sitemaps.

Agency and partner XML is untrusted. Before any parser sees it we refuse DTDs, entity
declarations and external references outright (defusedxml), cap the document and every
single token, and only then parse with lxml set to resolve nothing and touch no network.
feedparser receives bytes that passed `ensure_safe_xml` first, never raw input.
"""

from __future__ import annotations

import io
import re

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from lxml import etree

from ingest.exceptions import FormatError, UnsafeXML, XMLTooLarge

MAX_XML_BYTES = 10 * 1024 * 1024
# Longest run of bytes with no markup: a 20 MB text node or attribute is an attack, not news.
MAX_TOKEN_BYTES = 2 * 1024 * 1024
_MARKUP = re.compile(rb"[<>]")
# An entity declaration, in an internal subset or smuggled elsewhere: the billion laughs
# and external-entity attacks both need one. A bare DOCTYPE (old RSS 0.91 feeds carry one)
# is harmless because no DTD is ever loaded.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XINCLUDE = re.compile(rb"http://www\.w3\.org/\d+/XInclude")
# How an XML document opens (after a byte order mark and white space): its declaration, or a
# DOCTYPE that is not HTML's.
_XML_START = re.compile(r"\A\s*<(?:\?xml[\s?]|!DOCTYPE\s+(?!html\b))", re.IGNORECASE)
# UTF-16 and UTF-32, told by their byte order mark or, without one, by how "<?" is spelled
# (XML 1.0, appendix F). A pattern over the raw bytes would not see "<!ENTITY" in them.
_WIDE_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)


def _as_utf8(content: bytes) -> bytes:
    """`content` with UTF-16 or UTF-32 re-encoded as UTF-8, so the checks read its markup."""
    for signature, encoding in _WIDE_ENCODINGS:
        if content.startswith(signature):
            return content.decode(encoding, errors="ignore").encode("utf-8")
    return content


def _longest_token(content: bytes) -> int:
    longest = previous = 0
    for match in _MARKUP.finditer(content):
        longest = max(longest, match.start() - previous)
        previous = match.end()
    return max(longest, len(content) - previous)


def is_xml_document(content: bytes) -> bool:
    """True when `content` opens as an XML document does: a declaration or a DOCTYPE that is
    not HTML's, after a byte order mark and white space, in any encoding."""
    head = _as_utf8(content[:256]).removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    return bool(_XML_START.match(head))


def ensure_safe_xml(content: bytes) -> None:
    """Raise UnsafeXML or XMLTooLarge unless `content` is XML without entity declarations,
    external references or XInclude, within the size limits.

    Malformed XML is let through: feedparser reads ill-formed feeds leniently, and NewsML
    parsing reports it as a FormatError."""
    if len(content) > MAX_XML_BYTES:
        raise XMLTooLarge()
    if _longest_token(content) > MAX_TOKEN_BYTES:
        raise XMLTooLarge()
    markup = _as_utf8(content)
    if _ENTITY_DECLARATION.search(markup) or _XINCLUDE.search(markup):
        raise UnsafeXML()
    try:
        defusedxml.ElementTree.parse(
            io.BytesIO(content), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise UnsafeXML() from error
    except LookupError as error:  # an encoding Python does not know: nothing to read
        raise FormatError(
            "The XML declares an unknown encoding: %(error)s", error=str(error)
        ) from error
    except (defusedxml.ElementTree.ParseError, ValueError, UnicodeError):
        return


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(content: bytes) -> etree._Element:
    """The root element of a safe, well-formed document; FormatError when malformed."""
    ensure_safe_xml(content)
    try:
        return etree.fromstring(content, parser=_parser())
    except (etree.XMLSyntaxError, LookupError) as error:
        raise FormatError("The XML is malformed: %(error)s", error=str(error)) from error
