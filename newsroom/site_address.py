"""The Wagtail Site at the site's public address, ROTATIVE_BASE_URL (issue #14).

Wagtail builds every absolute URL of a page (the canonical link, og:url, sitemaps, JSON-LD,
feeds) from its Site's hostname and port alone: `Site.root_url` is https on port 443 and
http otherwise. Wagtail's migrations leave a Site on localhost:80, so until set-up gave it
the real address every canonical URL said http://localhost while email links (built on
ROTATIVE_BASE_URL) said another thing. Set-up (`setup_newsroom`) now gives the default Site
the address, and again whenever it changed; an address Wagtail could not give back (a path,
https on another port) is refused rather than half kept.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.db import transaction
from wagtail.models import Site

from newsroom.exceptions import SiteAddressInvalid, SiteAddressTaken
from newsroom.services import purge_reader_cache

logger = logging.getLogger(__name__)

HTTPS_PORT = 443
HTTP_PORT = 80


def site_address(base_url: str) -> tuple[str, int]:
    """(hostname, port) of the Site serving `base_url`: "https://www.example.org" → 443."""
    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError as error:
        raise SiteAddressInvalid(address=base_url) from error
    beyond_host = parts.path.strip("/") or parts.query or parts.fragment
    if parts.scheme not in {"http", "https"} or not parts.hostname or beyond_host:
        raise SiteAddressInvalid(address=base_url)
    https = parts.scheme == "https"
    port = port or (HTTPS_PORT if https else HTTP_PORT)
    if https != (port == HTTPS_PORT):
        raise SiteAddressInvalid(address=base_url)
    return parts.hostname, port


@transaction.atomic
def serve_site_at(base_url: str) -> tuple[Site | None, bool]:
    """Give the default Site (or the only one) the address of `base_url`.

    Returns the site (None when there is none yet: `ensure_site_tree` makes it) and whether
    its address changed; a change empties the reader cache, whose pages hold the old URLs.
    """
    hostname, port = site_address(base_url)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None and Site.objects.count() == 1:
        site = Site.objects.get()
    if site is None:
        return None, False
    if (site.hostname, site.port, site.is_default_site) == (hostname, port, True):
        return site, False
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        raise SiteAddressTaken(address=base_url)
    before = site.root_url
    site.hostname, site.port, site.is_default_site = hostname, port, True
    site.save()
    logger.info("Site address changed from %s to %s", before, site.root_url)
    transaction.on_commit(purge_reader_cache)
    return site, True
