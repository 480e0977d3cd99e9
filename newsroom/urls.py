from django.urls import path
from django.views.generic import TemplateView
from wagtail.contrib.sitemaps.views import sitemap

from newsroom.csp_reports import receive_csp_report
from newsroom.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from newsroom.sitemaps import news_sitemap

urlpatterns = [
    path("flux/rss.xml", LatestArticlesFeed(), name="feed_rss"),
    path("flux/atom.xml", LatestArticlesAtomFeed(), name="feed_atom"),
    path("flux/<slug:section_slug>/rss.xml", LatestArticlesFeed(), name="section_feed_rss"),
    path("flux/<slug:section_slug>/atom.xml", LatestArticlesAtomFeed(), name="section_feed_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path("csp-reports/", receive_csp_report, name="csp_reports"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="newsroom/robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
]
