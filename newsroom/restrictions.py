"""Which parts of the tree are private, kept under one cache key.

Wagtail's ``public()`` reads every view restriction again for each query it filters, three
or four times per reader page (the listings, the related block, the navigation). The tree
paths of the restricted pages are read once and kept; saving or deleting a restriction,
or moving a page, forgets them (``newsroom.signals``), and a short timeout bounds what a
change made behind Django's back (a raw SQL edit) could leave.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, QuerySet
from wagtail.models import PageViewRestriction

RESTRICTED_PATHS_KEY = "newsroom:restricted-paths"
RESTRICTED_PATHS_SECONDS = 60


def restricted_paths() -> list[str]:
    """The tree paths of the pages with a view restriction (each covers its descendants)."""
    paths = cache.get(RESTRICTED_PATHS_KEY)
    if paths is None:
        paths = sorted(PageViewRestriction.objects.values_list("page__path", flat=True))
        cache.set(RESTRICTED_PATHS_KEY, paths, RESTRICTED_PATHS_SECONDS)
    return paths


def forget_restricted_paths() -> None:
    cache.delete(RESTRICTED_PATHS_KEY)


def private_q() -> Q:
    """Pages under a restriction, what Wagtail's ``private_q`` matches; none if none."""
    q = Q()
    for path in restricted_paths():
        q |= Q(path__startswith=path)
    return q if q else Q(pk__in=[])


class ViewRestrictionsReadOnce:
    """A page's view restrictions (Wagtail's check before serving it) read from the kept
    paths when no page of the site is restricted: none can apply, and the two queries
    Wagtail makes on every page served (its ancestors' aliases, then their restrictions)
    are not needed. With any restriction in the site, Wagtail's own reading decides, since
    an alias takes its restrictions from the page it copies, wherever that page is."""

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        if not restricted_paths():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]
