"""The readers' search follows the newsroom's events. Receivers only schedule, after commit.

- An editor's decision on an entity (`article_enriched` with ``entities_changed``): the
  article's accepted names and aliases are indexed again.
- An entity renamed, given aliases or merged (`entity_changed`): the articles tagged with it
  are indexed again, so a query for its new name or alias finds them.
- Wagtail's own index tasks (search index, reference index), which Wagtail enqueues on every
  save of a page (about ten per imported article: created, revised, published, enriched):
  one waiting job per object is enough, the later requests are dropped (issue #15).
"""

from functools import partial
from typing import Any

from modelsearch.tasks import insert_or_update_object_task  # type: ignore[import-untyped]
from wagtail.tasks import update_reference_index_task

from enrichment.models import Entity
from newsroom.events import article_enriched, entity_changed, on_commit_once
from newsroom.models import ArticlePage
from newsroom.task_queue import coalesce_task, enqueue_once_on_commit
from search.indexing import reindex_article
from search.tasks import reindex_articles_of_entity


def reindex_after_decision(
    sender: Any, instance: ArticlePage, entities_changed: bool = False, **kwargs: Any
) -> None:
    if entities_changed:
        on_commit_once(("search_reindex", instance.pk), partial(reindex_article, instance.pk))


def reindex_after_entity_change(sender: Any, instance: Entity, **kwargs: Any) -> None:
    enqueue_once_on_commit(
        ("search_reindex_entity", instance.pk), reindex_articles_of_entity, instance.pk
    )


def connect() -> None:
    coalesce_task(insert_or_update_object_task)
    coalesce_task(update_reference_index_task)
    article_enriched.connect(reindex_after_decision, dispatch_uid="search_reindex_decided")
    entity_changed.connect(reindex_after_entity_change, dispatch_uid="search_reindex_entity")
