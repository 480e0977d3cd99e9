"""Inline “À lire :” suggestions while an editor writes a paragraph (issue #6).

The paragraph's names are matched against the entities the newsroom already has (names and
aliases, normalised the way `EntityAlias.normalised` is), never creating one; then earlier
published articles linked to those entities are ranked by how many of them they share.

spaCy is not run here: its model takes seconds to load in each web process and ~7 ms per
paragraph, and a name it finds could only lead to an entity through the same names and
aliases that the index below matches directly (~3 ms for a paragraph, queries included).
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Sum, Value
from wagtail.query import PageQuerySet

from enrichment.merges import kept_ids, member_ids
from enrichment.models import ArticleEntity, Entity, EntityAlias, Status
from newsroom.models import ArticlePage
from newsroom.text import normalise_name
from related.exceptions import TextTooLong

MAX_TEXT_LENGTH = 20_000
MAX_NAME_WORDS = 8
# Names and aliases change rarely; new records are seen at once (the index's signature
# counts them), renames and edited aliases within this many seconds.
INDEX_MAX_AGE_SECONDS = 60
# Candidates ranked exactly in Python after the database's first cut.
SHORTLIST_FACTOR = 5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ReadAlsoSuggestion:
    """An earlier article worth an “À lire :” link, and why."""

    page: ArticlePage
    title: str
    url: str
    published_at: datetime.datetime  # a live page's first publication
    entities: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class EntityMention:
    """A known entity named in the text: its canonical record, and the name as written."""

    entity_id: int
    name: str
    surface: str
    start: int


@dataclass(frozen=True)
class ParagraphSuggestions:
    """What the editor sees for one paragraph: the entities found, the articles suggested."""

    entities: tuple[EntityMention, ...]
    suggestions: tuple[ReadAlsoSuggestion, ...]


@dataclass(frozen=True)
class Link:
    """One article–entity link, the entity already resolved to its canonical record."""

    article_id: int
    entity_id: int
    score: float
    published_at: datetime.datetime | None


# The name index -------------------------------------------------------------------------------
class NameIndex:
    """Normalised name or alias → ids of the entity records that carry it."""

    def __init__(self, names: Iterable[tuple[int, str]]):
        self._by_name: dict[str, set[int]] = defaultdict(set)
        self.longest = 1
        for entity_id, normalised in names:
            if not normalised:
                continue
            self._by_name[normalised].add(entity_id)
            self.longest = max(self.longest, normalised.count(" ") + 1)
        self.longest = min(self.longest, MAX_NAME_WORDS)

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, normalised: str) -> set[int]:
        return self._by_name.get(normalised, set())

    @classmethod
    def from_database(cls) -> NameIndex:
        records = Entity.objects.values_list("pk", "name")
        names = [(pk, normalise_name(name)) for pk, name in records]
        names += list(EntityAlias.objects.values_list("entity_id", "normalised"))
        return cls(names)


_index_lock = threading.Lock()
_index_cache: dict[str, Any] = {}


def _index_signature() -> tuple:
    entities = Entity.objects.aggregate(n=Count("pk"), last=Max("pk"), newest=Max("created_at"))
    aliases = EntityAlias.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (*entities.values(), *aliases.values())


def name_index() -> NameIndex:
    """The process's index, rebuilt when records were added or removed, or when it is old."""
    signature = _index_signature()
    with _index_lock:
        index = _index_cache.get("index")
        fresh = time.monotonic() - _index_cache.get("built", 0.0) < INDEX_MAX_AGE_SECONDS
        if index is None or not fresh or _index_cache.get("signature") != signature:
            index = NameIndex.from_database()
            _index_cache.update(index=index, signature=signature, built=time.monotonic())
        return index


def _looks_like_a_name(surface: str) -> bool:
    """A capital somewhere ("l’Égypte", "OTAN") or a script without case (Arabic)."""
    letters = [char for char in surface if char.isalpha()]
    if any(char.isupper() for char in letters):
        return True
    return bool(letters) and not any(char.islower() for char in letters)


def find_mentions(text: str, index: NameIndex) -> list[tuple[str, int, set[int]]]:
    """(surface, start, record ids) for each name of the index in the text, longest first.

    Every run of up to `index.longest` words is normalised as a whole, as the stored aliases
    were, so "la Ligue arabe", "l’Égypte" and "Al-Qaïda" meet their keys. Lower-case runs
    are not names ("union", "conseil"), as in the enrichment recogniser.
    """
    words = list(_WORD.finditer(text))
    found = []
    position = 0
    while position < len(words):
        # One word more than the longest key: a leading article ("la", "l’") normalises away.
        width = min(index.longest + 1, len(words) - position)
        for size in range(width, 0, -1):
            start, end = words[position].start(), words[position + size - 1].end()
            surface = text[start:end]
            key = normalise_name(surface)
            ids = index.get(key)
            if ids and _looks_like_a_name(surface):
                if size > 1 and normalise_name(text[words[position + 1].start() : end]) == key:
                    start = words[position + 1].start()  # "l’Égypte" is shown as "Égypte"
                found.append((text[start:end], start, ids))
                position += size
                break
        else:
            position += 1
    return found


