"""Uncached reader pages cost a small, fixed number of queries, whatever they show (issue #15).

Each page is counted after a purge (see `budget`): once with a few articles, topics or
authors and once with many more; the count must not grow, and stays under a budget.
"""

import pytest

from newsroom.tests.budget import uncached_queries
from newsroom.tests.factories import ArticlePageFactory, AuthorFactory, TopicFactory

# Queries for an uncached page once the long-lived keys are warm (see the module doc of
# `budget`). Routing takes 1 of the article's: the site, la une and the section are kept
# (`newsroom.kept_tree`), and the article is read as its own model (`OneTypeOfChild`); with
# no page of the site restricted, Wagtail's alias and restriction reads are skipped
# (`ViewRestrictionsReadOnce`). La une takes 6, a section 4, a topic page 5.
ARTICLE_BUDGET = 10
LISTING_BUDGET = 6


@pytest.mark.parametrize("page", ["home", "section", "topic"])
def test_a_listing_costs_the_same_with_three_articles_or_twelve(site_tree, client, page):
    topic = TopicFactory(name="Énergie")
    urls = {"home": "/", "section": site_tree.maghreb.url, "topic": f"/sujets/{topic.slug}/"}
    for number in range(3):
        ArticlePageFactory(parent=site_tree.maghreb, title=f"Article {number}", topics=[topic])
    few = len(uncached_queries(client, urls[page]))
    for number in range(3, 12):
        ArticlePageFactory(
            parent=site_tree.maghreb,
            title=f"Article {number}",
            topics=[topic, TopicFactory(name=f"Sujet {number}")],
            authors=[AuthorFactory()],
        )

    many = uncached_queries(client, urls[page])
    assert len(many) <= few
    assert len(many) <= LISTING_BUDGET, "\n".join(many)


def test_an_article_costs_the_same_with_one_topic_or_five(site_tree, client):
    plain = ArticlePageFactory(
        parent=site_tree.maghreb, topics=[TopicFactory(name="Gaz")], authors=[AuthorFactory()]
    )
    rich = ArticlePageFactory(
        parent=site_tree.maghreb,
        topics=[TopicFactory(name=f"Sujet {number}") for number in range(5)],
        authors=[AuthorFactory() for _ in range(3)],
    )
    for _ in range(6):
        ArticlePageFactory(parent=site_tree.maghreb, topics=list(rich.topics.all()))

    few = len(uncached_queries(client, plain.url))
    many = uncached_queries(client, rich.url)
    assert len(many) <= few
    assert len(many) <= ARTICLE_BUDGET, "\n".join(many)


def test_an_articles_own_lists_are_each_read_once(site_tree, client):
    """Topics, authors and dateline places are shown three times (meta tags, JSON-LD, the
    page): each is read in one query, not once per use."""
    article = ArticlePageFactory(
        parent=site_tree.maghreb,
        topics=[TopicFactory(name="Gaz"), TopicFactory(name="Pétrole")],
        authors=[AuthorFactory()],
    )
    article.dateline_places.create(name="Alger")

    queries = uncached_queries(client, article.url)
    for table in ("newsroom_topic", "newsroom_author", "newsroom_articledatelineplace"):
        reads = [sql for sql in queries if f'FROM "{table}"' in sql]
        assert len(reads) == 1, (table, reads)


def test_an_articles_pictures_are_not_written_back_to_the_cache_on_each_render(
    site_tree, client, monkeypatch
):
    """Wagtail writes renditions it did not find prefetched back to the cache, one entry
    each (a file write each with the file cache): 13 per article page before #15."""
    from django.core.cache import cache

    from newsroom.tests.test_pictures_shown import news_image

    article = ArticlePageFactory(parent=site_tree.maghreb, lead_image=news_image())
    client.get(article.url)  # the renditions are made and stored once
    written = []
    for name in ("set", "set_many"):
        store = getattr(cache, name)

        def counting(key, *args, _store=store, **kwargs):
            written.extend([key] if isinstance(key, str) else list(key))
            return _store(key, *args, **kwargs)

        monkeypatch.setattr(cache, name, counting)

    uncached_queries(client, article.url)
    assert not [key for key in written if "rendition" in key], written


def test_la_une_costs_the_same_with_two_sections_or_five(
    site_tree, client, django_capture_on_commit_callbacks
):
    from newsroom.tests.factories import SectionPageFactory

    for section in site_tree.sections:
        for number in range(5):
            ArticlePageFactory(parent=section, title=f"{section.title} {number}")
    few = len(uncached_queries(client, "/"))
    for name in ("Levant", "Égypte", "Iran"):
        with django_capture_on_commit_callbacks(execute=True):  # a new section's purge
            section = SectionPageFactory(parent=site_tree.home, title=name)
        for number in range(5):
            ArticlePageFactory(parent=section, title=f"{name} {number}")

    many = uncached_queries(client, "/")
    assert len(many) <= few, "\n".join(many)
    home = client.get("/").content.decode()
    # Each section shows its own latest four; the newest of all, "Iran 4", leads la une.
    for name in ("Maghreb", "Golfe", "Levant", "Égypte"):
        shown = [number for number in range(5) if f"{name} {number}<" in home]
        assert shown == [1, 2, 3, 4], (name, shown)
    assert [number for number in range(4) if f"Iran {number}<" in home] == [0, 1, 2, 3]
    assert home.count("Iran 4<") == 1  # the lead, not repeated in its section
