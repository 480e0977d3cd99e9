"""Counting the queries of an uncached reader page (issue #15), for the budget tests.

"Uncached" means what a reader meets after a purge: the page itself is rebuilt, while the
long-lived keys (the kept top of the tree and its navigation, Wagtail's site root paths, the
version stamps) are still there, as they are on a running site. The page is rendered once to
fill those, then every family it was built from but ``site`` is purged (what a publish
does; ``site`` would also renew the long-lived keys) and the next render is counted. Its
kept parts go too, since their families are the page's.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import reader_cache


def uncached_queries(client, url: str) -> list[str]:
    first = client.get(url)
    assert first.status_code == 200, url
    entry = reader_cache.reader_cache().get(reader_cache.page_key(first.wsgi_request))
    families = [key.removeprefix(reader_cache.VERSION_PREFIX) for key in entry["stamps"]]
    reader_cache.bump(family for family in families if family != "site")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response[reader_cache.HIT_HEADER] == "miss", url
    return [query["sql"] for query in captured.captured_queries]
