"""Reader pages follow a chain of merges (A merged into B, B into C) to the record that stays."""

import pytest

from enrichment.merges import kept_ids, kept_record, member_ids, merge_chain
from enrichment.models import ArticleEntity, Entity, Kind, Quote, Status
from newsroom.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """C stays; B was merged into C, then A (older still) into B."""
    kept = Entity.objects.create(kind=Kind.PERSON, name="Abdelmadjid Tebboune", slug="tebboune")
    middle = Entity.objects.create(
        kind=Kind.PERSON, name="A. Tebboune", slug="a-tebboune", merged_into=kept
    )
    oldest = Entity.objects.create(
        kind=Kind.PERSON, name="Président Tebboune", slug="president-tebboune", merged_into=middle
    )
    return oldest, middle, kept


def test_every_step_of_a_chain_leads_to_the_record_that_stays(chain):
    oldest, middle, kept = chain

    assert merge_chain(oldest) == [oldest, middle, kept]
    assert kept_record(oldest) == kept_record(middle) == kept
    assert kept_ids([oldest.pk, middle.pk, kept.pk]) == dict.fromkeys(
        [oldest.pk, middle.pk, kept.pk], kept.pk
    )
    assert member_ids([kept.pk]) == dict.fromkeys([oldest.pk, middle.pk, kept.pk], kept.pk)


def test_a_merge_loop_ends_where_it_comes_back():
    first = Entity.objects.create(kind=Kind.PERSON, name="Yasmina Khadra", slug="khadra")
    second = Entity.objects.create(
        kind=Kind.PERSON, name="Y. Khadra", slug="y-khadra", merged_into=first
    )
    first.merged_into = second
    first.save()

    assert merge_chain(first) == [first, second]


def test_the_oldest_record_of_a_chain_sends_readers_straight_to_the_one_that_stays(
    chain, client, site_tree
):
    oldest, middle, kept = chain

    for record in (oldest, middle):
        response = client.get(record.get_absolute_url())
        assert response.status_code == 301
        assert response["Location"] == kept.get_absolute_url()


def test_the_record_that_stays_lists_articles_and_quotes_of_the_whole_chain(
    chain, client, site_tree
):
    oldest, _, kept = chain
    article = ArticlePageFactory(parent=site_tree.maghreb, title="Alger fixe le prix du gaz")
    ArticleEntity.objects.create(article=article, entity=oldest, status=Status.ACCEPTED)
    Quote.objects.create(
        article=article,
        speaker=oldest,
        speaker_name=oldest.name,
        text="Le gaz algérien restera au juste prix",
        status=Status.ACCEPTED,
    )

    html = client.get(kept.get_absolute_url()).content.decode()

    assert article.title in html
    assert "Le gaz algérien restera au juste prix" in html


def test_a_merge_loop_shows_a_page_instead_of_redirecting_for_ever(client, site_tree):
    first = Entity.objects.create(kind=Kind.PERSON, name="Yasmina Khadra", slug="khadra")
    second = Entity.objects.create(
        kind=Kind.PERSON, name="Y. Khadra", slug="y-khadra", merged_into=first
    )
    first.merged_into = second
    first.save()

    assert client.get(first.get_absolute_url()).status_code == 200
    assert client.get(second.get_absolute_url()).status_code == 200
