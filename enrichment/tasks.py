"""Background enrichment through the Django tasks API: never in a request."""

from django_tasks import task

from enrichment import services
from newsroom.models import ArticlePage


@task()
def enrich_article(article_id: int) -> str:
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None:
        return "article gone"
    return str(services.enrich_article_page(page))


@task()
def enrich_articles(article_ids: list[int]) -> int:
    pages = ArticlePage.objects.filter(pk__in=article_ids).order_by("pk")
    return services.enrich_pages(pages)
