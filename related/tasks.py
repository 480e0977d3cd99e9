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

from django.db.models import Q
from django.db.models.fields.json import KT
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from enrichment.tasks import enrich_article
from newsroom.models import ArticlePage
from newsroom.task_queue import enqueue_once_each, run_with_waiting
from related.read_also_waiting import link_waiting_read_also

REFRESH_PRIORITY = -10
NEIGHBOUR_PRIORITY = -20
BATCH = 16  # neighbour lists ranked together (issue #15)


@task(priority=REFRESH_PRIORITY, takes_context=True)
def refresh_related_articles(context: TaskContext, article_id: int) -> str:
    """The article's profile and list, then, queued once each, the lists that name it and
    those of its nearest articles, which may now want to list it.

    The refreshes waiting behind it (up to `BATCH`, not those of an article whose enrichment
    is still to come: that one asks again) are done in the same job, one after another as
    each alone, the signals of the articles ranked read once, the lists they ask for queued
    together at the end (issue #15)."""
    from related import services  # spaCy: workers only

    known: dict = {}
    asked: set[int] = set()

    def refresh(page: ArticlePage, _: tuple, __: None) -> str:
        if not page.live:
            return f"{services.refresh_after_change(page)} lists refreshed"
        neighbours = services.refresh_own_list(page, known=known)
        asked.update(neighbours)
        return f"1 list refreshed, {len(neighbours)} asked"

    def queue_neighbours() -> None:
        # One lookup of the lists already waiting, for the whole batch (issue #15): one
        # each queued again a list another worker had just taken.
        enqueue_once_each(refresh_related_list, sorted(asked))

    return run_with_waiting(
        refresh_related_articles,
        context,
        (article_id,),
        batch=BATCH,
        arguments=lambda row: (_article_id(row),),
        pages=ArticlePage.objects.all(),
        gone="article gone",
        read=lambda found: [None] * len(found),
        store=refresh,
        only=_not_waiting_for_enrichment(),
        after=queue_neighbours,
    )


def _not_waiting_for_enrichment() -> Q | None:
    """The refreshes of articles whose enrichment is not waiting or running: another's
    waits for it (its enrichment asks again; done now, it would be done twice)."""
    to_come = _enrichments_to_come()
    return ~Q(args_kwargs__args__0__in=to_come) if to_come else None


def _enrichments_to_come() -> list[int]:
    """The articles of the enrichments waiting or running, their ids read in the database:
    an enrichment queued by ingest carries the whole extracted article, which this read
    and decoded for every job, at every refresh (issue #15)."""
    rows = (
        DBTaskResult.objects.filter(
            task_path=enrich_article.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        .annotate(first=KT("args_kwargs__args__0"), named=KT("args_kwargs__kwargs__article_id"))
        .values_list("first", "named")
    )
    return sorted({int(first if first is not None else named) for first, named in rows})


@task(priority=NEIGHBOUR_PRIORITY, takes_context=True)
def refresh_related_list(context: TaskContext, article_id: int) -> str:
    """One published article's stored list, ranked again (a neighbour changed), and those of
    the lists waiting behind it, up to `BATCH`, ranked together (`rank_articles`); each list
    is stored in its own transaction (`newsroom.task_queue.run_with_waiting`)."""
    from related import services  # spaCy: workers only

    def rank(found: list) -> list:
        ranked = services.rank_articles([page for page, _ in found])
        return [ranked[page.pk] for page, _ in found]

    def store(page: ArticlePage, _: tuple, ranked: list) -> str:
        services.store_related(page, ranked)
        return "1 list refreshed"

    return run_with_waiting(
        refresh_related_list,
        context,
        (article_id,),
        batch=BATCH,
        arguments=lambda row: (_article_id(row),),
        pages=ArticlePage.objects.published(),
        gone="article gone or unpublished",
        read=rank,
        store=store,
    )


def _article_id(row: DBTaskResult) -> int:
    return _article_id_of(row.args_kwargs)


def _article_id_of(args_kwargs: dict) -> int:
    """The article a job of one of these tasks (or enrichment's) was queued for."""
    args, kwargs = args_kwargs["args"], args_kwargs["kwargs"]
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
