from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from enrichment import urls as enrichment_urls
from mailing import urls as mailing_urls
from newsroom import urls as newsroom_urls
from search import urls as search_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("anymail/", include("anymail.urls")),
    path("", include(newsroom_urls)),
    path("", include(enrichment_urls)),
    path("", include(mailing_urls)),
    path("", include(search_urls)),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # One-machine set-ups serve uploaded images from the app; production uses a web server
    # or object storage in front.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns.append(path("", include(wagtail_urls)))
