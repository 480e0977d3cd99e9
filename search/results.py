"""What a search gives back: ranked article ids, the query's reading, one page of hits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.utils.safestring import SafeString

from newsroom.models import ArticlePage, SectionPage
from search.query import EntityMatch


class Candidate(NamedTuple):
    """An article one list of matches holds, before the lists are fused.

    A search builds up to two thousand of these and a thousand RankedArticles: tuples,
    because a frozen dataclass's construction cost more than the ranking (#15)."""

    article_id: int
    title: str
    published_key: str | None  # the date as search.ranking.PublishedKey reads it


class RankedArticle(NamedTuple):
    """One article of the fused ranking."""

    article_id: int
    score: float
    published_key: str  # the date as search.ranking.PublishedKey reads it; "" for none
    tagged: bool  # tagged with the entity the query names


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    sort: str
    entity_match: EntityMatch | None
    ranked: tuple[RankedArticle, ...]
    capped: bool  # more matched than CANDIDATE_LIMIT
    marked_terms: tuple[str, ...] = ()  # to highlight: the terms, the entity's names too

    @property
    def total(self) -> int:
        return len(self.ranked)

    @property
    def only_common_words(self) -> bool:
        """The reader typed something, but only words too common to search for."""
        return bool(self.query) and not self.terms and self.entity_match is None


@dataclass(frozen=True)
class SearchHit:
    article: ArticlePage
    section: SectionPage | None
    score: float
    tagged: bool
    title: SafeString
    snippet: SafeString
