"""A published article is matched against subscriptions in the background, after commit."""

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

from newsroom.models import ArticlePage


def match_after_publish(sender, instance, **kwargs):
    """Queued after commit; MAILING_MATCH_ON_PUBLISH=False turns it off."""
    from mailing.tasks import match_published_article

    if kwargs.get("raw") or not getattr(settings, "MAILING_MATCH_ON_PUBLISH", True):
        return
    article_id = instance.pk
    transaction.on_commit(lambda: match_published_article.enqueue(article_id))


def connect():
    page_published.connect(
        match_after_publish, sender=ArticlePage, dispatch_uid="mailing_match_published"
    )
