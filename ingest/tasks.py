"""Background polling through the Django tasks API (django-tasks, database backend)."""

from django_tasks import task

from ingest import polling
from ingest.models import SourceFeed


@task()
def poll_feed(feed_id: int) -> str:
    feed = SourceFeed.objects.filter(pk=feed_id, is_active=True).select_related("section").first()
    if feed is None:
        return "feed gone or inactive"
    return str(polling.poll_feed(feed))


@task()
def poll_due_feeds() -> int:
    """Queue a poll of every feed whose interval has passed."""
    feeds = polling.due_feeds()
    for feed in feeds:
        poll_feed.enqueue(feed.pk)
    return len(feeds)
