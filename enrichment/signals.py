"""Enrichment follows the newsroom's events, and announces entity changes.

An article published, or written by ingest, is enriched in the background, once per
transaction (`on_commit_once`): publishing through ingest is heard as both. What ingest
extracted travels with the job, so the partner's declared language and identity are kept.
ENRICH_AUTOMATICALLY=False (the test settings) turns it off.
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save

from enrichment import tasks
from enrichment.models import Entity
from newsroom.article import ExtractedArticle
from newsroom.events import article_changed, article_published, entity_changed, on_commit_once
from newsroom.models import ArticlePage


def _enabled() -> bool:
    return getattr(settings, "ENRICH_AUTOMATICALLY", True)


def enrich_after_publish(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    if not _enabled():
        return
    article_id = instance.pk
    on_commit_once(("enrich", article_id), lambda: tasks.enrich_article.enqueue(article_id))


def enrich_after_change(
    sender: Any, instance: ArticlePage, article: ExtractedArticle | None = None, **kwargs: Any
) -> None:
    """Drafts written by ingest too get their suggestions, in the worker, after commit."""
    if not _enabled():
        return
    article_id = instance.pk
    extracted = article.to_json() if article is not None else None
    on_commit_once(
        ("enrich", article_id),
        lambda: tasks.enrich_article.enqueue(article_id, extracted=extracted),
        replace=True,
    )


def announce_entity_change(
    sender: type[Entity], instance: Entity, created: bool, **kwargs: Any
) -> None:
    """The one place `entity_changed` is sent: a record saved again (renamed, aliases,
    merged); a new record is tagged on no article yet."""
    if kwargs.get("raw") or created:
        return
    entity_changed.send(sender=Entity, instance=instance)


def connect() -> None:
    article_published.connect(enrich_after_publish, dispatch_uid="enrichment_enrich_published")
    article_changed.connect(enrich_after_change, dispatch_uid="enrichment_enrich_changed")
    post_save.connect(
        announce_entity_change, sender=Entity, dispatch_uid="enrichment_entity_changed"
    )
