"""Newsroom services: what happens around publishing."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def purge_reader_cache() -> None:
    """Drop every cached reader page so a publish, change or removal shows at once.

    The cache holds only reader pages and navigation, so clearing it whole is simpler and
    safer than tracking every listing an article appears on (home, section, topics, feeds,
    related blocks). A CDN in front would be purged here too.
    """
    cache.clear()
    logger.info("Reader cache purged")
