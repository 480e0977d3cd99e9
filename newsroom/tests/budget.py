"""Counting the queries of an uncached reader page (issue #15), for the budget tests.

"Uncached" means what a reader meets after a purge: the page itself is rebuilt, while the
long-lived keys (the navigation, Wagtail's site root paths, the version stamps) are still
there, as they are on a running site. The page is rendered once to fill those, then every
cached page is made stale (the ``site`` family) and the next render is counted.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import reader_cache


def uncached_queries(client, url: str) -> list[str]:
    assert client.get(url).status_code == 200, url
    reader_cache.bump(["site"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response[reader_cache.HIT_HEADER] == "miss", url
    return [query["sql"] for query in captured.captured_queries]
