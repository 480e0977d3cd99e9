from django.urls import path

from mailing import views

urlpatterns = [
    path("newsletter/", views.subscribe, name="mailing_subscribe"),
    path("newsletter/merci/", views.subscribe_done, name="mailing_subscribe_done"),
    path("newsletter/confirmer/<str:token>/", views.confirm, name="mailing_confirm"),
    path("newsletter/preferences/<str:token>/", views.preferences, name="mailing_preferences"),
    path(
        "newsletter/preferences/<str:token>/donnees.json",
        views.export_data,
        name="mailing_export",
    ),
    path("newsletter/preferences/<str:token>/effacer/", views.erase, name="mailing_erase"),
    path("newsletter/desabonnement/<str:token>/", views.unsubscribe, name="mailing_unsubscribe"),
]
