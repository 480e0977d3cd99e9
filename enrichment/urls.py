from django.urls import path

from enrichment import views
from newsroom.reader_cache import reader_page

urlpatterns = [
    path(
        "entites/<slug:slug>/",
        reader_page(views.entity_page, lambda kwargs: [f"entity:{kwargs['slug']}"]),
        name="entity_page",
    ),
    path(
        "pays/<str:code>/",
        reader_page(views.country_page, lambda kwargs: [f"country:{kwargs['code'].upper()}"]),
        name="country_page",
    ),
]
