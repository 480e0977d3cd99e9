"""One event path (issue #13): each publication, ingest or decision queues each job once.

The jobs are counted as the task backend receives them (django-tasks' dummy backend keeps
every enqueued task), after the transaction's on-commit callbacks ran. Before the events,
publishing through ingest queued enrichment twice (ingest's own call and the publish signal).
"""

from collections import Counter

import pytest
from django.db import transaction
from django_tasks import default_task_backend

from enrichment.models import ArticleEntity, ArticleTopic, Entity, Status
from enrichment.services import decide
from ingest.services import ingest_article
from newsroom.article import Dateline, ExtractedArticle
from newsroom.events import on_commit_once
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db

ENRICH = "enrichment.tasks.enrich_article"
MATCH = "mailing.tasks.match_published_article"
RELATED = "related.tasks.refresh_related_articles"
LINK_READ_ALSO = "related.tasks.link_read_also"  # title-only "À lire" links (issue #14)


@pytest.fixture
def queued(settings):
    """The project's tasks enqueued so far, by dotted path; every automatic job switched on."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ENRICH_AUTOMATICALLY = True
    settings.RELATED_REFRESH_AUTOMATICALLY = True
    settings.MAILING_MATCH_ON_PUBLISH = True
    default_task_backend.clear()

    def count() -> Counter:
        return Counter(
            result.task.module_path
            for result in default_task_backend.results
            if result.task.module_path.split(".")[0] in {"enrichment", "mailing", "related"}
        )

    return count


def partner_item(title="Poutine à Minsk"):
    return ExtractedArticle(
        title=title,
        standfirst="Une visite consacrée au commerce.",
        dateline=Dateline(places=("Minsk",)),
        body=("Le président russe est arrivé à Minsk.", "Les délégations ont discuté."),
        language="fr",
        guid="urn:partner:1",
        format="newsml",
    )


def test_publishing_through_ingest_queues_each_job_once(
    site_tree, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = ingest_article(partner_item(), section=site_tree.maghreb, publish=True)

    assert queued() == Counter({ENRICH: 1, MATCH: 1, RELATED: 1, LINK_READ_ALSO: 1})
    (enrichment,) = [r for r in default_task_backend.results if r.task.module_path == ENRICH]
    # What ingest extracted travels with the job: the partner's language and identity.
    assert enrichment.args == [outcome.article.pk]
    assert enrichment.kwargs["extracted"]["guid"] == "urn:partner:1"
    assert enrichment.kwargs["extracted"]["language"] == "fr"


def test_a_draft_from_ingest_is_enriched_once_and_reaches_no_reader(
    site_tree, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest_article(partner_item(), section=site_tree.maghreb, publish=False)

    assert queued() == Counter({ENRICH: 1})


def test_publishing_in_the_admin_queues_each_job_once(
    site_tree, queued, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=site_tree.maghreb, publish=False)
    default_task_backend.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    assert queued() == Counter({ENRICH: 1, MATCH: 1, RELATED: 1, LINK_READ_ALSO: 1})


def test_accepting_an_entity_on_a_live_article_rematches_and_reranks_once(
    site_tree, queued, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=site_tree.maghreb)
    entity = Entity.objects.create(name="Vladimir Poutine", slug="vladimir-poutine", kind="PER")
    row = ArticleEntity.objects.create(article=page, entity=entity, score=0.9)
    default_task_backend.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(row, Status.ACCEPTED)

    assert queued() == Counter({MATCH: 1, RELATED: 1})


def test_accepting_a_topic_publishes_the_page_and_still_queues_each_job_once(
    site_tree, queued, django_capture_on_commit_callbacks
):
    """The topic is written through a published revision: heard as a publication and as a
    decision in one transaction."""
    page = ArticlePageFactory(parent=site_tree.maghreb)
    row = ArticleTopic.objects.create(article=page, topic=TopicFactory(), score=0.7)
    default_task_backend.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(row, Status.ACCEPTED)

    assert queued() == Counter({ENRICH: 1, MATCH: 1, RELATED: 1, LINK_READ_ALSO: 1})


def test_a_job_whose_savepoint_rolled_back_is_queued_again(
    django_capture_on_commit_callbacks,
):
    ran = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                on_commit_once("job", lambda: ran.append("first"))
                raise RuntimeError("the savepoint rolls back")
        except RuntimeError:
            pass
        on_commit_once("job", lambda: ran.append("second"))
        on_commit_once("job", lambda: ran.append("third"))

    assert ran == ["second"]


def test_two_transactions_without_savepoints_each_queue_their_job(
    django_capture_on_commit_callbacks,
):
    """Django's multi-table saves and deletes open ``atomic(savepoint=False)``: no id tells
    two of them apart, and in a test the first one's job never runs; the second must still
    queue its own (a deleted author's pages were never purged)."""
    with transaction.atomic(savepoint=False):
        on_commit_once("job", lambda: None)  # a test's transaction never commits it
    ran = []
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic(savepoint=False):
            on_commit_once("job", lambda: ran.append("second"))
            on_commit_once("job", lambda: ran.append("third"))

    assert ran == ["second"]
