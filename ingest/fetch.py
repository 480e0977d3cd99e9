"""The safe fetcher: one partner URL in, its bytes out, and never a request into our own network.

Ingest fetches addresses typed by editors or found in partner feeds. Fetched carelessly, such
an address reaches the cloud metadata service (169.254.169.254), the database or the admin on
loopback (server-side request forgery), or ties a worker up with an endless or compressed-bomb
body. So, following RELIABILITY.md properties 25-28:

- Only http and https, only on ports 80 and 443.
- A host name is resolved once. If any of its addresses is not on the public Internet the
  fetch is refused, and the connection goes to the validated address itself (pinned) with the
  original name in the Host header, the TLS SNI and the certificate check. No second DNS
  lookup is ever made, so an answer that changes between the check and the connection (DNS
  rebinding) cannot slip a private address in.
- Redirects are followed by hand, at most three, each hop checked again like the first; https
  never redirects down to plain http.
- The decoded body is capped while it streams (INGEST_FETCH_MAX_BYTES, 5 MB), so a lying
  Content-Length, an endless chunked body or a gzip bomb stops at the cap; the whole fetch,
  every hop included, has one deadline (INGEST_FETCH_TIMEOUT_SECONDS, 20 s) that a server
  dripping one byte a second cannot stretch.

For tests only: INGEST_FETCH_ALLOWED_ADDRESSES (IP networks such as "127.0.0.1/32", allowed
although private) and INGEST_FETCH_ALLOWED_PORTS (default (80, 443)) let a test reach a server
on 127.0.0.1:<random port>, set through pytest-django's `settings` fixture. Production never
sets them.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import quote, urljoin, urlsplit

import urllib3.exceptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import HTTPResponse
from urllib3.util import make_headers
from urllib3.util.ssl_match_hostname import CertificateError

from ingest.exceptions import (
    FetchError,
    FetchTimeout,
    ForbiddenAddress,
    ForbiddenPort,
    HTTPStatusError,
    IngestError,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedScheme,
)
from ingest.formats.base import RawDocument

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]

MAX_REDIRECTS = 3
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 20
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_URL_LENGTH = 8192
CHUNK_BYTES = 64 * 1024

# Ranges `ipaddress.is_global` lets through, or that could change meaning between Python
# releases, are listed outright: multicast counts as global for it, and so do the IPv6 forms
# that carry an IPv4 address (::7f00:1, 2002:7f00:1::, ...).
_FORBIDDEN_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        # "This" network, private, carrier-grade NAT, loopback, link-local (cloud metadata),
        # IETF protocol and documentation ranges, 6to4 relays, benchmarking, multicast,
        # reserved and broadcast.
        "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 "
        "192.0.0.0/24 192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 "
        "198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4 "
        # Unspecified, loopback and IPv4-compatible (::a.b.c.d); SIIT (::ffff:0:a.b.c.d);
        # local-use NAT64; discard; Teredo and the other IETF assignments; documentation;
        # 6to4; unique-local; link-local; site-local; multicast. No partner's web server
        # lives there, and the tunnelling forms could carry any IPv4 address.
        "::/96 ::ffff:0:0:0/96 64:ff9b:1::/48 100::/64 2001::/23 2001:db8::/32 2002::/16 "
        "fc00::/7 fe80::/10 fec0::/10 ff00::/8"
    ).split()
)
# NAT64 (RFC 6052) is how an IPv6-only host reaches IPv4 sites, so it is judged by the IPv4
# address in its last 32 bits, as ::ffff:a.b.c.d is.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_ENDS_IN_NUMBER = re.compile(r"[0-9]+|0x[0-9a-f]*")
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def fetch(
    url: str, *, accept: str = "*/*", max_bytes: int | None = None, resolver: Resolver | None = None
) -> RawDocument:
    """The body of `url` once every hop passed the destination policy; raise a FetchError if not.

    `resolver(host, port)` returns the IP addresses of a name (default: the system resolver);
    it is called once per hop and its answer is the one connected to. `max_bytes` caps the
    decoded body (default: INGEST_FETCH_MAX_BYTES). The result's `url` is the address after
    redirects and `content_type` the final response's Content-Type header.
    """
    limit = max_bytes if max_bytes is not None else _setting("INGEST_FETCH_MAX_BYTES")
    allowed_addresses = _allowed_addresses()
    allowed_ports = frozenset(_setting("INGEST_FETCH_ALLOWED_PORTS"))
    resolver = resolver or resolve_host
    deadline = _Deadline(float(_setting("INGEST_FETCH_TIMEOUT_SECONDS")), url)
    headers = {
        "User-Agent": _user_agent(),
        "Accept": accept,
        "Accept-Encoding": make_headers(accept_encoding=True)["accept-encoding"],
        "Connection": "close",
    }
    try:
        target = _parse(url, allowed_ports)
        for redirects in range(MAX_REDIRECTS + 1):
            with _told_as_redirect(url, redirected=redirects > 0):
                addresses = _validated_addresses(target, resolver, allowed_addresses)
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
                    url=_shown(url),
                    limit=MAX_REDIRECTS,
                )
            with _told_as_redirect(url, redirected=True):
                target = _redirect_target(target, location, allowed_ports)
        raise AssertionError("unreachable: the last hop returns or raises")  # pragma: no cover
    finally:
        deadline.cancel()


def resolve_host(host: str, port: int) -> list[str]:
    """Every TCP address the system resolver gives for `host`, in its order of preference.

    All of them are checked, and they are tried in this order until one accepts a connection
    (an IPv6 answer on a machine without an IPv6 route fails at once and the next is tried).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_forbidden_address(
    address: IPAddress, allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()
) -> bool:
    """True if a connection to `address` could reach anything but the public Internet.

    An IPv4 address carried in an IPv6 one (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) is judged as
    that IPv4 address; `allowed` networks pass whatever they hold (tests only).
    """
    allowed = tuple(allowed)
    if any(address.version == network.version and address in network for network in allowed):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(embedded, allowed)
    if any(address in network for network in _FORBIDDEN_NETWORKS):
        return True
    return not address.is_global


