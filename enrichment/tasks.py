"""Background enrichment through the Django tasks API: never in a request.

An enrichment that starts takes the other enrichments waiting in the queue with it, up to
`BATCH` articles, and reads them through spaCy in one `nlp.pipe` (issue #15: 30–45 % less
model time an article than one at a time, and a bulk import leaves one enrichment an
article). Each job taken is marked done or failed on its own row, with its own summary.
"""

from __future__ import annotations

from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from enrichment import services
from newsroom.article import ExtractedArticle
from newsroom.models import ArticlePage
from newsroom.task_queue import run_with_waiting

BATCH = 16


def _article_of(page: ArticlePage, extracted: dict | None) -> ExtractedArticle:
    """`extracted`: what ingest extracted (`ExtractedArticle.to_json`), when it wrote the page."""
    article = page.as_article()
    if extracted is not None:
        article = article.with_origin_of(ExtractedArticle.from_json(extracted))
    return article


@task(takes_context=True)
def enrich_article(context: TaskContext, article_id: int, extracted: dict | None = None) -> str:
    """This article's suggestions, and those of the enrichments waiting behind it; the
    records they create are indexed once, for the batch."""
    created: list[int] = []
    return run_with_waiting(
        enrich_article,
        context,
        (article_id, extracted),
        batch=BATCH,
        arguments=_arguments,
        pages=ArticlePage.objects.all(),
        gone="article gone",
        read=lambda found: services.read_together(
            [_article_of(page, extracted) for page, (_, extracted) in found]
        ),
        store=lambda page, _, article: str(
            services.store_suggestions(page, article, new_entities=created)
        ),
        after=lambda: services.index_new_entities(created),
    )


def _arguments(row: DBTaskResult) -> tuple[int, dict | None]:
    args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
    values = dict(zip(("article_id", "extracted"), args, strict=False)) | kwargs
    return values["article_id"], values.get("extracted")


@task()
def enrich_articles(article_ids: list[int]) -> int:
    pages = ArticlePage.objects.filter(pk__in=article_ids).order_by("pk")
    return services.enrich_pages(pages)
