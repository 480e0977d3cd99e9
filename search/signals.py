"""The readers' search follows the newsroom's events. Receivers only schedule, after commit.

- An editor's decision on an entity (`article_enriched` with ``entities_changed``): the
  article's accepted names and aliases are indexed again.
- An entity renamed, given aliases or merged (`entity_changed`): the articles tagged with it
  are indexed again, so a query for its new name or alias finds them.
"""

from functools import partial
from typing import Any

from enrichment.models import Entity
from newsroom.events import article_enriched, entity_changed, on_commit_once
from newsroom.models import ArticlePage
from search.indexing import reindex_article
from search.tasks import reindex_articles_of_entity


def reindex_after_decision(
    sender: Any, instance: ArticlePage, entities_changed: bool = False, **kwargs: Any
) -> None:
    if entities_changed:
        on_commit_once(("search_reindex", instance.pk), partial(reindex_article, instance.pk))


def reindex_after_entity_change(sender: Any, instance: Entity, **kwargs: Any) -> None:
    entity_id = instance.pk
    on_commit_once(
        ("search_reindex_entity", entity_id),
        lambda: reindex_articles_of_entity.enqueue(entity_id),
    )


def connect() -> None:
    article_enriched.connect(reindex_after_decision, dispatch_uid="search_reindex_decided")
    entity_changed.connect(reindex_after_entity_change, dispatch_uid="search_reindex_entity")
