"""Where Wagtail's page signals become the newsroom's events, and the reader cache follows.

`announce_*` are the one place `article_published` and `article_unpublished` are sent from
(see `newsroom.events`); the cache receivers only schedule the purge after commit.
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from newsroom import events, services, tasks
from newsroom.models import ArticlePage, NewsImage


def announce_published(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    events.article_published.send(sender=ArticlePage, instance=instance)


def announce_unpublished(sender: type[ArticlePage], instance: ArticlePage, **kwargs: Any) -> None:
    events.article_unpublished.send(sender=ArticlePage, instance=instance)


def purge_cache_after_commit(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    events.on_commit_once("purge_reader_cache", services.purge_reader_cache)


def purge_cache_after_decision(sender: Any, by_editor: bool = False, **kwargs: Any) -> None:
    """An editor's decision changes what the page shows (tags, linked names); a background
    enrichment run only stores suggestions, which readers do not see."""
    if by_editor:
        purge_cache_after_commit(sender)


def prepare_renditions_after_commit(
    sender: type[NewsImage], instance: NewsImage, created: bool = False, **kwargs: Any
) -> None:
    """A new picture's renditions are made in the background (off in the test settings:
    NEWSROOM_PREPARE_RENDITIONS)."""
    if kwargs.get("raw") or not created:
        return
    if not getattr(settings, "NEWSROOM_PREPARE_RENDITIONS", True):
        return
    image_id = instance.pk
    events.on_commit_once(
        ("prepare_renditions", image_id), lambda: tasks.prepare_renditions.enqueue(image_id)
    )


def connect() -> None:
    page_published.connect(
        announce_published, sender=ArticlePage, dispatch_uid="newsroom_article_published"
    )
    page_unpublished.connect(
        announce_unpublished, sender=ArticlePage, dispatch_uid="newsroom_article_unpublished"
    )
    page_published.connect(purge_cache_after_commit, dispatch_uid="newsroom_purge_published")
    page_unpublished.connect(purge_cache_after_commit, dispatch_uid="newsroom_purge_unpublished")
    post_delete.connect(
        purge_cache_after_commit, sender=Page, dispatch_uid="newsroom_purge_deleted"
    )
    events.article_enriched.connect(
        purge_cache_after_decision, dispatch_uid="newsroom_purge_enriched"
    )
    post_save.connect(
        prepare_renditions_after_commit, sender=NewsImage, dispatch_uid="newsroom_renditions"
    )