def entities_in(text: str, index: NameIndex | None = None) -> list[EntityMention]:
    """The known entities the text names, in order of first mention, merges followed.

    A name shared by two records that are not merged together is ambiguous and skipped.
    """
    mentions = find_mentions(text, index or name_index())
    canonical = kept_ids(entity_id for _, _, ids in mentions for entity_id in ids)
    found = []
    for surface, start, ids in mentions:
        targets = {canonical[entity_id] for entity_id in ids if entity_id in canonical}
        if len(targets) == 1:
            found.append((targets.pop(), surface, start))
    names = dict(Entity.objects.filter(pk__in=[row[0] for row in found]).values_list("pk", "name"))
    result, seen = [], set()
    for target, surface, start in found:
        if target not in seen:
            seen.add(target)
            result.append(EntityMention(target, names[target], surface, start))
    return result


# Ranking --------------------------------------------------------------------------------------
def link_weight(score: float) -> float:
    """0.6 to 1 by the link's salience: sharing two entities always counts more than one."""
    return 0.6 + 0.4 * min(max(score, 0.0), 1.0)


def rank_links(links: Iterable[Link], limit: int) -> list[tuple[int, float, set[int]]]:
    """(article id, score, shared entity ids) of the best articles: score, then newest first.

    An article's score adds, for each paragraph entity it shares, the weight of its best link
    to it (an article may be linked to a record and to its duplicate).
    """
    best: dict[int, dict[int, float]] = defaultdict(dict)
    published: dict[int, float] = {}  # timestamps, 0 when never published
    for link in links:
        weights = best[link.article_id]
        weights[link.entity_id] = max(weights.get(link.entity_id, 0.0), link_weight(link.score))
        published[link.article_id] = link.published_at.timestamp() if link.published_at else 0.0
    ranked = sorted(
        best,
        key=lambda article_id: (
            -round(sum(best[article_id].values()), 6),
            -published[article_id],
            -article_id,
        ),
    )
    return [
        (article_id, round(sum(best[article_id].values()), 3), set(best[article_id]))
        for article_id in ranked[:limit]
    ]


def earlier_articles(article: ArticlePage | None) -> PageQuerySet:
    """Published articles a reader can open, before `article` was first published."""
    articles = ArticlePage.objects.live().public()
    if article is not None and article.pk:
        articles = articles.exclude(pk=article.pk)
        if article.first_published_at:
            articles = articles.filter(first_published_at__lt=article.first_published_at)
    return articles


def suggest_read_also(
    text: str, *, article: ArticlePage | None = None, limit: int = 5
) -> list[ReadAlsoSuggestion]:
    """Earlier articles about the entities `text` names, best first.

    Links an editor rejected do not count; accepted and still-suggested ones do.
    """
    return list(read_also_for_paragraph(text, article=article, limit=limit).suggestions)


def read_also_for_paragraph(
    text: str, *, article: ArticlePage | None = None, limit: int = 5
) -> ParagraphSuggestions:
    """The entities a paragraph names and the earlier articles about them."""
    if len(text) > MAX_TEXT_LENGTH:
        raise TextTooLong(limit=MAX_TEXT_LENGTH, length=len(text))
    mentions = entities_in(text)
    suggestions = suggestions_for(mentions, article=article, limit=limit)
    return ParagraphSuggestions(tuple(mentions), tuple(suggestions))


def suggestions_for(
    mentions: list[EntityMention], *, article: ArticlePage | None = None, limit: int = 5
) -> list[ReadAlsoSuggestion]:
    if not mentions or limit < 1:
        return []
    members = member_ids(mention.entity_id for mention in mentions)
    links = ArticleEntity.objects.filter(
        entity_id__in=list(members),
        status__in=[Status.ACCEPTED, Status.SUGGESTED],
        article__in=earlier_articles(article),
    )
    weight = ExpressionWrapper(Value(0.6) + Value(0.4) * F("score"), output_field=FloatField())
    shortlist = list(
        links.values("article_id")
        .annotate(weight=Sum(weight), published=Max("article__first_published_at"))
        .order_by("-weight", "-published", "-article_id")
        .values_list("article_id", flat=True)[: limit * SHORTLIST_FACTOR]
    )
    rows = links.filter(article_id__in=shortlist).values_list(
        "article_id", "entity_id", "score", "article__first_published_at"
    )
    ranked = rank_links((Link(row[0], members[row[1]], row[2], row[3]) for row in rows), limit)
    pages = ArticlePage.objects.in_bulk([article_id for article_id, _, _ in ranked])
    return [
        ReadAlsoSuggestion(
            page=pages[article_id],
            title=pages[article_id].title,
            url=pages[article_id].get_full_url() or "",
            published_at=pages[article_id].first_published_at,
            entities=tuple(mention.name for mention in mentions if mention.entity_id in shared),
            score=score,
        )
        for article_id, score, shared in ranked
        if article_id in pages
    ]
