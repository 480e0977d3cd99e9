"""Neighbour lists waiting in the queue are ranked together (issue #15): one job takes the
lists behind it, reads their candidates' signals once, and stores for each the list it gets
ranked alone; each job is recorded on its own row.
"""

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from enrichment.services import enrich_article_page
from newsroom.models import ArticlePage
from related import services
from related.models import RelatedArticle
from related.profiles import store_text_profile
from related.tasks import BATCH, refresh_related_list

from .test_lemmas_from_enrichment import publish, wikinews

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site_tree):
    found = [
        publish(site_tree.maghreb if i % 2 else site_tree.golfe, *text, days=i)
        for i, text in enumerate(wikinews(12))
    ]
    for page in found:
        enrich_article_page(page)
        store_text_profile(page)
    return found


def scores(ranked):
    return [(entry.article_id, round(entry.score, 6), entry.reasons) for entry in ranked]


def stored(page):
    return list(
        RelatedArticle.objects.filter(article=page)
        .order_by("rank")
        .values_list("candidate_id", "score", "reasons")
    )


def test_pages_ranked_together_rank_as_each_alone(pages):
    together = services.rank_articles(pages)
    alone = {page.pk: services.rank_article(page) for page in pages}
    assert any(alone.values())
    assert {pk: scores(ranked) for pk, ranked in together.items()} == {
        pk: scores(ranked) for pk, ranked in alone.items()
    }


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_one_job_takes_the_lists_waiting_and_stores_each_as_alone(pages, database_queue):
    from enrichment.tests.test_batched_enrichment import worker_runs_next

    gone = pages[-2]
    gone.unpublish()
    expected = {}
    for page in pages[:-2]:
        services.refresh_related(page)
        expected[page.pk] = stored(page)
    DBTaskResult.objects.all().delete()  # what the unpublication queued: not under test
    RelatedArticle.objects.all().delete()
    held = refresh_related_list.enqueue(pages[-1].pk)
    DBTaskResult.objects.filter(pk=held.id).update(status=TaskResultStatus.RUNNING)
    for page in pages[:-1]:
        refresh_related_list.enqueue(page.pk)

    first = worker_runs_next()

    assert first.status == TaskResultStatus.SUCCESSFUL
    rows = DBTaskResult.objects.filter(task_path=first.task_path).exclude(pk=held.id)
    assert set(rows.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    by_article = {row.args_kwargs["args"][0]: row for row in rows}
    assert len(by_article) == len(pages) - 1
    assert by_article[gone.pk].return_value == "article gone or unpublished"
    for page in pages[:-2]:
        assert stored(page) == expected[page.pk], page.title
    # The job another worker holds is left to it.
    assert DBTaskResult.objects.get(pk=held.id).status == TaskResultStatus.RUNNING
    assert not RelatedArticle.objects.filter(article=pages[-1]).exists()


def test_no_more_than_a_batch_is_taken(pages, database_queue):
    from enrichment.tests.test_batched_enrichment import worker_runs_next

    for _ in range(2):
        for page in pages:
            # Distinct jobs (no coalescing on enqueue itself): more than a batch.
            refresh_related_list.enqueue(page.pk)
    worker_runs_next()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    assert ready == 2 * len(pages) - BATCH


def merge_some(pages):
    """Records merged into others, in chains of two steps: what `load_signals` follows."""
    from enrichment.models import ArticleEntity, Entity

    ids = list(
        ArticleEntity.objects.filter(article__in=pages)
        .order_by("entity_id")
        .values_list("entity_id", flat=True)
        .distinct()
    )
    assert len(ids) >= 9
    for kept, middle, oldest in zip(ids[0:9:3], ids[1:9:3], ids[2:9:3], strict=True):
        Entity.objects.filter(pk=middle).update(merged_into=kept)
        Entity.objects.filter(pk=oldest).update(merged_into=middle)


def test_the_batch_counts_give_each_article_its_own_rarity_and_members(pages):
    from enrichment.merges import member_ids
    from related.candidates import load_entity_counts, load_rarity, load_signals

    merge_some(pages)
    own = load_signals([page.pk for page in pages])
    counts = load_entity_counts(pk for signals in own.values() for pk in signals.entities)
    assert counts is not None
    documents = ArticlePage.objects.published().count()
    for signals in own.values():
        assert counts.rarity(signals.entities, documents) == load_rarity(
            list(signals.entities), documents
        )
        main = list(signals.entities)[:5]
        assert counts.members_of(main) == member_ids(main)
    assert any(
        len(counts.members_of([pk])) > 1 for signals in own.values() for pk in signals.entities
    )


def test_merged_records_ranked_together_rank_as_each_alone(pages):
    merge_some(pages)
    together = services.rank_articles(pages)
    alone = {page.pk: services.rank_article(page) for page in pages}
    assert {pk: scores(ranked) for pk, ranked in together.items()} == {
        pk: scores(ranked) for pk, ranked in alone.items()
    }


def test_a_loop_of_merges_is_read_article_by_article(pages):
    from enrichment.models import ArticleEntity, Entity
    from related.candidates import load_entity_counts

    first, second = (
        ArticleEntity.objects.filter(article=pages[0])
        .order_by("entity_id")
        .values_list("entity_id", flat=True)[:2]
    )
    Entity.objects.filter(pk=first).update(merged_into=second)
    Entity.objects.filter(pk=second).update(merged_into=first)
    assert load_entity_counts([first, second]) is None
    together = services.rank_articles(pages)
    alone = {page.pk: services.rank_article(page) for page in pages}
    assert {pk: scores(ranked) for pk, ranked in together.items()} == {
        pk: scores(ranked) for pk, ranked in alone.items()
    }


def test_a_stored_list_is_what_explain_gives(pages):
    """The rows `store_related` writes without the candidates' pages are those built from
    `explain` (the pages, their titles and URLs loaded), as before issue #15's change."""
    for page in pages:
        ranked = services.rank_article(page)
        expected = [
            (entry.article.pk, entry.score, entry.as_json()["reasons"])
            for entry in services.explain(page, ranked[: services.KEPT])
        ]
        services.store_related(page, ranked)
        assert stored(page) == expected, page.title
        assert [row.rank for row in RelatedArticle.objects.filter(article=page)] == list(
            range(1, len(expected) + 1)
        )
    # A candidate deleted since it was ranked is left out, as `explain` leaves it out.
    ranked = services.rank_article(pages[0])
    victim = ranked[0].article_id
    ArticlePage.objects.get(pk=victim).delete()
    expected = [
        (entry.article.pk, entry.score, entry.as_json()["reasons"])
        for entry in services.explain(pages[0], ranked[: services.KEPT])
    ]
    assert victim not in [row[0] for row in expected]
    services.store_related(pages[0], ranked)
    assert stored(pages[0]) == expected


def queued_lists():
    return sorted(
        row["args"][0]
        for row in DBTaskResult.objects.filter(
            task_path=refresh_related_list.module_path, status=TaskResultStatus.READY
        ).values_list("args_kwargs", flat=True)
    )


def forget_profiles_and_lists():
    from related.models import TermCount, TextProfile

    TermCount.objects.all().delete()
    TextProfile.objects.all().delete()
    RelatedArticle.objects.all().delete()
    DBTaskResult.objects.all().delete()


def test_own_lists_taken_together_are_refreshed_as_one_after_another(pages, database_queue):
    """Each article's profile, list and queued neighbours, in the order of the queue, as
    each job alone gives them; the signals read once (issue #15)."""
    from enrichment.tests.test_batched_enrichment import worker_runs_next
    from related.tasks import refresh_related_articles

    gone = pages[5]
    gone.unpublish()
    forget_profiles_and_lists()
    for page in pages:
        refresh_related_articles.enqueue(page.pk)
    while DBTaskResult.objects.filter(
        task_path=refresh_related_articles.module_path, status=TaskResultStatus.READY
    ).exists():
        # One at a time, as before: each job alone.
        row = (
            DBTaskResult.objects.filter(
                task_path=refresh_related_articles.module_path, status=TaskResultStatus.READY
            )
            .order_by("enqueued_at", "pk")
            .first()
        )
        DBTaskResult.objects.filter(task_path=row.task_path, status="READY").exclude(
            pk=row.pk
        ).update(status=TaskResultStatus.RUNNING)
        worker_runs_next()
        DBTaskResult.objects.filter(task_path=row.task_path, status="RUNNING").update(
            status=TaskResultStatus.READY
        )
    alone = {page.pk: stored(page) for page in pages}
    alone_queued = queued_lists()
    assert any(alone.values()) and alone_queued

    forget_profiles_and_lists()
    for page in pages:
        refresh_related_articles.enqueue(page.pk)
    first = worker_runs_next()

    rows = DBTaskResult.objects.filter(task_path=first.task_path)
    assert set(rows.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert {page.pk: stored(page) for page in pages} == alone
    assert queued_lists() == alone_queued


def test_a_refresh_whose_enrichment_is_to_come_is_left_waiting(pages, database_queue):
    from enrichment.tasks import enrich_article
    from enrichment.tests.test_batched_enrichment import worker_runs_next
    from related.tasks import refresh_related_articles

    DBTaskResult.objects.all().delete()
    for page in pages[:4]:
        refresh_related_articles.enqueue(page.pk)
    enrich_article.enqueue(pages[2].pk)
    DBTaskResult.objects.filter(task_path=enrich_article.module_path).update(
        status=TaskResultStatus.RUNNING
    )

    worker_runs_next()

    waiting = DBTaskResult.objects.filter(
        task_path=refresh_related_articles.module_path, status=TaskResultStatus.READY
    )
    assert [row.args_kwargs["args"][0] for row in waiting] == [pages[2].pk]


def test_an_enrichment_to_come_is_known_by_its_article_however_it_was_queued(pages, database_queue):
    """Ingest queues an enrichment with what it extracted; one may name its article by
    keyword. Both hold back that article's refresh (the ids are read in the database)."""
    from enrichment.tasks import enrich_article
    from enrichment.tests.test_batched_enrichment import worker_runs_next
    from related.tasks import refresh_related_articles

    DBTaskResult.objects.all().delete()
    for page in pages[:4]:
        refresh_related_articles.enqueue(page.pk)
    enrich_article.enqueue(pages[1].pk, extracted={"title": "Dépêche", "body": ["Texte."]})
    enrich_article.enqueue(article_id=pages[3].pk)
    DBTaskResult.objects.filter(task_path=enrich_article.module_path).update(
        status=TaskResultStatus.RUNNING
    )

    worker_runs_next()

    waiting = DBTaskResult.objects.filter(
        task_path=refresh_related_articles.module_path, status=TaskResultStatus.READY
    )
    assert sorted(row.args_kwargs["args"][0] for row in waiting) == [pages[1].pk, pages[3].pk]
