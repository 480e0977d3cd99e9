"""Background matching and queueing through the Django tasks API: never in a request."""

from django_tasks import task

from mailing import matching
from newsroom.models import ArticlePage


@task()
def match_published_article(article_id: int) -> int:
    """Match a newly published article; alerts are bundled later by `queue_due_messages`."""
    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return matching.match_article(article)


@task()
def queue_due_messages() -> dict[str, int]:
    """Queue the instant alerts and digests now due (every minute, from `make run`)."""
    return matching.queue_due_messages()
