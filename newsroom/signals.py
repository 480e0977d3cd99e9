"""Receivers that react to the page tree changing. They only schedule work after commit."""

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from newsroom import services


def purge_cache_after_commit(sender, **kwargs):
    if kwargs.get("raw"):
        return
    transaction.on_commit(services.purge_reader_cache)


def connect():
    page_published.connect(purge_cache_after_commit, dispatch_uid="newsroom_purge_published")
    page_unpublished.connect(purge_cache_after_commit, dispatch_uid="newsroom_purge_unpublished")
    post_delete.connect(
        purge_cache_after_commit, sender=Page, dispatch_uid="newsroom_purge_deleted"
    )
