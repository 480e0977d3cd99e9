"""Format adapters, tried in order: the most specific first, plain text as the fallback."""

from ingest.exceptions import FormatError
from ingest.safe_xml import ensure_safe_xml, is_xml_document

from .base import FormatAdapter, RawDocument
from .feeds import FeedAdapter
from .html import HTMLAdapter
from .newsml import NewsMLAdapter
from .nitf import NITFAdapter
from .plaintext import PlainTextAdapter

ADAPTERS: tuple[FormatAdapter, ...] = (
    NewsMLAdapter(),
    NITFAdapter(),
    FeedAdapter(),
    HTMLAdapter(),
    PlainTextAdapter(),
)
ADAPTERS_BY_NAME = {adapter.name: adapter for adapter in ADAPTERS}


def detect_adapter(document: RawDocument, *, format_name: str = "") -> FormatAdapter:
    """The adapter named by `format_name`, or the first that recognises the document.

    XML with entity declarations, XInclude or oversized tokens is refused as unsafe first,
    whatever its root element: an adapter recognises its format by the root, and an
    internal DTD before the root used to hide a NewsML item from detection, so it was
    refused as "not in a format we can read" (issue #12, item 11).
    """
    if is_xml_document(document.content):
        ensure_safe_xml(document.content)
    if format_name:
        try:
            return ADAPTERS_BY_NAME[format_name]
        except KeyError:
            raise FormatError(
                "Unknown format %(name)s; expected one of %(names)s.",
                name=format_name,
                names=", ".join(ADAPTERS_BY_NAME),
            ) from None
    for adapter in ADAPTERS:
        if adapter.sniff(document):
            return adapter
    raise FormatError()


__all__ = ["ADAPTERS", "FormatAdapter", "RawDocument", "detect_adapter"]
