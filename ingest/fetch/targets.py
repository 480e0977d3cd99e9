"""What may be fetched: the checks an address passes before any connection is opened.

Ingest fetches addresses typed by editors or found in partner feeds. Fetched carelessly, such
an address reaches the cloud metadata service (169.254.169.254), the database or the admin on
loopback (server-side request forgery). So, following RELIABILITY.md properties 25-26:

- Only http and https, only on ports 80 and 443, no user name or password, no control
  characters; a host is an ASCII name or an address literal in any spelling a browser reads.
- A host name is resolved once. If any of its addresses is not on the public Internet the
  fetch is refused; the transport then connects to those validated addresses only, so an
  answer that changes between the check and the connection (DNS rebinding) cannot slip a
  private address in.
- Each redirect's target is checked again like the first address; https never redirects down
  to plain http.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ingest.exceptions import FetchError, ForbiddenAddress, ForbiddenPort, UnsupportedScheme

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Iterable[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 8192

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


def resolve_host(host: str, port: int) -> list[str]:
    """Every TCP address the system resolver gives for `host`, in its order of preference.

    All of them are checked, and they are tried in this order until one accepts a connection
    (an IPv6 answer on a machine without an IPv6 route fails at once and the next is tried).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_forbidden_address(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
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


# Settings (tests only: production never sets them) -------------------------------------------
def allowed_networks() -> tuple[IPNetwork, ...]:
    """INGEST_FETCH_ALLOWED_ADDRESSES: private networks a test's server may sit on."""
    networks = []
    for value in getattr(settings, "INGEST_FETCH_ALLOWED_ADDRESSES", ()):
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"INGEST_FETCH_ALLOWED_ADDRESSES holds {value!r}, which is not an IP network."
            ) from error
    return tuple(networks)


def allowed_ports() -> frozenset[int]:
    """INGEST_FETCH_ALLOWED_PORTS: 80 and 443, or a test server's random port."""
    return frozenset(getattr(settings, "INGEST_FETCH_ALLOWED_PORTS", tuple(DEFAULT_PORTS.values())))


# Addresses ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
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


def shown(url: str) -> str:
    """`url` as quoted in an error message: never a password, never a page long."""
    if "@" in url:
        with contextlib.suppress(ValueError):  # unparseable: no user name to hide either
            netloc = urlsplit(url).netloc
            url = url.replace(netloc, netloc.rpartition("@")[2], 1)
    return url if len(url) <= 200 else url[:200] + "..."


def parse_target(url: str, ports: frozenset[int]) -> Target:
    """The hop `url` describes, or the error that refuses it before any name is resolved."""
    url = str(url).strip()
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(
            _("The address is longer than %(limit)d characters."), limit=MAX_URL_LENGTH
        )
    # urlsplit would silently drop tabs and newlines; an address holding them is refused.
    if _CONTROL_CHARACTERS.search(url):
        raise FetchError(_("The address %(url)r contains control characters."), url=shown(url))
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise UnsupportedScheme(
                _("Only http and https addresses can be fetched, not %(url)s."),
                url=shown(url) or '""',
            )
        if parts.username is not None or parts.password is not None:
            raise FetchError(
                _("Addresses with a user name or password (%(url)s) are not fetched."),
                url=shown(url),
            )
        port = parts.port if parts.port is not None else DEFAULT_PORTS[scheme]
        hostname = parts.hostname or ""
    except ValueError as error:  # a bad port or a malformed [IPv6] literal
        raise FetchError(
            _("%(url)s is not a valid address: %(reason)s."), url=shown(url), reason=error
        ) from error
    if port not in ports:
        raise ForbiddenPort(
            _("%(url)s uses port %(port)d; only the standard web ports 80 and 443 are fetched."),
            url=shown(url),
            port=port,
        )
    host, address = _parse_host(hostname, url)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return Target(url=url, scheme=scheme, host=host, port=port, path=path, address=address)


def _parse_host(hostname: str, url: str) -> tuple[str, IPAddress | None]:
    """(ASCII host, its address if the host is an address literal in any spelling)."""
    if not hostname:
        raise FetchError(_("%(url)s names no host."), url=shown(url))
    if ":" in hostname:  # only a bracketed IPv6 literal can hold a colon here
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError as error:
            raise FetchError(_("%(url)s holds an invalid IPv6 address."), url=shown(url)) from error
        return hostname, address
    if not hostname.isascii():
        try:  # full-width digits and ideographic dots become ASCII here, as in a browser
            hostname = hostname.encode("idna").decode("ascii").lower()
        except UnicodeError as error:
            raise FetchError(
                _("%(url)s holds an invalid international host name."), url=shown(url)
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
                _("%(url)s looks like a numeric address but is not a valid one."), url=shown(url)
            ) from error
        ipv4 = ipaddress.IPv4Address(packed)
        return str(ipv4), ipv4
    if len(hostname) > 254 or not all(_LABEL.fullmatch(label) for label in labels):
        raise FetchError(_("%(url)s holds an invalid host name."), url=shown(url))
    return hostname, None


def redirect_target(current: Target, location: str, ports: frozenset[int]) -> Target:
    """Where a redirect from `current` leads, checked like a first address; never https→http."""
    target = parse_target(urljoin(current.url, location), ports)
    if current.scheme == "https" and target.scheme == "http":
        raise UnsupportedScheme(
            _("going from https down to plain http (%(target)s) is refused."),
            target=shown(target.url),
        )
    return target


@contextlib.contextmanager
def told_as_redirect(origin: str, *, redirected: bool) -> Iterator[None]:
    """A refusal on a later hop, worded so the editor sees it came from a redirect."""
    try:
        yield
    except FetchError as error:
        if not redirected:
            raise
        raise type(error)(
            _("%(origin)s redirected; %(reason)s"),
            **{**error.params, "origin": shown(origin), "reason": error.message},
        ) from error


def validated_addresses(
    target: Target, resolver: Resolver, allowed: Iterable[IPNetwork]
) -> list[IPAddress]:
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
                    url=shown(target.url),
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
