"""Enrichment follows the newsroom's events, and announces entity changes.

An article published, or written by ingest, is enriched in the background, once per
transaction (`enqueue_once_on_commit`): publishing through ingest is heard as both; and once
while one enrichment of it waits in the queue (issue #15). What ingest
extracted travels with the job, so the partner's declared language and identity are kept.
ENRICH_AUTOMATICALLY=False (the test settings) turns it off.
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save

from enrichment import tasks
from enrichment.merges import kept_record
from enrichment.models import ArticleCountry, ArticleEntity, Entity
from newsroom.article import ExtractedArticle
from newsroom.events import (
    article_changed,
    article_enriched,
    article_published,
    article_shown_changed,
    article_unpublished,
    entity_changed,
    task_workers_starting,
)
from newsroom.models import ArticlePage
from newsroom.services import purge_reader_pages
from newsroom.task_queue import enqueue_once_on_commit


def _enabled() -> bool:
    return getattr(settings, "ENRICH_AUTOMATICALLY", True)


def enrich_after_publish(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    if not _enabled():
        return
    enqueue_once_on_commit(("enrich", instance.pk), tasks.enrich_article, instance.pk)


def enrich_after_change(
    sender: Any, instance: ArticlePage, article: ExtractedArticle | None = None, **kwargs: Any
) -> None:
    """Drafts written by ingest too get their suggestions, in the worker, after commit."""
    if not _enabled():
        return
    extracted = article.to_json() if article is not None else None
    enqueue_once_on_commit(
        ("enrich", instance.pk),
        tasks.enrich_article,
        instance.pk,
        extracted=extracted,
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


def purge_entity_pages(sender: Any, instance: ArticlePage, **kwargs: Any) -> None:
    """The entity and country pages that list (or listed) the article: published,
    unpublished, or an editor's decision (`by_editor`); a background run changes nothing
    readers see (issue #15). Every link counts, rejected ones too: a rejection just
    took the article off that page. A merged record's page is its kept record's."""
    if kwargs.get("by_editor") is False:
        return
    entities = Entity.objects.filter(article_links__article_id=instance.pk).distinct()
    families = set()
    for entity in entities:
        families.add(f"entity:{entity.slug}")
        families.add(f"entity:{kept_record(entity).slug}")
    codes = ArticleCountry.objects.filter(article_id=instance.pk).values_list("country", flat=True)
    families.update(f"country:{str(code).upper()}" for code in codes)
    if families:
        purge_reader_pages(families)


def purge_pages_of_entity(sender: Any, instance: Entity, **kwargs: Any) -> None:
    """A renamed or merged record: its page and the articles that show its name."""
    articles = ArticleEntity.objects.filter(entity=instance).values_list("article_id", flat=True)
    purge_reader_pages(
        {f"entity:{instance.slug}", f"entity:{kept_record(instance).slug}"}
        | {f"article:{article_id}" for article_id in articles}
    )


def load_model_for_workers(sender: Any, **kwargs: Any) -> None:
    """Forked task workers (`manage.py task_workers`) find the French model and the
    enrichment code around it loaded once, in their parent (issue #15)."""
    import enrichment.pipeline  # noqa: F401 - imported once, in the parent
    from enrichment.nlp import get_nlp

    get_nlp("fr")


def connect() -> None:
    task_workers_starting.connect(load_model_for_workers, dispatch_uid="enrichment_preload")
    article_published.connect(purge_entity_pages, dispatch_uid="enrichment_purge_published")
    article_unpublished.connect(purge_entity_pages, dispatch_uid="enrichment_purge_unpublished")
    article_enriched.connect(purge_entity_pages, dispatch_uid="enrichment_purge_decided")
    article_shown_changed.connect(purge_entity_pages, dispatch_uid="enrichment_purge_shown")
    entity_changed.connect(purge_pages_of_entity, dispatch_uid="enrichment_purge_entity")
    article_published.connect(enrich_after_publish, dispatch_uid="enrichment_enrich_published")
    article_changed.connect(enrich_after_change, dispatch_uid="enrichment_enrich_changed")
    post_save.connect(
        announce_entity_change, sender=Entity, dispatch_uid="enrichment_entity_changed"
    )
