"""The one small interface every format adapter implements: bytes in, ExtractedArticles out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from newsroom.article import ExtractedArticle


@dataclass(frozen=True)
class RawDocument:
    """What a reader of files, URLs or stdin hands to an adapter."""

    content: bytes
    url: str = ""  # where it came from: http(s) URL, file path or "-"
    content_type: str = ""  # the HTTP Content-Type header, when fetched
    filename: str = ""


class FormatAdapter(Protocol):
    name: str

    def sniff(self, document: RawDocument) -> bool:
        """True if this adapter recognises the document (cheap: looks at the first bytes)."""

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        """Every article in the document; raise a FormatError when there is none to read."""


def aware_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime; no offset is taken as UTC.

    Partners and agencies send all sorts; what cannot be read is None, never an error.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
