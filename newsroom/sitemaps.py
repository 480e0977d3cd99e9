"""The Google News sitemap: articles published in the last 48 hours.

The general sitemap.xml comes from wagtail.contrib.sitemaps (URLs and dates only). Here the
titles and the publication's name are cleaned as they are served (`clean_text`), whatever
the database holds: the template escapes markup but not control characters, and one stray
control character in a title made the whole sitemap ill-formed XML (issue #12, item 2).
"""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Site

from newsroom.models import ArticlePage
from newsroom.text import clean_text

NEWS_SITEMAP_WINDOW = timedelta(hours=48)
NEWS_SITEMAP_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap.


@require_GET
def news_sitemap(request: HttpRequest) -> HttpResponse:
    site = Site.find_for_request(request)
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = ArticlePage.objects.published().filter(first_published_at__gte=since)
    if site is not None:
        articles = articles.descendant_of(site.root_page, inclusive=True)
    entries = [
        {
            "url": article.get_full_url(request=request),
            "published_at": article.first_published_at,
            "title": clean_text(article.title),
        }
        for article in articles[:NEWS_SITEMAP_LIMIT]
    ]
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {
            "entries": entries,
            "publication_name": clean_text(site.site_name) if site else "",
            "request": request,
        },
        content_type="application/xml; charset=utf-8",
    )
