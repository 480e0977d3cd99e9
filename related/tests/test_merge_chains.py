"""Related articles follow a chain of merges (A into B, B into C) to the record that stays."""

from datetime import UTC, datetime, timedelta

import pytest

from enrichment.models import ArticleEntity, Entity, Kind, Status
from newsroom.tests.factories import ArticlePageFactory
from related.candidates import load_signals
from related.models import RelatedArticle

pytestmark = pytest.mark.django_db

START = datetime(2023, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def chain():
    """C stays; B was merged into C, then A (older still) into B."""
    kept = Entity.objects.create(kind=Kind.PERSON, name="Kaïs Saïed", slug="kais-saied")
    middle = Entity.objects.create(
        kind=Kind.PERSON, name="K. Saïed", slug="k-saied", merged_into=kept
    )
    oldest = Entity.objects.create(
        kind=Kind.PERSON, name="Président Saïed", slug="president-saied", merged_into=middle
    )
    return oldest, middle, kept


def publish(parent, title, text, *, days=0):
    return ArticlePageFactory(
        parent=parent,
        title=title,
        kicker="",
        standfirst=text,
        body__0__paragraph__value=f"<p>{text}</p>",
        first_published_at=START + timedelta(days=days),
    )


def test_an_article_tagged_with_the_oldest_record_weighs_the_one_that_stays(chain, site_tree):
    oldest, _, kept = chain
    article = publish(site_tree.maghreb, "Tunis vote", "Les bureaux de vote ont fermé.")
    ArticleEntity.objects.create(article=article, entity=oldest, score=0.8, status=Status.ACCEPTED)

    signals = load_signals([article.pk])

    assert signals[article.pk].entities == {kept.pk: 0.8}


def test_articles_tagged_at_both_ends_of_a_chain_are_related(
    chain, site_tree, settings, django_capture_on_commit_callbacks
):
    settings.RELATED_REFRESH_AUTOMATICALLY = True
    oldest, _, kept = chain
    older = publish(site_tree.golfe, "Récolte d'olives", "La récolte a commencé à Sfax.")
    newer = publish(site_tree.maghreb, "Un remaniement", "Le gouvernement change.", days=1)
    ArticleEntity.objects.create(article=older, entity=oldest, score=0.9, status=Status.ACCEPTED)
    ArticleEntity.objects.create(article=newer, entity=kept, score=0.9, status=Status.ACCEPTED)

    for page in (older, newer):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    assert RelatedArticle.objects.filter(article=newer, candidate=older).exists()
