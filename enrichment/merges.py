"""Merged entity records: a duplicate points at the record that stays (`merged_into`).

Every app that follows merges calls these, so a chain of merges (A → B → C) and an
accidental loop are handled the same way everywhere.
"""

from collections.abc import Iterable

from enrichment.models import Entity


def merge_chain(entity: Entity) -> list[Entity]:
    """The record, then each record it was merged into in turn, to the one that stays
    (loops cut): for callers that need every step, not only the end."""
    chain, seen = [entity], {entity.pk}
    while entity.merged_into_id and entity.merged_into_id not in seen:
        seen.add(entity.merged_into_id)
        entity = entity.merged_into
        chain.append(entity)
    return chain


def kept_record(entity: Entity) -> Entity:
    """The record a merged entity points at, followed to the end (loops cut)."""
    return merge_chain(entity)[-1]


def kept_ids(entity_ids: Iterable[int]) -> dict[int, int]:
    """Each existing record id → the record it was merged into (in as many steps), or itself.

    One query per step of the longest chain, not one per record."""
    entity_ids = set(entity_ids)
    merged_into: dict[int, int | None] = {}
    pending = set(entity_ids)
    while pending:
        rows = dict(Entity.objects.filter(pk__in=pending).values_list("pk", "merged_into"))
        merged_into.update(rows)
        pending = {target for target in rows.values() if target and target not in merged_into}
    resolved = {}
    for entity_id in entity_ids & merged_into.keys():
        current, seen = entity_id, {entity_id}
        while (target := merged_into.get(current)) and target not in seen:
            current = target
            seen.add(current)
        resolved[entity_id] = current
    return resolved


def member_ids(kept: Iterable[int]) -> dict[int, int]:
    """Every record that leads to one of `kept` (itself included) → that kept id.

    Resolved first so that the big queries filter on `entity_id` alone (its index) rather
    than joining every article link to its entity."""
    members = {entity_id: entity_id for entity_id in kept}
    frontier = set(members)
    while frontier:
        rows = Entity.objects.filter(merged_into__in=frontier).exclude(pk__in=list(members))
        frontier = set()
        for entity_id, target in rows.values_list("pk", "merged_into"):
            members[entity_id] = members[target]
            frontier.add(entity_id)
    return members
