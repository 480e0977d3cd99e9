"""The safe fetcher: one partner URL in, its bytes out, and never a request into our own network.

Ingest fetches addresses typed by editors or found in partner feeds. Fetched carelessly, such
an address reaches the cloud metadata service, the database or the admin on loopback
(server-side request forgery), or ties a worker up with an endless or compressed-bomb body
(RELIABILITY.md properties 25-28). The work is split in two:

- `targets`: what may be fetched — scheme, port, host spelling, and the one DNS answer every
  address of which must be on the public Internet.
- `transport`: how it is fetched — a connection pinned to those addresses, redirects followed
  by hand and each checked again, the body capped while it streams, one deadline for it all.

For tests only: INGEST_FETCH_ALLOWED_ADDRESSES (IP networks such as "127.0.0.1/32", allowed
although private) and INGEST_FETCH_ALLOWED_PORTS (default (80, 443)) let a test reach a server
on 127.0.0.1:<random port>, set through pytest-django's `settings` fixture. Production never
sets them.
"""

from ingest.fetch.targets import is_forbidden_address, resolve_host
from ingest.fetch.transport import fetch

__all__ = ["fetch", "is_forbidden_address", "resolve_host"]
