"""An article published for the first time, or changed, is enriched in the background."""

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from wagtail.signals import page_published

from newsroom.models import ArticlePage

# Sent with `instance` (the ArticlePage) when its suggestions were stored or an editor
# decided one: what other apps know of the article (related articles…) may have changed.
article_enriched = Signal()


def enrich_after_publish(sender, instance, **kwargs):
    """Queued after commit; ENRICH_AUTOMATICALLY=False (the test settings) turns it off."""
    from enrichment.tasks import enrich_article

    if not getattr(settings, "ENRICH_AUTOMATICALLY", True):
        return
    transaction.on_commit(lambda: enrich_article.enqueue(instance.pk))


def connect():
    page_published.connect(
        enrich_after_publish, sender=ArticlePage, dispatch_uid="enrichment_enrich_published"
    )
