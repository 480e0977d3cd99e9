"""An enrichment that starts takes the enrichments waiting behind it and reads them through
spaCy together (issue #15), on the database queue the workers read, and stores what reading
them one at a time stores.
"""

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, EnrichmentRun, Quote
from enrichment.services import enrich_article_page
from enrichment.tasks import BATCH, enrich_article
from newsroom.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

STORIES = [
    (
        "Vladimir Poutine à Minsk",
        "Le président russe Vladimir Poutine a reçu Alexandre Loukachenko à Minsk, où les deux "
        "délégations ont parlé de gaz et de coopération militaire.",
    ),
    (
        "Le Caire et Riyad signent un accord",
        "L'Égypte et l'Arabie saoudite ont signé un accord sur l'énergie. « Nous avançons », a "
        "déclaré le ministre égyptien Sameh Choukri au Caire.",
    ),
    (
        "Sécheresse au Maroc",
        "Le Maroc connaît sa pire sécheresse depuis trente ans, selon le ministère de "
        "l'Agriculture à Rabat.",
    ),
]


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def articles(site_tree):
    return [
        ArticlePageFactory(
            parent=site_tree.maghreb,
            title=title,
            standfirst=text,
            body__0__paragraph__value=f"<p>{text}</p>",
        )
        for title, text in STORIES
    ]


def worker_runs_next(worker_id="worker-1"):
    """What db_worker does with the next job: claim it, run it, record its end."""
    row = DBTaskResult.objects.ready().order_by("-priority", "enqueued_at").first()
    row.claim(worker_id)
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
    ).run_task(row)
    row.refresh_from_db()
    return row


def suggestions(page):
    return {
        "entities": set(
            ArticleEntity.objects.filter(article=page).values_list("entity__name", "score")
        ),
        "topics": set(ArticleTopic.objects.filter(article=page).values_list("topic_id", "score")),
        "countries": set(
            ArticleCountry.objects.filter(article=page).values_list("country", "score", "about")
        ),
        "quotes": set(Quote.objects.filter(article=page).values_list("text", "speaker_name")),
        "lemmas": EnrichmentRun.objects.get(article=page).lemmas,
    }


def test_one_enrichment_job_reads_the_waiting_ones_with_it_and_records_each(
    articles, database_queue
):
    jobs = [enrich_article.enqueue(page.pk) for page in articles]

    first = worker_runs_next()

    assert first.status == TaskResultStatus.SUCCESSFUL
    rows = {str(row.pk): row for row in DBTaskResult.objects.filter(pk__in=[j.id for j in jobs])}
    for job, page in zip(jobs, articles, strict=True):
        row = rows[job.id]
        assert row.status == TaskResultStatus.SUCCESSFUL
        assert row.worker_ids == ["worker-1"]
        assert row.return_value.endswith("quotes")
        assert EnrichmentRun.objects.filter(article=page).exists()
    assert not DBTaskResult.objects.ready().filter(task_path=enrich_article.module_path).exists()


def test_a_batch_stores_the_same_suggestions_as_one_article_at_a_time(articles, database_queue):
    for page in articles:
        enrich_article.enqueue(page.pk)
    worker_runs_next()
    together = [suggestions(page) for page in articles]

    for page in articles:
        enrich_article_page(page)

    assert [suggestions(page) for page in articles] == together
    assert all(found["entities"] and found["lemmas"] for found in together)


def test_a_job_another_worker_runs_and_jobs_past_the_batch_are_left_alone(articles, database_queue):
    running = enrich_article.enqueue(articles[0].pk)
    DBTaskResult.objects.get(pk=running.id).claim("worker-2")
    waiting = [enrich_article.enqueue(articles[1].pk) for _ in range(BATCH + 1)]

    worker_runs_next()

    assert DBTaskResult.objects.get(pk=running.id).status == TaskResultStatus.RUNNING
    statuses = [DBTaskResult.objects.get(pk=job.id).status for job in waiting]
    assert statuses.count(TaskResultStatus.SUCCESSFUL) == BATCH
    assert statuses[-1] == TaskResultStatus.READY  # the oldest went first


def test_a_job_whose_article_is_gone_is_recorded_as_such(articles, database_queue):
    enrich_article.enqueue(articles[0].pk)
    gone = enrich_article.enqueue(articles[1].pk)
    articles[1].delete()

    worker_runs_next()

    row = DBTaskResult.objects.get(pk=gone.id)
    assert (row.status, row.return_value) == (TaskResultStatus.SUCCESSFUL, "article gone")
