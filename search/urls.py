from django.urls import path

from search import views
from search.feeds import EntityFeed, SearchFeed

urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("recherche/rss/", SearchFeed(), name="search_feed"),
    path("entites/<slug:slug>/rss/", EntityFeed(), name="entity_feed"),
]
