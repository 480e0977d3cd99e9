"""An entity renamed, given aliases or merged: the articles tagged with it are indexed again,
so that a query for its new name or alias finds them. Only enqueues, after commit."""

from django.db import transaction
from django.db.models.signals import post_save

from enrichment.models import Entity


def reindex_after_entity_change(sender, instance, created, **kwargs):
    from search.tasks import reindex_articles_of_entity

    if kwargs.get("raw") or created:  # a new record is tagged on no article yet
        return
    transaction.on_commit(lambda: reindex_articles_of_entity.enqueue(instance.pk))


def connect():
    post_save.connect(
        reindex_after_entity_change, sender=Entity, dispatch_uid="search_reindex_entity"
    )
