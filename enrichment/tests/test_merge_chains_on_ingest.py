"""enrichment.services.entity_for and the gazetteer follow a whole chain of merges (A into B,
B into C) to the record that stays, not one step (#13)."""

import pytest

from enrichment.gazetteer import Gazetteer
from enrichment.models import Entity, EntityAlias, Kind
from enrichment.results import EntityFound
from enrichment.services import entity_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    kept = Entity.objects.create(kind=Kind.PERSON, name="Abdelmadjid Tebboune", slug="tebboune")
    middle = Entity.objects.create(
        kind=Kind.PERSON, name="A. Tebboune", slug="a-tebboune", merged_into=kept
    )
    oldest = Entity.objects.create(
        kind=Kind.PERSON,
        name="Président Tebboune",
        slug="president-tebboune",
        key="president-tebboune",
        merged_into=middle,
    )
    EntityAlias.objects.create(entity=oldest, name="Tebboune l'ancien")
    return oldest, middle, kept


def test_the_gazetteer_leads_the_oldest_record_s_names_to_the_one_that_stays(chain):
    _, _, kept = chain

    gazetteer = Gazetteer.from_database()

    assert gazetteer.lookup("Président Tebboune").entity_id == kept.pk
    assert gazetteer.lookup("Tebboune l'ancien").entity_id == kept.pk


def test_a_found_name_of_the_oldest_record_is_stored_on_the_one_that_stays(chain):
    _, _, kept = chain

    assert entity_for(EntityFound("x", "PER", entity_key="president-tebboune")) == kept
    assert entity_for(EntityFound("Tebboune l'ancien", "PER")) == kept
    assert entity_for(EntityFound("Président Tebboune", "PER")) == kept