# Settings -----------------------------------------------------------------------------------
_DEFAULTS = {
    "INGEST_FETCH_MAX_BYTES": DEFAULT_MAX_BYTES,
    "INGEST_FETCH_TIMEOUT_SECONDS": DEFAULT_TIMEOUT_SECONDS,
    "INGEST_FETCH_ALLOWED_ADDRESSES": (),
    "INGEST_FETCH_ALLOWED_PORTS": tuple(DEFAULT_PORTS.values()),
}


def _setting(name):
    return getattr(settings, name, _DEFAULTS[name])


def _allowed_addresses():
    networks = []
    for value in _setting("INGEST_FETCH_ALLOWED_ADDRESSES"):
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"INGEST_FETCH_ALLOWED_ADDRESSES holds {value!r}, which is not an IP network."
            ) from error
    return tuple(networks)


def _user_agent():
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "no base URL"
    return f"RotativeBot/1.0 (+{base_url})"


# Addresses ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    """One hop: the URL as shown to editors, and what the connection needs from it."""

    url: str
    scheme: str
    host: str  # ASCII: an IDNA-encoded name, or an address literal without brackets
    port: int
    path: str  # the request target: percent-encoded path and query
    address: IPAddress | None  # set when the URL names an address rather than a host

    @property
    def host_header(self) -> str:
        host = self.host.rstrip(".")
        if isinstance(self.address, ipaddress.IPv6Address):
            host = f"[{host}]"
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def _shown(url: str) -> str:
    """`url` as quoted in an error message: never a password, never a page long."""
    if "@" in url:
        with contextlib.suppress(ValueError):  # unparseable: no user name to hide either
            netloc = urlsplit(url).netloc
            url = url.replace(netloc, netloc.rpartition("@")[2], 1)
    return url if len(url) <= 200 else url[:200] + "..."


def _parse(url: str, allowed_ports: frozenset[int]) -> _Target:
    """The hop `url` describes, or the error that refuses it before any name is resolved."""
    url = str(url).strip()
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(
            _("The address is longer than %(limit)d characters."), limit=MAX_URL_LENGTH
        )
    # urlsplit would silently drop tabs and newlines; an address holding them is refused.
    if _CONTROL_CHARACTERS.search(url):
        raise FetchError(_("The address %(url)r contains control characters."), url=_shown(url))
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise UnsupportedScheme(
                _("Only http and https addresses can be fetched, not %(url)s."),
                url=_shown(url) or '""',
            )
        if parts.username is not None or parts.password is not None:
            raise FetchError(
                _("Addresses with a user name or password (%(url)s) are not fetched."),
                url=_shown(url),
            )
        port = parts.port if parts.port is not None else DEFAULT_PORTS[scheme]
        hostname = parts.hostname or ""
    except ValueError as error:  # a bad port or a malformed [IPv6] literal
        raise FetchError(
            _("%(url)s is not a valid address: %(reason)s."), url=_shown(url), reason=error
        ) from error
    if port not in allowed_ports:
        raise ForbiddenPort(
            _("%(url)s uses port %(port)d; only the standard web ports 80 and 443 are fetched."),
            url=_shown(url),
            port=port,
        )
    host, address = _parse_host(hostname, url)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return _Target(url=url, scheme=scheme, host=host, port=port, path=path, address=address)


