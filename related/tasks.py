"""Background refresh of related articles through the Django tasks API: never in a request.

`related.signals` imports this module in every process to enqueue; the ranking (and spaCy,
through `related.services`) is imported by the task bodies, in the worker that runs them, so
a web process that publishes an article never loads the NLP stack (issue #15).

Priorities (issue #15): a bulk import queues, per article, an enrichment and then a related
refresh that only means something once the article is enriched (its entities and topics
rank it). Refreshes therefore wait behind enrichments (`REFRESH_PRIORITY`), so the one the
publication asked for is still waiting when the enrichment asks again, and coalesces with it
(`enqueue_once`). The neighbours' lists wait behind both (`NEIGHBOUR_PRIORITY`): one
refresh per list however many new articles want to enter it, instead of twenty lists
re-ranked inline by every new article.
"""

from django_tasks import task

from newsroom.models import ArticlePage
from newsroom.task_queue import enqueue_once_each
from related.read_also_waiting import link_waiting_read_also

REFRESH_PRIORITY = -10
NEIGHBOUR_PRIORITY = -20


@task(priority=REFRESH_PRIORITY)
def refresh_related_articles(article_id: int) -> str:
    """The article's profile and list, then, queued once each, the lists that name it and
    those of its nearest articles, which may now want to list it."""
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None:
        return "article gone"
    from related import services  # spaCy: workers only

    if not page.live:
        return f"{services.refresh_after_change(page)} lists refreshed"
    neighbours = services.refresh_own_list(page)
    # One lookup of the lists already waiting, not one each (issue #15).
    enqueue_once_each(refresh_related_list, sorted(neighbours))
    return f"1 list refreshed, {len(neighbours)} queued"


@task(priority=NEIGHBOUR_PRIORITY)
def refresh_related_list(article_id: int) -> str:
    """One published article's stored list, ranked again (a neighbour changed)."""
    page = ArticlePage.objects.published().filter(pk=article_id).first()
    if page is None:
        return "article gone or unpublished"
    from related import services  # spaCy: workers only

    services.refresh_related(page)
    return "1 list refreshed"


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
