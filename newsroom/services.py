"""Newsroom services: what happens around publishing.

The reader cache is purged by page family (`newsroom.reader_purge`): the apps above call
`purge_reader_pages` from their own ``signals.py`` for what they know (the entity pages an
article is on, the articles that list it as related).
"""

import logging

from newsroom.reader_purge import article_families, purge_reader_pages, snippet_families

__all__ = ["article_families", "purge_reader_cache", "purge_reader_pages", "snippet_families"]

logger = logging.getLogger(__name__)


def purge_reader_cache() -> None:
    """Make every cached reader page a miss (the site's address changed, a section came or
    went: every page's links or navigation did).

    Only the reader pages' ``site`` stamp and the navigation go; whatever else the cache
    keeps (sign-in throttling, CSP report counts) stays.
    """
    purge_reader_pages(["site"])
