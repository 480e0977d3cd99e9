"""How a checked address is fetched: the HTTP client, redirects, and the size and time limits.

Following RELIABILITY.md properties 26-28:

- The connection goes to an address `targets` validated (pinned), with the original name in
  the Host header, the TLS SNI and the certificate check. No second DNS lookup is ever made.
- Redirects are followed by hand, at most three, each hop checked again like the first.
- The decoded body is capped while it streams (INGEST_FETCH_MAX_BYTES, 5 MB), so a lying
  Content-Length, an endless chunked body or a gzip bomb stops at the cap; the whole fetch,
  every hop included, has one deadline (INGEST_FETCH_TIMEOUT_SECONDS, 20 s) that a server
  dripping one byte a second cannot stretch.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any

import urllib3.exceptions
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import HTTPResponse
from urllib3.util import make_headers
from urllib3.util.ssl_match_hostname import CertificateError

from ingest.exceptions import (
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    IngestError,
    ResponseTooLarge,
    TooManyRedirects,
)
from ingest.fetch.targets import (
    IPAddress,
    Resolver,
    Target,
    allowed_networks,
    allowed_ports,
    parse_target,
    redirect_target,
    resolve_host,
    shown,
    told_as_redirect,
    validated_addresses,
)
from ingest.formats.base import RawDocument

MAX_REDIRECTS = 3
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 20
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024


def fetch(
    url: str, *, accept: str = "*/*", max_bytes: int | None = None, resolver: Resolver | None = None
) -> RawDocument:
    """The body of `url` once every hop passed the destination policy; raise a FetchError if not.

    `resolver(host, port)` returns the IP addresses of a name (default: the system resolver);
    it is called once per hop and its answer is the one connected to. `max_bytes` caps the
    decoded body (default: INGEST_FETCH_MAX_BYTES). The result's `url` is the address after
    redirects and `content_type` the final response's Content-Type header.
    """
    limit = (
        max_bytes
        if max_bytes is not None
        else getattr(settings, "INGEST_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES)
    )
    allowed_addresses = allowed_networks()
    ports = allowed_ports()
    resolver = resolver or resolve_host
    seconds = getattr(settings, "INGEST_FETCH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    deadline = _Deadline(float(seconds), url)
    headers = {
        "User-Agent": _user_agent(),
        "Accept": accept,
        "Accept-Encoding": make_headers(accept_encoding=True)["accept-encoding"],
        "Connection": "close",
    }
    try:
        target = parse_target(url, ports)
        for redirects in range(MAX_REDIRECTS + 1):
            with told_as_redirect(url, redirected=redirects > 0):
                addresses = validated_addresses(target, resolver, allowed_addresses)
            with _translated_errors(target, deadline):
                hop = _Hop.open(target, addresses, headers, deadline)
                try:
                    location = hop.redirect_location()
                    if location is None:
                        return hop.document(limit)
                finally:
                    hop.close()
            if redirects == MAX_REDIRECTS:
                raise TooManyRedirects(
                    _(
                        "%(url)s redirects more than %(limit)d times; "
                        "use the address it finally leads to instead."
                    ),
                    url=shown(url),
                    limit=MAX_REDIRECTS,
                )
            with told_as_redirect(url, redirected=True):
                target = redirect_target(target, location, ports)
        raise AssertionError("unreachable: the last hop returns or raises")  # pragma: no cover
    finally:
        deadline.cancel()


def _user_agent() -> str:
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "no base URL"
    return f"RotativeBot/1.0 (+{base_url})"


def _header_text(value: str) -> str:
    """A header as sent: http.client decodes bytes as Latin-1, most servers mean UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


