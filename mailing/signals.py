"""Subscriptions follow the newsroom's events: a published article is matched in the
background, after commit, and so is one whose editor accepts an entity after publication
(its followers hear of it; matching is idempotent, so nobody gets it twice). A suppression
added or lifted rebuilds the index rows of its address: matching finds only readers who
receive mail (mailing.matching.index)."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from mailing import tasks
from mailing.matching.index import index_address
from mailing.models import Suppression
from newsroom.events import article_enriched, article_published
from newsroom.models import ArticlePage
from newsroom.task_queue import enqueue_once_on_commit


def _match_after_commit(article_id: int) -> None:
    enqueue_once_on_commit(("mailing_match", article_id), tasks.match_published_article, article_id)


def match_after_publish(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    """MAILING_MATCH_ON_PUBLISH=False turns it off."""
    if kwargs.get("raw") or not getattr(settings, "MAILING_MATCH_ON_PUBLISH", True):
        return
    _match_after_commit(instance.pk)


def match_after_entity_accepted(
    sender: Any, instance: ArticlePage, entity_accepted: bool = False, **kwargs: Any
) -> None:
    if entity_accepted and instance.live:
        _match_after_commit(instance.pk)


def reindex_suppressed_address(sender: Any, instance: Suppression, **kwargs: Any) -> None:
    """Saved or deleted (one by one or by a queryset's delete, not by `update` or
    `bulk_create`): the readers at that address are indexed again, or no longer."""
    if not kwargs.get("raw"):
        index_address(instance.email)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            reindex_suppressed_address,
            sender=Suppression,
            dispatch_uid=f"mailing_reindex_suppressed_{signal is post_save}",
        )
    article_published.connect(match_after_publish, dispatch_uid="mailing_match_published")
    article_enriched.connect(
        match_after_entity_accepted, dispatch_uid="mailing_match_entity_accepted"
    )
