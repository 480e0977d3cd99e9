from django.urls import path
from django.views.generic import TemplateView
from wagtail.contrib.sitemaps.views import sitemap

from newsroom.csp_reports import receive_csp_report
from newsroom.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from newsroom.reader_cache import reader_page
from newsroom.sitemaps import news_sitemap


def feeds(kwargs: dict) -> list[str]:
    return ["feeds"]


def sitemaps(kwargs: dict) -> list[str]:
    return ["sitemaps"]


urlpatterns = [
    path("flux/rss.xml", reader_page(LatestArticlesFeed(), feeds), name="feed_rss"),
    path("flux/atom.xml", reader_page(LatestArticlesAtomFeed(), feeds), name="feed_atom"),
    path(
        "flux/<slug:section_slug>/rss.xml",
        reader_page(LatestArticlesFeed(), feeds),
        name="section_feed_rss",
    ),
    path(
        "flux/<slug:section_slug>/atom.xml",
        reader_page(LatestArticlesAtomFeed(), feeds),
        name="section_feed_atom",
    ),
    path("sitemap.xml", reader_page(sitemap, sitemaps), name="sitemap"),
    path("sitemap-news.xml", reader_page(news_sitemap, sitemaps), name="news_sitemap"),
    path("csp-reports/", receive_csp_report, name="csp_reports"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="newsroom/robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
]