# Time ---------------------------------------------------------------------------------------
class _Deadline:
    """One time budget for the whole fetch, enforced even against a server that drips.

    A socket timeout bounds each wait only, and a server sending a byte a second never lets
    it fire (requests #4276). So every socket of the fetch is also handed to a timer that shuts
    it down when the budget is spent: whatever read is blocked then returns at once, in the TLS
    handshake, the headers or the body. The timer holds a duplicate of each socket because
    urllib3 detaches the plain socket when it wraps it in TLS.
    """

    def __init__(self, seconds: float, url: str):
        self.seconds = seconds
        self.url = url
        self._ends_at = time.monotonic() + seconds
        self._fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self._ends_at

    def remaining(self) -> float:
        """Seconds left; raise FetchTimeout when none are."""
        left = self._ends_at - time.monotonic()
        if left <= 0 or self._fired:
            raise self.timeout()
        return left

    def timeout(self) -> FetchTimeout:
        return FetchTimeout(
            _(
                "%(url)s did not answer completely within %(seconds)g seconds; "
                "try again later, or ask the partner whether the server is slow."
            ),
            url=shown(self.url),
            seconds=self.seconds,
        )

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self._fired:
                _shut_down(duplicate)

    def release(self) -> None:
        """Close the duplicates of a finished hop, so its connection really closes."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def cancel(self) -> None:
        self._timer.cancel()
        self.release()

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            for sock in self._sockets:
                _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the connection is already closed: nothing to stop
        sock.shutdown(socket.SHUT_RDWR)


# Connections --------------------------------------------------------------------------------
class _WatchedConnection(HTTPConnection):
    """Hands each new socket to the fetch's deadline. urllib3 connects to `host` as given,
    and `host` is always the validated address, so it never resolves a name itself."""

    deadline: _Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _PinnedHTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


@contextlib.contextmanager
def _translated_errors(target: Target, deadline: _Deadline) -> Iterator[None]:
    """Network and protocol errors as FetchErrors; whatever fails once time is up is a timeout."""
    try:
        yield
    except IngestError:
        raise
    except (urllib3.exceptions.HTTPError, HTTPException, OSError, CertificateError) as error:
        if deadline.expired:
            raise deadline.timeout() from error
        reason = str(error)[:200] or type(error).__name__
        if isinstance(error, urllib3.exceptions.NewConnectionError):
            raise FetchError(
                _("Could not connect to %(host)s: %(reason)s."), host=target.host, reason=reason
            ) from error
        if isinstance(error, TimeoutError | urllib3.exceptions.TimeoutError):
            raise deadline.timeout() from error
        if isinstance(error, ssl.SSLError | urllib3.exceptions.SSLError | CertificateError):
            raise FetchError(
                _(
                    "The secure connection to %(host)s failed (%(reason)s); its certificate "
                    "may be invalid, expired or issued for another name."
                ),
                host=target.host,
                reason=reason,
            ) from error
        raise FetchError(
            _("%(url)s could not be fetched: %(reason)s."), url=shown(target.url), reason=reason
        ) from error


@dataclass
class _Hop:
    """One request and its response, on a connection pinned to a validated address."""

    target: Target
    connection: HTTPConnection
    sock: socket.socket  # the connection's (TLS) socket, kept for per-read timeouts
    response: HTTPResponse
    deadline: _Deadline

    @classmethod
    def open(
        cls,
        target: Target,
        addresses: list[IPAddress],
        headers: dict[str, str],
        deadline: _Deadline,
    ) -> _Hop:
        headers = {**headers, "Host": target.host_header}
        connection = _connect(target, addresses, deadline)
        sock = connection.sock
        try:
            connection.timeout = deadline.remaining()
            connection.request(
                "GET", target.path, headers=headers, preload_content=False, decode_content=True
            )
            connection.timeout = deadline.remaining()
            response = connection.getresponse()
        except BaseException:
            connection.close()
            deadline.release()
            raise
        return cls(target, connection, sock, response, deadline)

    def redirect_location(self) -> str | None:
        """Where a redirect points (relative or not), or None for a final response."""
        if self.response.status not in REDIRECT_STATUSES:
            return None
        location = _header_text(self.response.headers.get("Location", "")).strip()
        return location or None

    def document(self, limit: int) -> RawDocument:
        """The final response as a RawDocument, if its status says it succeeded."""
        status = self.response.status
        if not 200 <= status < 300:
            raise HTTPStatusError(
                _(
                    "%(url)s answered with HTTP status %(status)d; check that the address is "
                    "right and the page is public."
                ),
                url=shown(self.target.url),
                status=status,
            )
        return RawDocument(
            content=self.read_body(limit),
            url=self.target.url,
            content_type=self.response.headers.get("Content-Type", ""),
        )

    def read_body(self, limit: int) -> bytes:
        """The decoded body, refused as soon as it grows past `limit` bytes."""
        encoding = self.response.headers.get("Content-Encoding", "").strip().lower()
        declared = self.response.length_remaining
        # Content-Length counts encoded bytes, so it only settles an unencoded body.
        if encoding in ("", "identity") and declared is not None and declared > limit:
            raise self._too_large(limit)
        body = bytearray()
        while True:
            remaining = self.deadline.remaining()
            # Once http.client has read a whole body, it closes a "Connection: close" socket.
            if self.sock.fileno() != -1:
                self.sock.settimeout(remaining)
            # read1: whatever one socket read brings, so time is checked between small reads
            # instead of blocking until a full chunk has trickled in.
            chunk = self.response.read1(CHUNK_BYTES)
            if not chunk:
                break
            if len(body) + len(chunk) > limit:
                raise self._too_large(limit)
            body += chunk
        self.deadline.remaining()  # a socket shut down by the deadline reads as the body's end
        return bytes(body)

    def close(self) -> None:
        self.response.close()
        self.connection.close()
        self.deadline.release()

    def _too_large(self, limit: int) -> ResponseTooLarge:
        return ResponseTooLarge(
            _(
                "%(url)s is larger than %(limit)d bytes once decompressed; ask the partner "
                "for a smaller page or feed."
            ),
            url=shown(self.target.url),
            limit=limit,
        )


def _connect(target: Target, addresses: list[IPAddress], deadline: _Deadline) -> HTTPConnection:
    """A connection to the first validated address that accepts one, never to a name."""
    for index, address in enumerate(addresses):
        options: dict[str, Any] = {}
        if target.scheme == "https":
            # SNI and the certificate are checked against the name from the URL, not the address.
            options = {
                "server_hostname": target.host.rstrip("."),
                "assert_hostname": target.host.rstrip("."),
                "cert_reqs": "CERT_REQUIRED",
            }
        connection_class = (
            _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            host=str(address), port=target.port, timeout=deadline.remaining(), **options
        )
        connection.deadline = deadline
        try:
            connection.connect()
        except urllib3.exceptions.NewConnectionError:
            connection.close()
            if index == len(addresses) - 1:
                raise  # the last address refused too: that refusal is the one reported
            continue
        except BaseException:
            connection.close()
            raise
        return connection
    raise AssertionError("unreachable: validated_addresses gives at least one address")