def _parse_host(hostname: str, url: str) -> tuple[str, IPAddress | None]:
    """(ASCII host, its address if the host is an address literal in any spelling)."""
    if not hostname:
        raise FetchError(_("%(url)s names no host."), url=_shown(url))
    if ":" in hostname:  # only a bracketed IPv6 literal can hold a colon here
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError as error:
            raise FetchError(
                _("%(url)s holds an invalid IPv6 address."), url=_shown(url)
            ) from error
        return hostname, address
    if not hostname.isascii():
        try:  # full-width digits and ideographic dots become ASCII here, as in a browser
            hostname = hostname.encode("idna").decode("ascii").lower()
        except UnicodeError as error:
            raise FetchError(
                _("%(url)s holds an invalid international host name."), url=_shown(url)
            ) from error
    labels = hostname.removesuffix(".").split(".")
    if _ENDS_IN_NUMBER.fullmatch(labels[-1]):
        # A browser reads 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 as IPv4 addresses (the URL
        # standard's "ends in a number" rule), and so does inet_aton, which getaddrinfo uses.
        try:
            if not _NUMERIC_HOST.fullmatch(hostname.removesuffix(".")):
                raise OSError(hostname)
            packed = socket.inet_aton(hostname.removesuffix("."))
        except OSError as error:
            raise FetchError(
                _("%(url)s looks like a numeric address but is not a valid one."), url=_shown(url)
            ) from error
        address = ipaddress.IPv4Address(packed)
        return str(address), address
    if len(hostname) > 254 or not all(_LABEL.fullmatch(label) for label in labels):
        raise FetchError(_("%(url)s holds an invalid host name."), url=_shown(url))
    return hostname, None


def _redirect_target(current: _Target, location: str, allowed_ports: frozenset[int]) -> _Target:
    target = _parse(urljoin(current.url, location), allowed_ports)
    if current.scheme == "https" and target.scheme == "http":
        raise UnsupportedScheme(
            _("going from https down to plain http (%(target)s) is refused."),
            target=_shown(target.url),
        )
    return target


@contextlib.contextmanager
def _told_as_redirect(origin: str, *, redirected: bool) -> Iterator[None]:
    """A refusal on a later hop, worded so the editor sees it came from a redirect."""
    try:
        yield
    except FetchError as error:
        if not redirected:
            raise
        raise type(error)(
            _("%(origin)s redirected; %(reason)s"),
            **{**error.params, "origin": _shown(origin), "reason": error.message},
        ) from error


def _header_text(value: str) -> str:
    """A header as sent: http.client decodes bytes as Latin-1, most servers mean UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _validated_addresses(target: _Target, resolver: Resolver, allowed) -> list[IPAddress]:
    """The addresses to connect to, in order, once every one of them passed the policy."""
    if target.address is not None:
        addresses = [target.address]
    else:
        try:
            answers = list(resolver(target.host, target.port))
        except OSError as error:
            raise FetchError(
                _("The host name %(host)s could not be resolved; check the address for typos."),
                host=target.host,
            ) from error
        if not answers:
            raise FetchError(_("The host name %(host)s has no address."), host=target.host)
        try:
            addresses = [ipaddress.ip_address(str(answer)) for answer in answers]
        except ValueError as error:
            raise FetchError(
                _("The host name %(host)s resolved to something that is not an IP address."),
                host=target.host,
            ) from error
    for address in addresses:
        if is_forbidden_address(address, allowed):
            if target.address is not None:
                raise ForbiddenAddress(
                    _(
                        "%(url)s points to %(address)s, a private or reserved address; "
                        "only public web servers can be fetched."
                    ),
                    url=_shown(target.url),
                    address=address,
                )
            raise ForbiddenAddress(
                _(
                    "%(host)s resolves to %(address)s, a private or reserved address; "
                    "only public web servers can be fetched."
                ),
                host=target.host,
                address=address,
            )
    return addresses


# Connections --------------------------------------------------------------------------------
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
            url=_shown(self.url),
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


class _WatchedConnection:
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
def _translated_errors(target: _Target, deadline: _Deadline) -> Iterator[None]:
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
            _("%(url)s could not be fetched: %(reason)s."), url=_shown(target.url), reason=reason
        ) from error


@dataclass
class _Hop:
    """One request and its response, on a connection pinned to a validated address."""

    target: _Target
    connection: HTTPConnection
    sock: socket.socket  # the connection's (TLS) socket, kept for per-read timeouts
    response: HTTPResponse
    deadline: _Deadline

    @classmethod
    def open(cls, target, addresses, headers, deadline) -> _Hop:
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
                url=_shown(self.target.url),
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
            url=_shown(self.target.url),
            limit=limit,
        )


def _connect(target: _Target, addresses: list[IPAddress], deadline: _Deadline) -> HTTPConnection:
    """A connection to the first validated address that accepts one, never to a name."""
    failure = None
    for address in addresses:
        options = {}
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
        except urllib3.exceptions.NewConnectionError as error:
            connection.close()
            failure = error
            continue
        except BaseException:
            connection.close()
            raise
        return connection
    raise failure
