"""Background refresh of related articles through the Django tasks API: never in a request.

`related.signals` imports this module in every process to enqueue; the ranking (and spaCy,
through `related.services`) is imported by the task bodies, in the worker that runs them, so
a web process that publishes an article never loads the NLP stack (issue #15).
"""

from django_tasks import task

from newsroom.models import ArticlePage
from related.read_also_waiting import link_waiting_read_also


@task()
def refresh_related_articles(article_id: int) -> str:
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None:
        return "article gone"
    from related import services  # spaCy: workers only

    return f"{services.refresh_after_change(page)} lists refreshed"


@task()
def refresh_listers(article_ids: list[int]) -> int:
    """The lists that named an article now deleted: its rows went with it."""
    from related import services  # spaCy: workers only

    pages = ArticlePage.objects.published().filter(pk__in=article_ids)
    for page in pages:
        services.refresh_related(page)
    return len(pages)


@task()
def link_read_also(article_id: int) -> str:
    """The title-only “À lire” links naming a published article, and its own, linked."""
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None or not page.live:
        return "article gone or unpublished"
    return f"{len(link_waiting_read_also(page))} pages linked"
