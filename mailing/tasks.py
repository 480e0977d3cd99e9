"""Background matching and queueing through the Django tasks API: never in a request."""

from django.utils import timezone
from django_tasks import task

from mailing import matching, services
from mailing.models import SignupAttempt
from newsroom.models import ArticlePage


@task()
def apply_sign_up(attempt_id: int) -> bool:
    """Apply a sign-up the form recorded; the request itself never looks at the address."""
    attempt = SignupAttempt.objects.filter(pk=attempt_id, pending_request__isnull=False).first()
    if attempt is None:
        return False
    services.apply_sign_up(attempt)
    return True


@task()
def match_published_article(article_id: int) -> int:
    """Match a newly published article: its instant alerts' rows now (bundled later by
    `queue_due_messages`), its digest readers when their digest is built."""
    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    return matching.match_article(article)


@task()
def queue_due_messages() -> dict[str, int]:
    """Queue the instant alerts and digests now due (every minute, from `make run`), then
    forget the sent matches that can no longer stop a second copy."""
    counts = matching.queue_due_messages()
    matching.forget_sent_matches(timezone.now())
    return counts
