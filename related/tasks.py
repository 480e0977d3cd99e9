"""Background refresh of related articles through the Django tasks API: never in a request."""

from django_tasks import task

from newsroom.models import ArticlePage
from related import services
from related.read_also_waiting import link_waiting_read_also


@task()
def refresh_related_articles(article_id: int) -> str:
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None:
        return "article gone"
    return f"{services.refresh_after_change(page)} lists refreshed"


@task()
def refresh_listers(article_ids: list[int]) -> int:
    """The lists that named an article now deleted: its rows went with it."""
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
