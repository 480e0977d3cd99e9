"""The canonical records of the names an article's enrichment found, read in a few queries.

`entity_for` looks one name up as editors' records are matched everywhere: the gazetteer's
key (or a slug), then an alias of that kind, then the record's own name in any case; a name
never seen becomes a new record, with its name as its first alias.

Why a batch (issue #15): an article names about ten people, places and organisations, and
looking each up alone was three to six queries a name, a tenth of an enrichment's time in a
bulk import. `KnownNames` reads the keys, slugs and aliases of all of them at once, then
answers each name as `entity_for` would, in the article's order: a record it creates is
known to the names after it, and a lookup it cannot answer from what it read (a name that
may match a record's own name, in another case) is asked of the database as before.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Q
from django.utils.text import slugify

from enrichment.gazetteer import unique_slug
from enrichment.merges import kept_record
from enrichment.models import Entity, EntityAlias
from enrichment.results import EntityFound
from newsroom.text import normalise_name


class KnownNames:
    """What the database knows of `names`, for `entity_for` on each of them in turn."""

    def __init__(self, names: Iterable[EntityFound]) -> None:
        names = list(names)
        keys = {found.entity_key for found in names if found.entity_key}
        self._by_key: dict[str, Entity] = {}
        self._by_slug: dict[str, Entity] = {}
        if keys:
            for entity in Entity.objects.filter(Q(key__in=keys) | Q(slug__in=keys)):
                if entity.key in keys:
                    self._by_key[entity.key] = entity
                if entity.slug in keys:
                    self._by_slug[entity.slug] = entity
        wanted = {(normalise_name(found.name), found.kind) for found in names}
        self._aliases: dict[tuple[str, str], Entity] = {}
        if wanted:
            aliases = (
                EntityAlias.objects.filter(
                    normalised__in={normalised for normalised, _ in wanted},
                    entity__kind__in={kind for _, kind in wanted},
                )
                .select_related("entity__merged_into")
                .order_by("sort_order", "pk")
            )
            for alias in aliases:
                self._aliases.setdefault((alias.normalised, alias.entity.kind), alias.entity)
        # The names no alias answers: may one be a record's own name, in another case?
        unknown = [found for found in names if self._alias(found) is None]
        self._by_own_name = (
            bool(unknown)
            and (
                Entity.objects.filter(_any_of(Q(kind=f.kind, name__iexact=f.name) for f in unknown))
            ).exists()
        )
        self._prefixes = {slugify(found.name)[:180] for found in unknown}
        self._taken: set[str] | None = None
        self._created: list[Entity] = []
        self.new_aliases: list[EntityAlias] = []

    def _alias(self, found: EntityFound) -> Entity | None:
        return self._aliases.get((normalise_name(found.name), found.kind))

    def _own_name(self, found: EntityFound) -> Entity | None:
        """The first record of that kind with that name in any case, as the database
        compares them (`iexact`); asked only when a record might have it."""
        folded = found.name.casefold()
        created = any(
            entity.kind == found.kind and entity.name.casefold() == folded
            for entity in self._created
        )
        if not (self._by_own_name or created):
            return None
        return Entity.objects.filter(kind=found.kind, name__iexact=found.name).first()

    def _taken_slugs(self, prefix: str) -> set[str]:
        """Slugs starting with `prefix` (and others: a superset is as good for
        `unique_slug`, which asks only about slugs made from the prefix)."""
        if self._taken is None or prefix not in self._prefixes:
            self._prefixes.add(prefix)
            self._taken = set(
                Entity.objects.filter(
                    _any_of(Q(slug__startswith=known) for known in self._prefixes)
                ).values_list("slug", flat=True)
            ) | {entity.slug for entity in self._created}
        return self._taken

    def entity_for(self, found: EntityFound, *, new: list[int] | None = None) -> Entity:
        """The canonical record of `found`; a name we never saw becomes a new record.

        A new record's id is added to `new` when given: the caller then indexes them all at
        once (`enrichment.services.index_new_entities`) instead of a search and a reference
        index task for each. Its alias waits in `new_aliases` for `save_aliases`.
        """
        if found.entity_key:
            entity = self._by_key.get(found.entity_key) or self._by_slug.get(found.entity_key)
            if entity is not None:
                return kept_record(entity)
        entity = self._alias(found) or self._own_name(found)
        if entity is not None:
            return kept_record(entity)
        entity = Entity(
            kind=found.kind,
            name=found.name[:200],
            slug=unique_slug(found.name, self._taken_slugs(slugify(found.name)[:180])),
            country=found.country,
        )
        if new is None:
            entity.save()
        else:
            # Without save signals: Wagtail's would queue two index tasks for this one record.
            Entity.objects.bulk_create([entity])
            new.append(entity.pk)
        self._created.append(entity)
        self._by_slug.setdefault(entity.slug, entity)
        alias = EntityAlias(entity=entity, name=found.name[:200])
        alias.normalised = normalise_name(alias.name)
        self._aliases.setdefault((alias.normalised, entity.kind), entity)
        self.new_aliases.append(alias)
        return entity

    def save_aliases(self) -> None:
        """The aliases of the records created, in one query."""
        EntityAlias.objects.bulk_create(self.new_aliases)
        self.new_aliases = []


def _any_of(conditions: Iterable[Q]) -> Q:
    return reduce(operator.or_, conditions)


def entity_for(found: EntityFound, *, new: list[int] | None = None) -> Entity:
    """The canonical record of an EntityFound (`KnownNames.entity_for`, for one name)."""
    known = KnownNames([found])
    entity = known.entity_for(found, new=new)
    known.save_aliases()
    return entity
