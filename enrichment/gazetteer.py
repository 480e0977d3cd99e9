"""The alias index: from any spelling in copy to one canonical entity.

"Poutine", "Putin", "Vladimir Putin" and "بوتين" all normalise to keys that point at the
entity "Vladimir Poutine". The index is built once per process from the database (the
curated gazetteer plus the records editors and enrichment added) or, where the database has
none yet, straight from the curated data, so `manage.py extract` works on a fresh checkout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils.text import slugify
from wagtail.search.backends import get_search_backend

from enrichment.gazetteer_data import GazetteerEntry, gazetteer_entries
from enrichment.merges import kept_ids
from enrichment.models import Entity, EntityAlias

# Aliases are keyed by the one name normalisation of `newsroom.text`; search, read-also and
# enrichment's services still import it from here (issue #13).
from newsroom.text import normalise_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Canonical:
    """What the index answers: enough to link a mention without a database query."""

    key: str
    name: str
    kind: str
    country: str = ""
    entity_id: int | None = None


class Gazetteer:
    """Normalised alias → canonical entries (a list: "Georgia" may be a state or a country)."""

    def __init__(self) -> None:
        self._by_alias: dict[str, list[Canonical]] = {}
        self.surface_forms: set[str] = set()

    def add(self, canonical: Canonical, names: Iterable[str]) -> None:
        for name in names:
            normalised = normalise_name(name)
            if not normalised:
                continue
            entries = self._by_alias.setdefault(normalised, [])
            if canonical not in entries:
                entries.append(canonical)
            self.surface_forms.add(name)

    def lookup(self, name: str, kind: str = "") -> Canonical | None:
        """The entry for `name`, preferring one of `kind`; None when unknown or ambiguous."""
        entries = self._by_alias.get(normalise_name(name), [])
        if kind:
            same_kind = [entry for entry in entries if entry.kind == kind]
            entries = same_kind or entries
        return entries[0] if len(entries) == 1 else None

    def __len__(self) -> int:
        return len(self._by_alias)

    @classmethod
    def from_entries(cls, entries: Iterable[GazetteerEntry]) -> Gazetteer:
        gazetteer = cls()
        for entry in entries:
            canonical = Canonical(entry.key, entry.name, entry.kind, entry.country)
            gazetteer.add(canonical, (entry.name, *entry.aliases))
        return gazetteer

    @classmethod
    def from_database(cls) -> Gazetteer:
        """Every record under its names; a merged record's names lead to the one it joined."""
        gazetteer = cls()
        entities = {entity.pk: entity for entity in Entity.objects.prefetch_related("aliases")}
        kept = kept_ids(entities)  # a chain of merges is followed to the record that stays
        for entity in entities.values():
            target = entities[kept[entity.pk]]
            canonical = Canonical(
                target.key or target.slug,
                target.name,
                target.kind,
                str(target.country or ""),
                target.pk,
            )
            names = (entity.name, *(alias.name for alias in entity.aliases.all()))
            gazetteer.add(canonical, names)
        return gazetteer


def default_gazetteer() -> Gazetteer:
    """The database's entities when it has some, else the curated data itself."""
    try:
        if Entity.objects.exists():
            return Gazetteer.from_database()
    except DatabaseError as error:  # no tables yet (`extract` before migrate): curated data
        logger.info("Gazetteer read from the curated data: %s", error)
    return Gazetteer.from_entries(gazetteer_entries())


@transaction.atomic
def load_gazetteer(entries: Iterable[GazetteerEntry] | None = None) -> tuple[int, int]:
    """Create or refresh the curated entities; editors' changes to names stay theirs.

    Returns (created, updated). Aliases are only added, never removed, so an alias an
    editor typed survives a reload. Rows are written in bulk (hundreds of entries on every
    `make run`), then added to the admin search index in one call.
    """
    entries = list(entries if entries is not None else gazetteer_entries())
    existing = {entity.key: entity for entity in Entity.objects.exclude(key="")}
    taken_slugs = set(Entity.objects.values_list("slug", flat=True))
    new_entities = [
        Entity(
            key=entry.key,
            kind=entry.kind,
            name=entry.name,
            slug=unique_slug(entry.name, taken_slugs),
            description=entry.role,
            country=entry.country,
            wikidata_id=entry.wikidata,
        )
        for entry in entries
        if entry.key not in existing
    ]
    Entity.objects.bulk_create(new_entities)
    created = {
        entity.key: entity
        for entity in Entity.objects.filter(key__in=[e.key for e in new_entities])
    }
    known: dict[int, set[str]] = {}
    for alias in EntityAlias.objects.filter(entity__key__in=list(existing)).values_list(
        "entity_id", "normalised"
    ):
        known.setdefault(alias[0], set()).add(alias[1])
    new_aliases = []
    for entry in entries:
        entity = existing.get(entry.key) or created[entry.key]
        seen = known.setdefault(entity.pk, set())
        for alias in entry.aliases:
            normalised = normalise_name(alias)
            if normalised and normalised not in seen:
                seen.add(normalised)
                new_aliases.append(EntityAlias(entity=entity, name=alias, normalised=normalised))
    EntityAlias.objects.bulk_create(new_aliases)
    if created:
        get_search_backend().add_bulk(Entity, list(created.values()))
    return len(created), len(entries) - len(created)


def unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:180] or "entite"
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    taken.add(slug)
    return slug
