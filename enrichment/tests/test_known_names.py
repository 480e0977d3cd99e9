"""An article's names looked up together (`KnownNames`, issue #15) give the records, new
records, slugs and aliases that looking each up alone gave (main's `entity_for`, kept here
as the reference), in the article's order, on the same database."""

import pytest
from django.db import transaction
from django.utils.text import slugify
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from enrichment.gazetteer import unique_slug
from enrichment.known_names import KnownNames
from enrichment.merges import kept_record
from enrichment.models import Entity, EntityAlias, Kind
from enrichment.results import EntityFound
from newsroom.text import normalise_name


def entity_for_alone(found, *, new=None):
    """`enrichment.services.entity_for` as it was before the batch: one name at a time."""
    if found.entity_key:
        entity = (
            Entity.objects.filter(key=found.entity_key).first()
            or Entity.objects.filter(slug=found.entity_key).first()
        )
        if entity is not None:
            return kept_record(entity)
    normalised = normalise_name(found.name)
    alias = (
        EntityAlias.objects.filter(normalised=normalised, entity__kind=found.kind)
        .select_related("entity__merged_into")
        .first()
    )
    if alias is not None:
        return kept_record(alias.entity)
    for entity in Entity.objects.filter(kind=found.kind, name__iexact=found.name):
        return kept_record(entity)
    taken = set(
        Entity.objects.filter(slug__startswith=slugify(found.name)[:180]).values_list(
            "slug", flat=True
        )
    )
    entity = Entity(
        kind=found.kind,
        name=found.name[:200],
        slug=unique_slug(found.name, taken),
        country=found.country,
    )
    if new is None:
        entity.save()
    else:
        Entity.objects.bulk_create([entity])
        new.append(entity.pk)
    EntityAlias.objects.create(entity=entity, name=found.name[:200])
    return entity


def records():
    """Entities and aliases as (kind, name, slug, key, merged into, alias, normalised)."""
    aliases = {
        entity_id: sorted(names)
        for entity_id, names in _group(EntityAlias.objects.values_list("entity_id", "name"))
    }
    return sorted(
        (kind, name, slug, key, merged and slugs[merged], tuple(aliases.get(pk, ())))
        for slugs in [dict(Entity.objects.values_list("pk", "slug"))]
        for pk, kind, name, slug, key, merged in Entity.objects.values_list(
            "pk", "kind", "name", "slug", "key", "merged_into"
        )
    )


def _group(pairs):
    grouped = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped.items()


def newsroom_records():
    """Gazetteer records with keys, aliases, a chain of merges, names differing in case
    or accents only, slugs already taken."""
    kept = Entity.objects.create(kind=Kind.PERSON, name="Kaïs Saïed", slug="kais-saied")
    middle = Entity.objects.create(
        kind=Kind.PERSON, name="K. Saïed", slug="k-saied", merged_into=kept
    )
    Entity.objects.create(
        kind=Kind.PERSON,
        name="Président Saïed",
        slug="president-saied",
        key="president-saied",
        merged_into=middle,
    )
    onu = Entity.objects.create(kind=Kind.ORGANISATION, name="ONU", slug="onu", key="onu")
    EntityAlias.objects.create(entity=onu, name="Nations unies")
    EntityAlias.objects.create(entity=middle, name="Saïed")
    Entity.objects.create(kind=Kind.PLACE, name="Tunis", slug="tunis")  # no alias
    Entity.objects.create(kind=Kind.PLACE, name="Sfax", slug="sfax-2")
    Entity.objects.create(kind=Kind.PERSON, name="Ali", slug="ali")
    Entity.objects.create(kind=Kind.PERSON, name="Ali Ben", slug="ali-ben-3")


NAMES = [
    EntityFound("x", "PER", entity_key="president-saied"),
    EntityFound("ONU", "ORG", entity_key="onu"),
    EntityFound("Onu", "ORG"),
    EntityFound("nations Unies", "ORG"),
    EntityFound("Saied", "PER"),
    EntityFound("TUNIS", "LOC"),
    EntityFound("Tunis", "PER"),
    EntityFound("Sfax", "LOC", country="TN"),
    EntityFound("sfax", "LOC"),
    EntityFound("Ali", "ORG"),
    EntityFound("Ali Ben", "PER"),
    EntityFound("Ali ben", "ORG"),
    EntityFound("Ali Ben", "ORG"),
    EntityFound("y", "LOC", entity_key="sfax"),
    EntityFound("z", "LOC", entity_key="nowhere"),
    EntityFound("!!!", "PER"),
    EntityFound("???", "PER"),
    EntityFound("Élysée", "LOC"),
    EntityFound("élysée", "LOC"),
    EntityFound("ELYSEE", "LOC"),
    EntityFound("Le Caire", "LOC"),
    EntityFound("Caire", "LOC"),
]


def outcome(lookup, names):
    """What looking the names up gave (each record's slug, the new ids' slugs) and the
    records left, undone afterwards."""
    with transaction.atomic():
        new = []
        found = [lookup(name, new) for name in names]
        result = (
            [entity.slug for entity in found],
            [Entity.objects.get(pk=pk).slug for pk in new],
            records(),
        )
        transaction.set_rollback(True)
    return result


def alone(names):
    return outcome(lambda name, new: entity_for_alone(name, new=new), names)


def together(names):
    known = None

    def lookup(name, new):
        nonlocal known
        known = known or KnownNames(names)
        entity = known.entity_for(name, new=new)
        if name is names[-1]:
            known.save_aliases()
        return entity

    return outcome(lookup, names)


@pytest.mark.django_db
def test_names_looked_up_together_give_what_each_alone_gave():
    newsroom_records()
    assert together(NAMES) == alone(NAMES)
    assert together(NAMES[::-1]) == alone(NAMES[::-1])


class TestAnyArticle(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=12))
    def test_any_article_s_names(self, names):
        newsroom_records()
        assert together(names) == alone(names)


@pytest.mark.django_db
def test_an_article_s_topics_read_together_are_those_topic_for_finds():
    from enrichment.services import _topics_by_qcode, topic_for
    from newsroom.models import Topic

    Topic.objects.create(name="Santé", slug="sante", iptc_qcode="medtop:07000000")
    Topic.objects.create(name="Économie", slug="economie", iptc_qcode="medtop:04000000")
    Topic.objects.create(name="Affaires", slug="affaires", iptc_qcode="medtop:04000000")
    Topic.objects.create(name="Sans code", slug="sans-code")
    codes = ["medtop:04000000", "medtop:07000000", "", "medtop:01000000"]

    together = _topics_by_qcode(codes)

    assert together == {code: topic_for(code, "x") for code in codes if code != "medtop:01000000"}
