"""The site's URLs with its media served, for browser tests (as `make run` serves them).

`rotative.urls` adds the media route only when SERVE_MEDIA is set as it is imported; a test
that points MEDIA_ROOT at a temporary directory needs the route to read it per request.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from rotative.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
