"""One pending job per article and kind across transactions (issue #15), on the database
queue the workers read (django_tasks_db), not the immediate backend of the other tests.

Before `newsroom.task_queue`, publishing an article three times in three transactions left
three enrichments, three matchings, three related refreshes and a search-index job per save.
"""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from enrichment.tasks import enrich_article
from newsroom.task_queue import enqueue_once, enqueue_once_each, enqueue_once_on_commit
from newsroom.tests.factories import ArticlePageFactory
from related.tasks import refresh_related_list

pytestmark = pytest.mark.django_db

ENRICH = "enrichment.tasks.enrich_article"
MATCH = "mailing.tasks.match_published_article"
RELATED = "related.tasks.refresh_related_articles"
LINK_READ_ALSO = "related.tasks.link_read_also"
SEARCH_INDEX = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_INDEX = "wagtail.tasks.update_reference_index_task"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ENRICH_AUTOMATICALLY = True
    settings.RELATED_REFRESH_AUTOMATICALLY = True
    settings.MAILING_MATCH_ON_PUBLISH = True


def jobs(status=TaskResultStatus.READY, *, article=None) -> Counter:
    rows = DBTaskResult.objects.filter(status=status)
    counted = Counter()
    for row in rows:
        args = row.args_kwargs["args"]
        if article is None or str(args[-1]) == str(article.pk) or args == [article.pk]:
            counted[row.task_path] += 1
    return counted


def publish(page, capture):
    with capture(execute=True), transaction.atomic():
        page.save_revision().publish()


def test_publishing_an_article_in_three_transactions_leaves_one_job_of_each_kind(
    site_tree, database_queue, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)

    for _ in range(3):
        publish(page, django_capture_on_commit_callbacks)

    waiting = jobs(article=page)
    for kind in (ENRICH, MATCH, RELATED, LINK_READ_ALSO, SEARCH_INDEX, REFERENCE_INDEX):
        assert waiting[kind] == 1, kind


def test_a_started_job_does_not_swallow_a_new_request(
    site_tree, database_queue, django_capture_on_commit_callbacks
):
    """A worker that already started read the article before this change: ask again."""
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    publish(page, django_capture_on_commit_callbacks)
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.READY):
        row.claim("worker-1")  # what db_worker does before running it

    publish(page, django_capture_on_commit_callbacks)

    waiting = jobs(article=page)
    for kind in (ENRICH, MATCH, RELATED, LINK_READ_ALSO, SEARCH_INDEX, REFERENCE_INDEX):
        assert waiting[kind] == 1, kind
    assert jobs(TaskResultStatus.RUNNING, article=page)[ENRICH] == 1


def test_other_articles_and_other_arguments_are_separate_jobs(site_tree, database_queue):
    first = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    second = ArticlePageFactory(parent=site_tree.maghreb, publish=False)

    assert enqueue_once(enrich_article, first.pk) is not None
    assert enqueue_once(enrich_article, first.pk) is None
    assert enqueue_once(enrich_article, second.pk) is not None
    assert enqueue_once(enrich_article, first.pk, extracted={"title": "x"}) is not None

    assert DBTaskResult.objects.filter(task_path=ENRICH).count() == 3


def test_a_job_deferred_to_later_is_not_used_for_one_asked_now(site_tree, database_queue):
    import datetime

    from django.utils import timezone

    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    later = timezone.now() + datetime.timedelta(hours=1)
    enrich_article.using(run_after=later).enqueue(page.pk)

    assert enqueue_once(enrich_article, page.pk) is not None


def test_a_rolled_back_request_leaves_the_waiting_job_in_place(site_tree, database_queue):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    waiting = enqueue_once(enrich_article, page.pk)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert enqueue_once(enrich_article, page.pk) is None
        raise RuntimeError("the publish failed")

    assert list(DBTaskResult.objects.filter(task_path=ENRICH).values_list("id", flat=True)) == [
        waiting.db_result.id
    ]


def test_the_progress_command_prints_done_left_and_failed_by_kind(site_tree, database_queue):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    DBTaskResult.objects.all().delete()
    for article_id in (page.pk, page.pk + 1000, page.pk + 2000):
        enrich_article.enqueue(article_id)
    done, failed, _ = DBTaskResult.objects.filter(task_path=ENRICH)
    done.claim("w")
    done.set_successful("ok")
    failed.claim("w")
    failed.set_failed(ValueError("boom"))

    out = StringIO()
    call_command("queue_progress", stdout=out)

    text = out.getvalue()
    assert "enrich_article: 1 waiting, 0 running, 1 done, 1 failed" in text
    assert "Total: 2 done, 1 left" in text


