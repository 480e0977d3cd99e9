"""“À lire sur le même thème” as the article page lists it: the editor's pins, then the stored
ranking, falling back to shared topics and section. Moved from newsroom's content-model tests
with the code they test (issue #13: the page asks related articles through a hook).
"""

import datetime

import pytest

from newsroom.tests.factories import ArticlePageFactory, TopicFactory
from related.services import articles_to_read

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return datetime.datetime(2022, 12, day, hour, tzinfo=datetime.UTC)


def test_related_articles_share_a_topic_or_the_section_and_never_the_article_itself(site_tree):
    water = TopicFactory(name="Eau")
    article = ArticlePageFactory(parent=site_tree.maghreb, topics=[water], first_published_at=at(1))
    same_topic = ArticlePageFactory(
        parent=site_tree.golfe, topics=[water], first_published_at=at(2)
    )
    same_section = ArticlePageFactory(parent=site_tree.maghreb, first_published_at=at(3))
    ArticlePageFactory(parent=site_tree.golfe, topics=[TopicFactory()], first_published_at=at(4))
    ArticlePageFactory(parent=site_tree.maghreb, topics=[water], publish=False)

    related = articles_to_read(article)

    assert related == [same_section, same_topic]


def test_related_articles_are_limited_and_listed_once(site_tree):
    water, energy = TopicFactory(), TopicFactory()
    article = ArticlePageFactory(parent=site_tree.maghreb, topics=[water, energy])
    for day in range(1, 7):
        ArticlePageFactory(
            parent=site_tree.maghreb, topics=[water, energy], first_published_at=at(day)
        )

    related = articles_to_read(article, limit=4)

    assert len(related) == 4
    assert len({page.pk for page in related}) == 4
    assert article not in related
