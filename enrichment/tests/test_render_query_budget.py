"""An uncached entity or country page costs a fixed number of queries, whatever it lists
(issue #15; see `newsroom.tests.budget`)."""

import pytest

from enrichment.models import ArticleCountry, ArticleEntity, Entity, Kind, Status
from newsroom.tests.budget import uncached_queries
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

BUDGET = 7


def tag(article, entity):
    ArticleEntity.objects.create(article=article, entity=entity, status=Status.ACCEPTED)
    ArticleCountry.objects.create(article=article, country="DZ", status=Status.ACCEPTED)


def articles(site_tree, entity, count, start=0):
    for number in range(start, start + count):
        article = ArticlePageFactory(
            parent=site_tree.sections[number % 2],
            title=f"Article {number}",
            topics=[TopicFactory(name=f"Sujet {number}")],
        )
        tag(article, entity)


@pytest.mark.parametrize("url", ["/entites/tebboune/", "/pays/dz/"])
def test_an_entity_or_country_page_costs_the_same_with_two_articles_or_twelve(
    site_tree, client, url
):
    tebboune = Entity.objects.create(kind=Kind.PERSON, name="Abdelmadjid Tebboune", slug="tebboune")
    articles(site_tree, tebboune, 2)
    few = len(uncached_queries(client, url))
    articles(site_tree, tebboune, 10, start=2)

    many = uncached_queries(client, url)
    assert "Article 11" in client.get(url).content.decode()
    assert len(many) <= few
    assert len(many) <= BUDGET, "\n".join(many)
