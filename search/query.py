"""Reading the query: the person, organisation or place it names, and its other words.

A run of the query's words names an entity when it matches one of its aliases (compared as
`normalise_name` does: no case, accents or leading article) or its canonical name; the
search then adds and boosts the articles editors tagged with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from enrichment.merges import kept_record
from enrichment.models import Entity, EntityAlias, Status
from newsroom.text import normalise_name
from search.analysis import french_terms

# An entity name is looked for in runs of up to this many words of the query.
MAX_ENTITY_WORDS = 6


@dataclass(frozen=True)
class EntityMatch:
    """The entity a query names, and the words that named it."""

    entity: Entity
    words: str


def find_entity(query: str) -> tuple[EntityMatch | None, list[str]]:
    """The entity the longest run of query words names, and the other words' terms.

    A run matches an alias (compared as `normalise_name` does: no case, accents or leading
    article) or a canonical name. When several records share the name, the one with the most
    accepted articles wins; a merged record gives way to the one it joined.
    """
    words = query.split()
    runs = {}
    for size in range(min(len(words), MAX_ENTITY_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            surface = " ".join(words[start : start + size])
            key = normalise_name(surface)
            if len(key) >= 2 and french_terms(key) and key not in runs:
                runs[key] = (size, start, surface)
    if not runs:
        return None, french_terms(query)
    by_key: dict[str, set[int]] = {}
    for key, entity_id in EntityAlias.objects.filter(normalised__in=list(runs)).values_list(
        "normalised", "entity_id"
    ):
        by_key.setdefault(key, set()).add(entity_id)
    surfaces = {run[2] for run in runs.values()}
    surfaces |= {form for surface in surfaces for form in (surface.title(), surface.lower())}
    for name, entity_id in Entity.objects.filter(name__in=surfaces).values_list("name", "pk"):
        by_key.setdefault(normalise_name(name), set()).add(entity_id)
    found = [key for key in by_key if key in runs]
    if not found:
        return None, french_terms(query)
    key = max(found, key=lambda key: (runs[key][0], -runs[key][1]))
    size, start, surface = runs[key]
    entity = _most_followed(by_key[key])
    rest = " ".join(words[:start] + words[start + size :])
    return EntityMatch(entity=entity, words=surface), french_terms(rest)


def name_terms(entity: Entity) -> tuple[str, ...]:
    """Terms of the entity's names, so "Putin" marks "Poutine" in a snippet."""
    names = [entity.name, *entity.aliases.values_list("name", flat=True)]
    return tuple(french_terms(" ".join(names)))


def _most_followed(entity_ids: set[int]) -> Entity:
    """Of records sharing a name ("Georgia"), the kept one with the most accepted articles."""
    entities = Entity.objects.filter(pk__in=entity_ids).select_related("merged_into")
    kept = {entity.pk: entity for entity in (kept_record(entity) for entity in entities)}
    if len(kept) == 1:
        return next(iter(kept.values()))
    counts = dict(
        Entity.objects.filter(pk__in=kept)
        .annotate(
            accepted=Count(
                "article_links", filter=Q(article_links__status=Status.ACCEPTED), distinct=True
            )
        )
        .values_list("pk", "accepted")
    )
    return max(kept.values(), key=lambda entity: (counts.get(entity.pk, 0), -entity.pk))
