"""The Google News sitemap: articles published in the last 48 hours.

The general sitemap.xml comes from wagtail.contrib.sitemaps.
"""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Site

from newsroom.models import ArticlePage

NEWS_SITEMAP_WINDOW = timedelta(hours=48)
NEWS_SITEMAP_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap.


@require_GET
def news_sitemap(request):
    site = Site.find_for_request(request)
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = ArticlePage.objects.published().filter(first_published_at__gte=since)
    if site is not None:
        articles = articles.descendant_of(site.root_page, inclusive=True)
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {
            "articles": articles[:NEWS_SITEMAP_LIMIT],
            "publication_name": site.site_name if site else "",
            "request": request,
        },
        content_type="application/xml; charset=utf-8",
    )
