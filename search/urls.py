from django.urls import path

from newsroom.reader_cache import reader_page
from search import views
from search.feeds import EntityFeed, SearchFeed

urlpatterns = [
    path("recherche/", reader_page(views.search_page, lambda kwargs: ["search"]), name="search"),
    path(
        "recherche/rss/",
        reader_page(SearchFeed(), lambda kwargs: ["search", "feeds"]),
        name="search_feed",
    ),
    path(
        "entites/<slug:slug>/rss/",
        reader_page(EntityFeed(), lambda kwargs: [f"entity:{kwargs['slug']}", "feeds"]),
        name="entity_feed",
    ),
]