def test_the_admin_queue_view_lists_pending_tasks_by_kind(
    site_tree, database_queue, admin_user, django_user_model, rf
):
    from newsroom.task_queue_admin import task_queue

    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    DBTaskResult.objects.all().delete()
    enqueue_once(enrich_article, page.pk)
    enqueue_once(enrich_article, page.pk + 1000)

    request = rf.get("/admin/file-des-taches/")
    request.user = admin_user
    response = task_queue(request)
    response.render()

    html = response.content.decode()
    assert 'data-task="enrich_article"' in html
    assert "<td>2</td><td>0</td><td>0</td><td>0</td>" in html

    from django.contrib.messages.storage.fallback import FallbackStorage

    request.user = django_user_model.objects.create_user("lecteur", password="x")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert task_queue(request).status_code in {302, 403}  # not for readers


def test_many_jobs_asked_at_once_skip_those_already_waiting_but_not_those_started(
    site_tree, database_queue
):
    """A related refresh asks for its neighbours' lists in one lookup (issue #15)."""
    path = "related.tasks.refresh_related_list"
    waiting = refresh_related_list.enqueue(1)
    started = refresh_related_list.enqueue(2)
    DBTaskResult.objects.get(pk=started.id).claim("worker-1")

    with transaction.atomic():
        assert enqueue_once_each(refresh_related_list, [1, 2, 3, 3]) == 2

    queued = Counter(
        row.args_kwargs["args"][0]
        for row in DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)
    )
    assert queued == {1: 1, 2: 1, 3: 1}
    assert DBTaskResult.objects.filter(pk=waiting.id, status=TaskResultStatus.READY).exists()


def test_the_jobs_one_transaction_asks_for_are_queued_together_after_it_commits(
    site_tree,
    database_queue,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """Issue #15: one lookup of the twins and one insert for all of them, not one each; a
    job waiting is not asked again, a started one is, a later request may replace one."""
    first = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    second = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    DBTaskResult.objects.all().delete()
    waiting = enrich_article.enqueue(first.pk)
    started = refresh_related_list.enqueue(first.pk)
    DBTaskResult.objects.get(pk=started.id).claim("worker-1")

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        enqueue_once_on_commit(("enrich", first.pk), enrich_article, first.pk)
        enqueue_once_on_commit(("enrich", second.pk), enrich_article, second.pk)
        enqueue_once_on_commit(
            ("enrich", second.pk), enrich_article, second.pk, extracted={"title": "x"}
        )
        enqueue_once_on_commit(
            ("enrich", first.pk), enrich_article, first.pk, extracted=None, replace=False
        )
        enqueue_once_on_commit(("list", first.pk), refresh_related_list, first.pk)
        enqueue_once_on_commit(("list", second.pk), refresh_related_list, second.pk)
        assert DBTaskResult.objects.count() == 2  # nothing before the commit
    assert len(callbacks) == 1
    with django_assert_max_num_queries(4):
        callbacks[0]()

    ready = sorted(
        (row.task_path, row.args_kwargs["args"], row.args_kwargs["kwargs"])
        for row in DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    )
    assert ready == [
        (ENRICH, [first.pk], {}),
        (ENRICH, [second.pk], {}),
        ("related.tasks.refresh_related_list", [first.pk], {}),
        ("related.tasks.refresh_related_list", [second.pk], {}),
    ]
    assert DBTaskResult.objects.filter(pk=waiting.id, status=TaskResultStatus.READY).exists()


def test_a_later_request_may_replace_the_one_its_transaction_asked_for(
    site_tree, database_queue, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_once_on_commit(("enrich", page.pk), enrich_article, page.pk)
        enqueue_once_on_commit(
            ("enrich", page.pk), enrich_article, page.pk, extracted={"title": "x"}, replace=True
        )

    assert [row.args_kwargs for row in DBTaskResult.objects.all()] == [
        {"args": [page.pk], "kwargs": {"extracted": {"title": "x"}}}
    ]


def test_outside_a_transaction_each_request_is_queued_alone(
    site_tree, database_queue, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_once_on_commit(("enrich", page.pk), enrich_article, page.pk)
        enqueue_once_on_commit(("enrich", page.pk), enrich_article, page.pk)

    assert len(callbacks) == 2

    assert DBTaskResult.objects.filter(task_path=ENRICH).count() == 1
