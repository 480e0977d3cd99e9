"""What a search gives back: ranked article ids, the query's reading, one page of hits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.safestring import SafeString
from wagtail.models import Page

from search.query import EntityMatch

# Wagtail's URL methods, borrowed by PageLink: they read a page's url_path and the sites'
# root paths only (typed Any: they are declared on Page).
_page: Any = Page


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


class PageLink:
    """A page a hit links to, read as columns: its id, title and URL (`url`, `get_url`,
    `full_url`, `get_full_url`, computed by Wagtail's own methods from `url_path`)."""

    _get_site_root_paths = _page._get_site_root_paths
    _get_relevant_site_root_paths = _page._get_relevant_site_root_paths
    get_url_parts = _page.get_url_parts
    get_url = _page.get_url
    get_full_url = _page.get_full_url
    url = property(_page.get_url)
    full_url = property(_page.get_full_url)

    def __init__(self, pk: int, title: str, url_path: str, site_root_paths: Any) -> None:
        self.pk = pk
        self.title = title
        self.url_path = url_path
        # Where Wagtail's methods keep the sites' root paths once read (one reading a page).
        self._wagtail_cached_site_root_paths = site_root_paths

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.pk}: {self.url_path}>"


class HitArticle(PageLink):
    """The article of a hit: what the results show of it beside its link."""

    def __init__(
        self,
        pk: int,
        title: str,
        url_path: str,
        site_root_paths: Any,
        kicker: str,
        first_published_at: datetime.datetime,  # a published article's: always set
    ) -> None:
        super().__init__(pk, title, url_path, site_root_paths)
        self.kicker = kicker
        self.first_published_at = first_published_at


@dataclass(frozen=True)
class SearchHit:
    article: HitArticle
    section: PageLink | None
    score: float
    tagged: bool
    title: SafeString
    snippet: SafeString
