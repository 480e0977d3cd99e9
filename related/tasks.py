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

from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from newsroom.models import ArticlePage
from newsroom.task_queue import claim_waiting, enqueue_once_each
from related.read_also_waiting import link_waiting_read_also

REFRESH_PRIORITY = -10
NEIGHBOUR_PRIORITY = -20
BATCH = 16  # neighbour lists ranked together (issue #15)


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


@task(priority=NEIGHBOUR_PRIORITY, takes_context=True)
def refresh_related_list(context: TaskContext, article_id: int) -> str:
    """One published article's stored list, ranked again (a neighbour changed), and those of
    the lists waiting behind it, up to `BATCH`, ranked together (`rank_articles`).

    Each list taken is stored in its own transaction and its job marked done or failed on
    its own row, as `enrichment.tasks.enrich_article` does with the enrichments it takes."""
    worker = (context.task_result.worker_ids or ["refresh_related_list"])[-1]
    taken = claim_waiting(refresh_related_list, BATCH - 1, worker=worker)
    jobs: list[tuple[DBTaskResult | None, int]] = [(None, article_id)]
    jobs += [(row, _article_id(row)) for row in taken]
    pages = ArticlePage.objects.published().in_bulk([pk for _, pk in jobs])
    for row, pk in jobs:
        if row is not None and pk not in pages:
            row.set_successful("article gone or unpublished")
    found = [(row, pages[pk]) for row, pk in jobs if pk in pages]
    from related import services  # spaCy: workers only

    try:
        ranked = services.rank_for_refresh([page for _, page in found])
    except Exception as error:
        for row, _ in found:
            if row is not None:
                row.set_failed(error)
        raise
    own: str | Exception = "article gone or unpublished"
    for row, page in found:
        try:
            services.store_related(page, ranked[page.pk])
        except Exception as error:  # noqa: BLE001 - recorded on its own job, as db_worker does
            if row is None:
                own = error
            else:
                row.set_failed(error)
            continue
        if row is None:
            own = "1 list refreshed"
        else:
            row.set_successful("1 list refreshed")
    if isinstance(own, Exception):
        raise own
    return own


def _article_id(row: DBTaskResult) -> int:
    args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
    return int(args[0] if args else kwargs["article_id"])


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


def preload_for_workers() -> None:
    """The ranking's modules, imported once in the parent of forked task workers."""
    from related import services  # noqa: F401
