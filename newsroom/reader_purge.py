"""Purging exactly the reader pages a change affects, and telling a CDN which URLs they were.

A purge names page families (see `newsroom.reader_cache`); in a transaction the families
of every call are gathered and purged once, after commit, so a rolled-back publish purges
nothing and a publish heard by several receivers bumps each family once. With
``READER_CACHE_PURGE_URL`` set, the absolute URLs of the purged pages are then POSTed there
as a JSON list, for a CDN (or the small service in front of one); a failure is logged and
never breaks the publish.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from newsroom import reader_cache
from newsroom.events import on_commit_once

if TYPE_CHECKING:
    from newsroom.models import ArticlePage

logger = logging.getLogger(__name__)

# Families whose pages are known by name; the others are resolved per family below.
FIXED_ROUTES: dict[str, list[tuple[str, dict[str, str]]]] = {
    "home": [("", {})],
    "feeds": [("feed_rss", {}), ("feed_atom", {})],
    "sitemaps": [("sitemap", {}), ("news_sitemap", {})],
}
PURGE_TIMEOUT_SECONDS = 5


def article_families(article: ArticlePage) -> set[str]:
    """What publishing, unpublishing or changing `article` shows on: its page, la une, its
    section (and the section's feeds), its topic and country pages, the feeds, sitemaps and
    search results."""
    families = {f"article:{article.pk}", "home", "feeds", "sitemaps", "search"}
    parent_id = _parent_id(article)
    if parent_id is not None:
        families.add(f"section:{parent_id}")
    if article.pk:
        families.update(f"topic:{slug}" for slug in article.topics.values_list("slug", flat=True))
    families.update(f"country:{code}" for code in country_codes(article.countries))
    return families


def snippet_families(article_ids: Iterable[int], *, topic_slugs: Iterable[str] = ()) -> set[str]:
    """What an author's, a partner outlet's or a topic's name shows on: the pages of the
    articles carrying it (byline, credit, tags, JSON-LD), the feeds (which name all three)
    and, for a topic, its own page. Listing cards show none of them, so la une and the
    sections keep their pages. Before this a renamed author waited out the cache's timeout."""
    families = {f"article:{article_id}" for article_id in article_ids}
    families.update(f"topic:{slug}" for slug in topic_slugs)
    return families | {"feeds"} if families else set()


def country_codes(countries: str | Iterable[object] | None) -> list[str]:
    """The codes of a CountryField(multiple=True) value, upper case. A page restored from a
    revision, or built by hand before its first save, can hold the stored form, "LB,JO",
    which iterated letter by letter purged ``country:L``, ``country:,``…"""
    if isinstance(countries, str):
        return [code.strip().upper() for code in countries.split(",") if code.strip()]
    return [str(getattr(code, "code", code)).upper() for code in countries or ()]


def _parent_id(article: ArticlePage) -> int | None:
    """The section's id, read from the tree path (a page being saved may not be in the
    database yet, but its path is set)."""
    if article.depth is None or article.depth <= 1 or not article.path:
        return None
    parent = article.get_parent()
    return parent.pk if parent is not None else None


class _Gathered:
    """The families and URLs the current transaction purges when it commits."""

    def __init__(self) -> None:
        self.families: set[str] = set()
        self.urls: set[str] = set()

    def __call__(self) -> None:
        _purge_now(self.families, self.urls)


def purge_reader_pages(families: Iterable[str], *, urls: Iterable[str] = ()) -> None:
    """Give `families` new version stamps after commit (at once outside a transaction).

    `urls` are extra absolute URLs for the CDN. The calls of one transaction make one purge
    (`on_commit_once`, replacing the waiting one with one that knows the families of both),
    so each family is bumped, and the CDN called, once.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _purge_now(set(families), set(urls))
        return
    gathered = _Gathered()
    gathered.families.update(families)
    gathered.urls.update(urls)
    for waiting in _waiting(connection):
        gathered.families.update(waiting.families)
        gathered.urls.update(waiting.urls)
    on_commit_once("purge_reader_pages", gathered, replace=True)


def _waiting(connection: Any) -> list[_Gathered]:
    """The purges waiting for the commit of the transaction the code is in: the scope of
    `on_commit_once` (the outermost block that is not a test case's), read the same way."""
    blocks = connection.atomic_blocks
    index = next(
        (i for i, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)),
        None,
    )
    if index is None:
        return []
    scope = connection.savepoint_ids[index - 1] if index > 0 else None
    return [
        callback.run
        for savepoints, callback, _robust in connection.run_on_commit
        if isinstance(getattr(callback, "run", None), _Gathered)
        and (scope is None or scope in savepoints)
    ]


def _purge_now(families: set[str], urls: set[str]) -> None:
    if not families:
        return
    reader_cache.bump(families)
    logger.info("Reader pages purged: %s", ", ".join(sorted(families)))
    endpoint = getattr(settings, "READER_CACHE_PURGE_URL", "")
    if endpoint:
        tell_cdn(endpoint, sorted(urls | set(urls_of(families))))


def urls_of(families: Iterable[str]) -> list[str]:
    """The absolute URLs of the pages of `families` a CDN can purge by address."""
    base = settings.ROTATIVE_BASE_URL.rstrip("/")
    paths: list[str] = []
    for family in families:
        name, _, value = family.partition(":")
        if family == "site":
            paths.append("/*")
        elif family in FIXED_ROUTES:
            paths.extend(_reverse(route, kwargs) for route, kwargs in FIXED_ROUTES[family])
        elif name in ("article", "related"):  # an article's page, or its related list
            paths.append(_page_path(value))
        elif name == "section":
            section_path = _page_path(value)
            paths.append(section_path)
            slug = section_path.strip("/").rpartition("/")[2]
            if slug:
                paths.append(_reverse("section_feed_rss", {"section_slug": slug}))
                paths.append(_reverse("section_feed_atom", {"section_slug": slug}))
        elif name == "topic":
            paths.append(f"/sujets/{value}/")
        elif name == "entity":
            paths.append(_reverse("entity_page", {"slug": value}))
            paths.append(_reverse("entity_feed", {"slug": value}))
        elif name == "country":
            paths.append(_reverse("country_page", {"code": value}))
    return sorted({base + path for path in paths if path})


def _reverse(route: str, kwargs: dict[str, str]) -> str:
    if not route:
        return "/"
    try:
        return reverse(route, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _page_path(page_id: str) -> str:
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first() if page_id.isdigit() else None
    return (page.get_url() or "") if page is not None else ""


def tell_cdn(endpoint: str, urls: list[str]) -> None:
    """POST the purged URLs to `endpoint` as a JSON list; a failure is logged, not raised."""
    body = json.dumps(urls).encode()
    request = urllib.request.Request(  # noqa: S310 (an address the operator configured)
        endpoint, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as answer:  # noqa: S310
            answer.read()
    except (OSError, ValueError) as error:
        logger.warning("The CDN purge at %s failed: %s (%d URLs)", endpoint, error, len(urls))
