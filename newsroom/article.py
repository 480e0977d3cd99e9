"""ExtractedArticle: the one plain data object that carries an item from ingest to enrichment
to the publisher. Frozen and typed, so every stage hands on a complete, unchanging value.

It lives at the bottom layer because every stage speaks it: ingest's adapters build it from
partner bytes, `ArticlePage.as_article()` builds it from an article written in the admin,
and enrichment reads either (issue #13). What enrichment finds is `enrichment.results`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from newsroom.text import clean_text

READ_ALSO_TITLE_MAX_CHARS = 300  # newsroom.blocks.ReadAlsoBlock.title


def _clean_fields(instance: object, *names: str) -> None:
    """Clean the text of `names` on a frozen dataclass, whatever adapter built it.

    Partner copy is cleaned here, once for every format (issue #12, item 2): control
    characters and unnormalised Unicode stop at the boundary. A text tuple loses the entries
    that held nothing but control characters.
    """
    for name in names:
        value = getattr(instance, name)
        cleaned: str | tuple[str, ...]
        if isinstance(value, str):
            cleaned = clean_text(value)
        else:
            cleaned = tuple(text for text in map(clean_text, value) if text.strip())
        if cleaned != value:
            object.__setattr__(instance, name, cleaned)


@dataclass(frozen=True)
class Dateline:
    """“(Rome, Paris, 19 décembre 2022)”: where and when the story was filed."""

    places: tuple[str, ...] = ()
    date: date | None = None

    def __post_init__(self) -> None:
        _clean_fields(self, "places")


@dataclass(frozen=True)
class ReadAlso:
    """An inline “A lire : <title>” link; `url` is empty when the page gave only a title.

    `position` is how many body paragraphs precede it, so it is put back where it stood.
    """

    title: str
    url: str = ""
    position: int | None = None

    def __post_init__(self) -> None:
        _clean_fields(self, "title", "url")
        # A read-also block holds at most this much title; a longer "title" is a paragraph
        # that happened to open with "A lire :", and looking it up unbounded made SQLite
        # refuse the query ("LIKE pattern too complex") mid-ingest.
        if len(self.title) > READ_ALSO_TITLE_MAX_CHARS:
            object.__setattr__(self, "title", self.title[:READ_ALSO_TITLE_MAX_CHARS].rstrip())


@dataclass(frozen=True)
class SourceCredit:
    """Who published the original: partner outlet, original author, original URL."""

    outlet: str = ""
    author: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        _clean_fields(self, "outlet", "author", "url")


@dataclass(frozen=True)
class Image:
    url: str
    caption: str = ""
    credit: str = ""

    def __post_init__(self) -> None:
        _clean_fields(self, "url", "caption", "credit")


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

    def __post_init__(self) -> None:
        _clean_fields(
            self, "title", "kicker", "standfirst", "body", "byline", "guid", "subjects", "warnings"
        )

    def replace(self, **changes: Any) -> ExtractedArticle:
        return dataclasses.replace(self, **changes)

    def text(self) -> str:
        """All the reader-visible text, for language detection and near-duplicate checks."""
        return "\n".join(part for part in (self.title, self.standfirst, *self.body) if part)

    def analysed_text(self) -> str:
        """Title, standfirst and body as enrichment reads them; mention offsets point here."""
        return "\n\n".join(part for part in (self.title, self.standfirst, *self.body) if part)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape `manage.py extract` prints (ISO dates, lists, nested objects)."""
        return jsonable(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExtractedArticle:
        """The article `to_json` gave, for a task that receives it as plain values."""
        dateline = data.get("dateline")
        published = data.get("published")
        own = {field.name for field in dataclasses.fields(ExtractedArticle)}
        values = {key: value for key, value in data.items() if key in own}
        return ExtractedArticle(
            **{
                **values,
                "dateline": Dateline(
                    places=tuple(dateline.get("places", ())),
                    date=date.fromisoformat(dateline["date"]) if dateline.get("date") else None,
                )
                if dateline
                else None,
                "body": tuple(data.get("body", ())),
                "read_also": tuple(ReadAlso(**item) for item in data.get("read_also", ())),
                "source": SourceCredit(**data.get("source", {})),
                "published": datetime.fromisoformat(published) if published else None,
                "images": tuple(Image(**item) for item in data.get("images", ())),
                "warnings": tuple(data.get("warnings", ())),
                "subjects": tuple(data.get("subjects", ())),
            }
        )

    def with_origin_of(self, extracted: ExtractedArticle) -> ExtractedArticle:
        """This article's text with what `extracted` knew of its origin.

        The page's text is what readers see (an excerpt-only partner's page keeps one
        paragraph of the original), so enrichment reads it; the language, identity and
        dates the partner declared are not stored on the page and come from ingest.
        """
        return self.replace(
            language=extracted.language or self.language,
            published=self.published or extracted.published,
            format=extracted.format,
            guid=extracted.guid,
            version=extracted.version,
            byline=self.byline or extracted.byline,
            subjects=extracted.subjects,
        )


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
