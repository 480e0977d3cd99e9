"""The top of the page tree — the site, la une and its sections — kept between requests.

Why (issue #15): Wagtail routes every page from the top. Before the article itself it reads
the site for the request's host (one query), the site's root page and then its specific row
(two), and the section by its slug (one). On an article whose parts are kept, building those
four queries was most of the render. La une and the sections change a few times a year.
So they are kept under one cache key per host and port. An entry is valid while the ``site``
family's stamp holds (`newsroom.reader_cache.still_valid`). Every change that could alter
them bumps that stamp (`newsroom.signals`): la une or a section published, unpublished,
moved or deleted; a view restriction; the Site row itself. Routing then reads the article
alone.

What is kept is what Wagtail's routing would read: the Site row, la une's row, and the row of
every section under it, live or not (Wagtail routes through a section that is not live). The
navigation is kept too: the live, public sections shown in menus, with their URLs. Every
request gets its own copies (unpickled from the cache), so an attribute one request sets on a
page never reaches another.

Only an anonymous read (GET or HEAD, no session, no ``Authorization``) is routed this way:
its page is routed from the kept tree, and the site Wagtail finds for it is the kept one,
when the page is about to be routed or its chrome rendered. An editor on the site gets
Wagtail's own routing: it reads the latest rows, with their draft flags, for the userbar.
The navigation is the same for everyone, so it comes from here for every request outside
the admin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site

from newsroom import reader_cache, restrictions
from newsroom.release import release

TREE_PREFIX = "newsroom:tree:"
# Bounds what a change made behind Django's back (a raw SQL edit) could leave.
TREE_SECONDS = 300
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


@dataclass
class KeptTree:
    """The site a host and port answer for, and what routing and the chrome read under it."""

    site: Site | None
    children: dict[int, dict[str, Any]] = field(default_factory=dict)
    navigation: list[dict[str, str]] = field(default_factory=list)
    # La une's live, public sections, in tree order: its section blocks (the same objects
    # as in `children`, pickled once).
    listed: list[Any] = field(default_factory=list)


def tree_for(request: HttpRequest) -> KeptTree:
    """The request's kept tree, read from the cache once per request, built on a miss."""
    known: KeptTree | None = getattr(request, "_kept_tree", None)
    if known is not None:
        return known
    raw_host = request._get_raw_host()  # type: ignore[attr-defined]  # as Wagtail reads it
    hostname = split_domain_port(raw_host)[0]
    where = f"{release()} {hostname}:{request.get_port()}"  # pickled pages: this code's
    key = TREE_PREFIX + hashlib.md5(where.encode(), usedforsecurity=False).hexdigest()
    cache = reader_cache.reader_cache()
    entry: Any = cache.get(key)
    if reader_cache.still_valid(entry):
        tree: KeptTree = entry["tree"]
    else:
        # The stamps are read before the rows: a change that commits while they are read
        # leaves an entry that is already stale.
        stamps = reader_cache.current_stamps(["site"])
        tree = _read_tree(request)
        cache.set(key, {"stamps": stamps, "tree": tree}, TREE_SECONDS)
    request._kept_tree = tree  # type: ignore[attr-defined]
    return tree


def _read_tree(request: HttpRequest) -> KeptTree:
    from newsroom.models import HomePage, SectionPage

    site = Site._find_for_request(request)  # Wagtail's own choice of site for the host
    if site is None:
        return KeptTree(site=None)
    home = site.root_page.specific
    site.root_page = home  # kept with the site: routing starts from it, as its own model
    if not isinstance(home, HomePage):
        return KeptTree(site=site)
    sections = list(SectionPage.objects.child_of(home).order_by("path"))
    private = tuple(restrictions.restricted_paths())  # what Wagtail's public() leaves out
    listed = [s for s in sections if s.live and not s.path.startswith(private)]
    navigation = [{"title": s.title, "url": s.url} for s in listed if s.show_in_menus]
    children = {home.pk: {section.slug: section for section in sections}}
    return KeptTree(site=site, children=children, navigation=navigation, listed=listed)


def listed_sections(request: HttpRequest, home: Any) -> list[Any] | None:
    """La une's live, public sections in tree order, from the kept tree; None when `home`
    is not the root the request's site is kept with (read them from the database)."""
    tree = tree_for(request)
    if tree.site is None or tree.site.root_page_id != home.pk:
        return None
    return tree.listed


def kept_child(request: HttpRequest, parent_id: int, slug: str) -> Any | None:
    """The kept child `slug` of page `parent_id`, if this request is routed from the kept
    tree (see `KeptTreeMiddleware`); None means: read it from the database."""
    children = getattr(request, "_kept_children", None)
    if children is None:
        return None
    return children.get(parent_id, {}).get(slug)


class KeptTreeMiddleware:
    """Hands Wagtail the kept site (`Site.find_for_request` reads ``_wagtail_site`` first),
    and `OneTypeOfChild` the kept sections, when an anonymous read is about to be served by
    Wagtail's page view. Other views (feeds, search, the CSP endpoint) are left alone: the
    tree is read only where a page is routed or the chrome is rendered."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        from wagtail import views as wagtail_views  # not at import: the models import this

        if view is wagtail_views.serve:
            route_from_kept_tree(request)
        return None


def route_from_kept_tree(request: HttpRequest) -> KeptTree:
    """The request's tree; for an anonymous read, also the site Wagtail finds for it and
    the children `OneTypeOfChild` routes to. Called when a page is about to be routed, and
    when the chrome is rendered (a view of an app that shows the site's address later)."""
    tree = tree_for(request)
    if tree.site is not None and reader_cache.anonymous_read(request):
        if not hasattr(request, "_wagtail_site"):
            request._wagtail_site = tree.site  # type: ignore[attr-defined]
        request._kept_children = tree.children  # type: ignore[attr-defined]
    return tree
