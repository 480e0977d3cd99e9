"""The reader page cache: one entry per page, valid while the versions of its families hold.

Why not Django's per-site middleware as it is (issue #15): a purge could only empty the whole
cache (`cache.clear()`, with everything else kept in it), each page took two entries (the
page and its header list), and each `Accept-Language` value stored the same French page
again. Here:

- a response records the *families* it was built from (``article:<id>``, ``related:<id>``
  (its related list), ``section:<id>``,
  ``topic:<slug>``, ``home``, ``feeds``, ``sitemaps``, ``search``, ``entity:<slug>``,
  ``country:<code>``, and ``site`` for every page: the navigation and the site's address).
  Each family has a version stamp under a long-lived key; the entry stores the stamps it was
  built under, and a hit needs them all unchanged. A purge (`newsroom.reader_purge`) gives
  the families a change affects new stamps, so every other page stays a hit.
  Stamps are random, never counters: a stamp the cache evicted comes back as a new value,
  so an old entry can never become valid again;
- the key is the page's absolute URL alone. Readers are anonymous and the site is French
  only (``LANGUAGES``), so neither the cookie nor the language changes the page: a request
  with a session cookie (an editor, with the userbar) or an ``Authorization`` header skips
  the cache, and a response that sets a cookie (a CSRF form, a session) is never stored
  and is marked private;
- a stored response says ``Cache-Control: public, max-age=60, s-maxage=<seconds>,
  stale-while-revalidate=<n>`` for a CDN and browsers, carries an ETag and a Last-Modified,
  and a conditional GET that matches gets a 304, cached or not;
- a page is compressed once, when it is stored, and a reader whose browser accepts gzip gets
  that copy (``Content-Encoding: gzip``, a weak ETag of its own, ``Vary: Accept-Encoding``
  on both): about a fifth of the bytes, and no compression in the request path;
- a hit is answered before the session, locale and common middleware run (the fetch half
  sits right inside the store half): the stored response already carries every header
  they added when it was built, and a hit touches neither the database nor the session.

Parts of a page are kept the same way (`kept_fragment`, ``{% kept_fragment %}`` in the
templates), so a page purged for one family re-renders only the parts built from it: an
article whose related list changed keeps its headline, body and JSON-LD.

The admin, previews (under /admin/), the newsletter's personal links, documents and the CSP
report endpoint are not reader pages (``READER_CACHE_EXCLUDED_PREFIXES``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.text import compress_string

from newsroom.release import release

VERSION_PREFIX = "reader:version:"
PAGE_PREFIX = "reader:page:"
FRAGMENT_PREFIX = "reader:fragment:"
HIT_HEADER = "X-Reader-Cache"
EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/anymail/",
    "/csp-reports/",
    "/newsletter/",
    "/static/",
    "/media/",
)


# Below this a page is not worth compressing; text types only (pictures come compressed).
GZIP_MIN_BYTES = 1024
_COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")


def reader_cache() -> BaseCache:
    return caches[getattr(settings, "CACHE_MIDDLEWARE_ALIAS", "default")]


def page_seconds() -> int:
    return int(getattr(settings, "CACHE_MIDDLEWARE_SECONDS", 300))


def keep_seconds() -> int:
    """How long this server keeps a page or a part nobody purged. Its validity is its
    stamps, so this only bounds the space it takes; `page_seconds` is what CDNs and
    browsers are told. Both were one setting: an article not read for five minutes was
    rebuilt whole, which on a site with an archive was most article views (issue #15)."""
    return int(getattr(settings, "READER_CACHE_KEEP_SECONDS", 86400))


def fragment_seconds() -> int:
    return int(getattr(settings, "READER_FRAGMENT_SECONDS", keep_seconds()))


def depends_on(request: HttpRequest, *families: str) -> None:
    """Say that the response to `request` is built from these families (see module doc)."""
    known = getattr(request, "_reader_families", None)
    if known is None:
        known = set()
        request._reader_families = known  # type: ignore[attr-defined]
    known.update(families)


def reader_page(
    view: Callable[..., HttpResponse], families: Callable[[dict[str, Any]], Iterable[str]]
) -> Callable[..., HttpResponse]:
    """`view` (a function or a Feed), saying which families its response is built from,
    given its URL's arguments. Each app wraps its own routes in its ``urls.py``, so the
    newsroom knows no route of the apps above it; Wagtail pages say theirs through the
    ``before_serve_page`` hook (newsroom.wagtail_hooks)."""

    def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        depends_on(request, *families(kwargs))
        return view(request, *args, **kwargs)

    return serve


def families_of(request: HttpRequest) -> set[str]:
    return {*getattr(request, "_reader_families", ()), "site"}


def _version_key(family: str) -> str:
    return VERSION_PREFIX + family


def _new_stamp() -> str:
    return uuid.uuid4().hex


def current_stamps(families: Iterable[str], *, create: bool = True) -> dict[str, str]:
    """The stamps of `families`, by version key; missing ones are created when `create`."""
    cache = reader_cache()
    keys = [_version_key(family) for family in families]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing and create:
        for key in missing:
            cache.add(key, _new_stamp(), timeout=None)
        found.update(cache.get_many(missing))
    return found


def still_valid(entry: Any) -> bool:
    """Whether a kept page or part (a dict with the ``stamps`` it was built under) still
    holds: every one of its families has the stamp it had then."""
    if not isinstance(entry, dict) or "stamps" not in entry:
        return False
    stamps = entry["stamps"]
    families = [key.removeprefix(VERSION_PREFIX) for key in stamps]
    return bool(current_stamps(families, create=False) == stamps)


def bump(families: Iterable[str]) -> None:
    """New stamps for `families`: every page built from one of them is a miss from now on."""
    stamps = {_version_key(family): _new_stamp() for family in set(families)}
    if stamps:
        reader_cache().set_many(stamps, timeout=None)


def page_key(request: HttpRequest) -> str:
    where = f"{release()} {request.build_absolute_uri()}"
    return PAGE_PREFIX + hashlib.md5(where.encode(), usedforsecurity=False).hexdigest()


def is_reader_request(request: HttpRequest) -> bool:
    if page_seconds() <= 0 or not anonymous_read(request):
        return False
    prefixes = tuple(getattr(settings, "READER_CACHE_EXCLUDED_PREFIXES", EXCLUDED_PREFIXES))
    return not request.path.startswith(prefixes)


def anonymous_read(request: HttpRequest) -> bool:
    """A GET or HEAD with no session cookie (an editor) and no ``Authorization``: what may be
    answered from, and stored in, what every reader shares."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.headers.get("Authorization")


def _shareable(response: HttpResponse) -> bool:
    if response.streaming or response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    return "*" not in response.get("Vary", "")


def _drop_vary(response: HttpResponse, header: str) -> None:
    """`header` out of ``Vary``: the page is French whatever the reader's language, and the
    same whatever their cookies (see `_reader_headers`)."""
    if not response.has_header("Vary"):
        return
    kept = [item.strip() for item in response["Vary"].split(",")]
    kept = [item for item in kept if item and item.lower() != header.lower()]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def _reader_headers(response: HttpResponse) -> None:
    response["Cache-Control"] = ", ".join(
        [
            "public",
            f"max-age={min(60, page_seconds())}",
            f"s-maxage={page_seconds()}",
            f"stale-while-revalidate={int(getattr(settings, 'READER_CACHE_STALE_SECONDS', 60))}",
        ]
    )
    _drop_vary(response, "Accept-Language")
    # Nor ``Vary: Cookie`` (the session middleware's, once the userbar asked who is there):
    # a shared page is the same for every cookie, a request with a session never gets it
    # from us, and a CDN keying on cookies would keep one copy per analytics cookie.
    _drop_vary(response, "Cookie")
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 304 when the reader's copy is current (what ConditionalGetMiddleware does)."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    answer = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    return answer if answer is not None else response


def _compressed(response: HttpResponse) -> bytes | None:
    """The body gzipped once for storage, if it is text and long enough to be worth it."""
    if response.has_header("Content-Encoding") or len(response.content) < GZIP_MIN_BYTES:
        return None
    if not response.get("Content-Type", "").startswith(_COMPRESSIBLE):
        return None
    return compress_string(response.content)


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def _gzipped_copy(response: HttpResponse, body: bytes) -> HttpResponse:
    """The stored page as its compressed representation, with an ETag of its own (a
    representation changes its validator, RFC 9110 8.8.3; weak, as Django's GZip does)."""
    copy = HttpResponse(body, status=response.status_code)
    for header, value in response.items():
        copy[header] = value
    copy["Content-Encoding"] = "gzip"
    copy["Content-Length"] = str(len(body))
    etag = response.get("ETag", "")
    if etag:
        copy["ETag"] = etag if etag.startswith("W/") else f"W/{etag}"
    return copy


class ReaderCacheUpdateMiddleware:
    """Outer half (where Django's UpdateCacheMiddleware stood): stores what may be shared.

    It runs last on the way out, after the locale, session and CSRF middleware had their
    say, so it sees the headers the reader would get.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_reader_cache_hit", False):
            _drop_vary(response, "Accept-Language")
            return _conditional(request, response)
        if not getattr(request, "_reader_cache_store", False):
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # An editor's page (the userbar, their name): for their browser alone.
                patch_cache_control(response, private=True)
            return response
        if not _shareable(response):
            if response.cookies:
                patch_cache_control(response, private=True)
            return response
        _reader_headers(response)
        body = _compressed(response)
        if body is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        stamps = current_stamps(families_of(request))
        if request.method == "GET":
            entry = {"stamps": stamps, "response": response, "gzip": body}
            reader_cache().set(page_key(request), entry, keep_seconds())
        response[HIT_HEADER] = "miss"
        if body is not None and _accepts_gzip(request):
            response = _gzipped_copy(response, body)
        return _conditional(request, response)


class ReaderCacheFetchMiddleware:
    """Inner half (where Django's FetchFromCacheMiddleware stood): answers from the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_reader_request(request):
            return self.get_response(request)
        entry: Any = reader_cache().get(page_key(request))
        if still_valid(entry):
            response = entry["response"]
            body = entry.get("gzip")
            if body is not None and _accepts_gzip(request):
                response = _gzipped_copy(response, body)
            response[HIT_HEADER] = "hit"
            request._reader_cache_hit = True  # type: ignore[attr-defined]
            return response
        request._reader_cache_store = True  # type: ignore[attr-defined]
        return self.get_response(request)


def kept_fragment(
    request: HttpRequest, name: str, families: Iterable[str], render: Callable[[], str]
) -> str:
    """A part of a reader page (`render()`'s HTML), kept while the stamps of `families` (and
    ``site``) hold, like a whole page.

    Why (issue #15): a page is purged when any of its families changes, and most purges of
    an article page are its related list changing (each new article re-ranks about twenty
    neighbours); the headline, body, pictures and JSON-LD of those pages have not changed,
    and are most of the render. The stamps are read before rendering, so a purge that lands
    during the render leaves an entry that is already stale. Only for readers: a preview,
    an editor (session cookie) or ``Authorization`` renders afresh and keeps nothing.
    """
    families = {*families, "site"}
    depends_on(request, *families)
    if not _fragment_reader(request):
        return render()
    cache = reader_cache()
    where = f"{release()} {request.get_host()} {name}"
    key = FRAGMENT_PREFIX + hashlib.md5(where.encode(), usedforsecurity=False).hexdigest()
    entry: Any = cache.get(key)
    if still_valid(entry):
        return str(entry["html"])
    stamps = current_stamps(families)
    html = render()
    cache.set(key, {"stamps": stamps, "html": html}, fragment_seconds())
    return html


def _fragment_reader(request: HttpRequest) -> bool:
    if fragment_seconds() <= 0 or getattr(request, "is_preview", False):
        return False
    return anonymous_read(request)
