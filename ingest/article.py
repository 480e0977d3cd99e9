"""ExtractedArticle: the one plain data object that carries an item from ingest to enrichment
to the publisher. Frozen and typed, so every stage hands on a complete, unchanging value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Dateline:
    """“(Rome, Paris, 19 décembre 2022)”: where and when the story was filed."""

    places: tuple[str, ...] = ()
    date: date | None = None


@dataclass(frozen=True)
class ReadAlso:
    """An inline “A lire : <title>” link; `url` is empty when the page gave only a title.

    `position` is how many body paragraphs precede it, so it is put back where it stood.
    """

    title: str
    url: str = ""
    position: int | None = None


@dataclass(frozen=True)
class SourceCredit:
    """Who published the original: partner outlet, original author, original URL."""

    outlet: str = ""
    author: str = ""
    url: str = ""


@dataclass(frozen=True)
class Image:
    url: str
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class ExtractedArticle:
    title: str
    kicker: str = ""
    standfirst: str = ""
    dateline: Dateline | None = None
    body: tuple[str, ...] = ()
    read_also: tuple[ReadAlso, ...] = ()
    source: SourceCredit = field(default_factory=SourceCredit)
    language: str = ""
    published: datetime | None = None
    images: tuple[Image, ...] = ()
    format: str = ""
    warnings: tuple[str, ...] = ()
    # Identity of the item at its origin, for deduplication and updates.
    guid: str = ""
    version: int | None = None
    byline: str = ""
    subjects: tuple[str, ...] = ()

    def replace(self, **changes) -> ExtractedArticle:
        return dataclasses.replace(self, **changes)

    def text(self) -> str:
        """All the reader-visible text, for language detection and near-duplicate checks."""
        return "\n".join(part for part in (self.title, self.standfirst, *self.body) if part)

    def to_json(self) -> dict:
        """The JSON shape `manage.py extract` prints (ISO dates, lists, nested objects)."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
