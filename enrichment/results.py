"""What enrichment finds in an article: entities, quotes, topics and countries.

`EnrichedArticle` is the `ExtractedArticle` it read plus these findings, so the pipeline hands
on one value and the article's own fields stay where ingest put them (issue #13: the result
types live with the stage that produces them, not in the article object below).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsroom.article import ExtractedArticle

if TYPE_CHECKING:
    # spaCy stays out of web processes, which read results through enrichment.services.
    from enrichment.lemmas import ArticleLemmas


@dataclass(frozen=True)
class Mention:
    """Where an entity is named: offsets into `ExtractedArticle.analysed_text()`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class EntityFound:
    """A person, organisation or place of the article, linked to its canonical record.

    `canonical` is the Entity's French name ("Vladimir Poutine" for "Putin"), `entity_key`
    its gazetteer key, both empty for a name we do not know yet.
    """

    name: str
    kind: str  # PER, ORG, LOC or MISC
    canonical: str = ""
    entity_key: str = ""
    country: str = ""
    mentions: tuple[Mention, ...] = ()
    salience: float = 0.0


@dataclass(frozen=True)
class QuoteFound:
    text: str
    speaker: str = ""
    cue: str = ""


@dataclass(frozen=True)
class TopicFound:
    qcode: str  # IPTC Media Topic, e.g. medtop:16000000
    label: str
    score: float


@dataclass(frozen=True)
class CountryFound:
    code: str  # ISO 3166-1 alpha-2
    score: float
    about: bool  # False: only mentioned in passing (or where the story was filed)


@dataclass(frozen=True)
class EnrichedArticle(ExtractedArticle):
    """An article with what enrichment found in it."""

    entities: tuple[EntityFound, ...] = ()
    quotes: tuple[QuoteFound, ...] = ()
    topics: tuple[TopicFound, ...] = ()
    countries: tuple[CountryFound, ...] = ()
    # Counted from the same parse, for related articles; not part of what `extract` prints.
    lemmas: ArticleLemmas | None = None

    @classmethod
    def of(cls, article: ExtractedArticle, **findings: Any) -> EnrichedArticle:
        """`article` with `findings`; an already enriched article keeps what it had otherwise."""
        fields = {field.name: getattr(article, field.name) for field in dataclasses.fields(article)}
        return cls(**{**fields, **findings})

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("lemmas", None)
        # Countries as ISO codes: those the article is about, then those only mentioned.
        data["countries"] = [country.code for country in self.countries if country.about]
        data["countries_mentioned"] = [
            country.code for country in self.countries if not country.about
        ]
        return data
