"""Receivers that keep stored related articles fresh. They only enqueue, after commit.

Publishing, unpublishing and enriching an article (the newsroom's `article_published`,
`article_unpublished` and `article_enriched`) refresh its list and its neighbours'.
Deleting one refreshes the lists that named it: their rows went with it. A refresh already
waiting in the queue is not asked again (`enqueue_once`, issue #15).
RELATED_REFRESH_AUTOMATICALLY=False (the test settings) switches all of it off.

Publishing one also links the title-only “À lire” blocks that name it (issue #14): no
ranking, no spaCy, and what readers see depends on it, so no setting turns that off.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_delete

from newsroom.events import (
    article_enriched,
    article_published,
    article_shown_changed,
    article_unpublished,
    task_workers_starting,
)
from newsroom.models import ArticlePage
from newsroom.services import purge_reader_pages
from newsroom.task_queue import enqueue_once, enqueue_once_on_commit
from related.models import RelatedArticle
from related.tasks import link_read_also, refresh_listers, refresh_related_articles


def _enabled() -> bool:
    return getattr(settings, "RELATED_REFRESH_AUTOMATICALLY", True)


def refresh_after_commit(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    if kwargs.get("raw") or not _enabled():
        return
    enqueue_once_on_commit(("related_refresh", instance.pk), refresh_related_articles, instance.pk)


def link_read_also_after_commit(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    enqueue_once_on_commit(("related_read_also", instance.pk), link_read_also, instance.pk)


def refresh_listers_of_deleted(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    if kwargs.get("raw") or not _enabled():
        return
    listers = list(
        RelatedArticle.objects.filter(candidate=instance).values_list("article_id", flat=True)
    )
    if listers:
        transaction.on_commit(lambda: enqueue_once(refresh_listers, listers))


def purge_listers(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    """The pages whose stored related list shows this article (its title, its link) are
    purged with it (issue #15); the reader cache is the newsroom's, the lists are ours.
    Only their lists (``related:<id>``): the rest of those pages is kept."""
    listers = RelatedArticle.objects.filter(candidate_id=instance.pk).values_list(
        "article_id", flat=True
    )
    families = {f"related:{article_id}" for article_id in listers}
    if families:
        purge_reader_pages(families)


def load_ranking_for_workers(sender: Any, **kwargs: Any) -> None:
    """The ranking's modules, imported once in the parent of forked task workers."""
    from related import services  # noqa: F401 - spaCy and the ranking: workers only


def connect() -> None:
    task_workers_starting.connect(load_ranking_for_workers, dispatch_uid="related_preload")
    article_published.connect(purge_listers, dispatch_uid="related_purge_listers_published")
    article_unpublished.connect(purge_listers, dispatch_uid="related_purge_listers_unpublished")
    article_shown_changed.connect(purge_listers, dispatch_uid="related_purge_listers_shown")
    article_published.connect(refresh_after_commit, dispatch_uid="related_refresh_published")
    article_published.connect(link_read_also_after_commit, dispatch_uid="related_read_also")
    article_unpublished.connect(refresh_after_commit, dispatch_uid="related_refresh_unpublished")
    article_enriched.connect(refresh_after_commit, dispatch_uid="related_refresh_enriched")
    pre_delete.connect(
        refresh_listers_of_deleted, sender=ArticlePage, dispatch_uid="related_refresh_deleted"
    )
