from django.urls import path

from enrichment import views

urlpatterns = [
    path("entites/<slug:slug>/", views.entity_page, name="entity_page"),
    path("pays/<str:code>/", views.country_page, name="country_page"),
]
