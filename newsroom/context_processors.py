"""What every reader page's chrome needs: the site and its sections for the navigation."""

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Site

from newsroom.models import SectionPage

NAVIGATION_CACHE_KEY = "newsroom:navigation"


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    if request.path.startswith(("/admin/", "/django-admin/")):
        return {}
    navigation = cache.get(NAVIGATION_CACHE_KEY)
    if navigation is None:
        navigation = [
            {"title": section.title, "url": section.url}
            for section in SectionPage.objects.live().public().in_menu().order_by("path")
        ]
        cache.set(NAVIGATION_CACHE_KEY, navigation, 300)
    return {"navigation": navigation, "site": Site.find_for_request(request)}
