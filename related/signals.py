"""Receivers that keep stored related articles fresh. They only enqueue, after commit.

Publishing, unpublishing and enriching an article (enrichment's `article_enriched`, sent
when suggestions are stored or an editor decides) refresh its list and its neighbours'.
Deleting one refreshes the lists that named it: their rows went with it.
RELATED_REFRESH_AUTOMATICALLY=False (the test settings) switches all of it off.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_delete
from wagtail.signals import page_published, page_unpublished

from enrichment.signals import article_enriched
from newsroom.models import ArticlePage


def _enabled() -> bool:
    return getattr(settings, "RELATED_REFRESH_AUTOMATICALLY", True)


def refresh_after_commit(sender, instance, **kwargs):
    from related.tasks import refresh_related_articles

    if kwargs.get("raw") or not _enabled():
        return
    transaction.on_commit(lambda: refresh_related_articles.enqueue(instance.pk))


def refresh_listers_of_deleted(sender, instance, **kwargs):
    from related.models import RelatedArticle
    from related.tasks import refresh_listers

    if kwargs.get("raw") or not _enabled():
        return
    listers = list(
        RelatedArticle.objects.filter(candidate=instance).values_list("article_id", flat=True)
    )
    if listers:
        transaction.on_commit(lambda: refresh_listers.enqueue(listers))


def connect():
    page_published.connect(
        refresh_after_commit, sender=ArticlePage, dispatch_uid="related_refresh_published"
    )
    page_unpublished.connect(
        refresh_after_commit, sender=ArticlePage, dispatch_uid="related_refresh_unpublished"
    )
    article_enriched.connect(refresh_after_commit, dispatch_uid="related_refresh_enriched")
    pre_delete.connect(
        refresh_listers_of_deleted, sender=ArticlePage, dispatch_uid="related_refresh_deleted"
    )
