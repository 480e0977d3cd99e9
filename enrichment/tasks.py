"""Background enrichment through the Django tasks API: never in a request."""

from django_tasks import task

from enrichment import services
from newsroom.article import ExtractedArticle
from newsroom.models import ArticlePage


@task()
def enrich_article(article_id: int, extracted: dict | None = None) -> str:
    """`extracted`: what ingest extracted (`ExtractedArticle.to_json`), when it wrote the page."""
    page = ArticlePage.objects.filter(pk=article_id).first()
    if page is None:
        return "article gone"
    article = page.as_article()
    if extracted is not None:
        article = article.with_origin_of(ExtractedArticle.from_json(extracted))
    return str(services.enrich_article_page(page, article=article))


@task()
def enrich_articles(article_ids: list[int]) -> int:
    pages = ArticlePage.objects.filter(pk__in=article_ids).order_by("pk")
    return services.enrich_pages(pages)
