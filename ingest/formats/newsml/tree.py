"""Small readers over a NewsML-G2 tree: NAR names, visible text, language tags, web URLs.

Every other part of the adapter reads the XML through these, so whitespace, namespaces and
language tags are handled the same way for headlines, subjects, captions and body text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _nar(name: str) -> str:
    return f"{{{NAR}}}{name}"


def child(parent: etree._Element | None, *path: str) -> etree._Element | None:
    """The first element at `path` (NAR names) under `parent`, or None."""
    for name in path:
        if parent is None:
            return None
        parent = parent.find(_nar(name))
    return parent


def children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else parent.findall(_nar(name))


def local_name(element: etree._Element) -> str:
    """The tag without namespace: NITF and XHTML arrive namespaced, bare, or in NAR's
    default namespace (a `<nitf>` without xmlns inherits it), so content is matched by it."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def descendants(element: etree._Element, *names: str) -> list[etree._Element]:
    return [node for node in element.iter() if local_name(node) in names]


def text_of(element: etree._Element | None) -> str:
    """Visible text with whitespace collapsed: agency XML is indented inside the text."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def text_without(element: etree._Element, skipped: str) -> str:
    """Like `text_of`, leaving out `skipped` children (but keeping the text that follows them)."""
    parts = [element.text or ""]
    for node in element:
        if local_name(node) != skipped:
            parts.append(text_without(node, skipped))
        parts.append(node.tail or "")
    return " ".join("".join(parts).split())


def qcode_value(qcode: str) -> str:
    """“stat:canceled” → “canceled”, “ninat:text” → “text”."""
    return qcode.rpartition(":")[2].strip().lower()


def short_language(tag: str | None) -> str:
    """“en-GB” → “en”, “FR” → “fr”; "" for anything that is not a language tag."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else ""


def language_of(element: etree._Element) -> str:
    return short_language(element.get(XML_LANG))


def pick_by_language(elements: list[etree._Element], language: str) -> etree._Element | None:
    """The element in `language`, else one with no declared language, else the first."""
    for wanted in (language, ""):
        for element in elements:
            if language_of(element) == wanted and text_of(element):
                return element
    return next((element for element in elements if text_of(element)), None)


def web_url(value: str | None) -> str:
    """`value` if it is an absolute http(s) URL, else "" (javascript:, data:, file:, relative)."""
    value = (value or "").strip()
    parts = urlsplit(value)
    return value if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""
