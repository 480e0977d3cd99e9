"""Fixtures shared by every app's tests: the loopback-only network guard and the site tree."""

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

LOOPBACK_NAMES = {"localhost"}


class NonLoopbackConnection(RuntimeError):
    """A test tried to reach a host beyond loopback.

    Not an OSError on purpose: code under test that catches network errors must not be able
    to swallow it and carry on as if the network were merely down.
    """


def _is_loopback_host(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # Any other name would need a DNS answer we do not trust.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _peer_is_allowed(family, address):
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if isinstance(address, (str, bytes)):  # A path: a Unix socket whatever the family says.
        return family not in (socket.AF_INET, socket.AF_INET6)
    if isinstance(address, tuple) and address:
        return _is_loopback_host(address[0])
    return False


class LoopbackGuard:
    """Refuses sockets to peers beyond loopback and remembers each refused (host, port)."""

    error = NonLoopbackConnection

    def __init__(self):
        self.attempts = []

    def install(self, monkeypatch):
        """Guard socket.connect, connect_ex, sendto and create_connection until undone."""
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_sendto = socket.socket.sendto
        real_create_connection = socket.create_connection

        def connect(sock, address):
            self._check(sock.family, address)
            return real_connect(sock, address)

        def connect_ex(sock, address):
            self._check(sock.family, address)
            return real_connect_ex(sock, address)

        def sendto(sock, data, *args):
            self._check(sock.family, args[-1])
            return real_sendto(sock, data, *args)

        def create_connection(address, *args, **kwargs):
            # Checked before name resolution: not even a DNS query leaves for a foreign name.
            if not _is_loopback_host(address[0]):
                self._refuse(address)
            return real_create_connection(address, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket.socket, "sendto", sendto)
        monkeypatch.setattr(socket, "create_connection", create_connection)

    def take_attempts(self):
        """The refused addresses so far; a test that expected them takes them."""
        taken, self.attempts = self.attempts, []
        return taken

    def verify(self):
        """Fail the test if any refusal was left untaken, even if the code swallowed it."""
        if self.attempts:
            pytest.fail(f"Connections beyond loopback were attempted: {self.attempts!r}")

    def _check(self, family, address):
        if not _peer_is_allowed(family, address):
            self._refuse(address)

    def _refuse(self, address):
        self.attempts.append(address)
        raise NonLoopbackConnection(
            f"Test tried to connect to {address!r}: only loopback and Unix sockets are allowed."
        )


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """H1: no test sends a packet beyond loopback (127.0.0.0/8, ::1, Unix sockets).

    Connecting anywhere else raises `NonLoopbackConnection` before the system call, and the
    test fails at teardown even if the code under test swallowed the error. A test that
    expects refusals asserts on `loopback_only.take_attempts()`. Subprocesses and C
    libraries (libpq, Chromium) are outside its reach.
    """
    guard = LoopbackGuard()
    guard.install(monkeypatch)
    yield guard
    guard.verify()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: reader pages, navigation, Wagtail's site roots."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class SiteTree:
    site: object
    home: object
    sections: list

    @property
    def maghreb(self):
        return self.sections[0]

    @property
    def golfe(self):
        return self.sections[1]


@pytest.fixture
def site_tree(db):
    """La une (HomePage) as the root of the default Site, with the sections Maghreb and Golfe.

    Wagtail's migrations leave a root page, a welcome page and a default Site; the Site is
    pointed at our home page and the welcome page removed. After a transactional test has
    flushed the tables, the root page, locale and Site are recreated.
    """
    from wagtail.models import Locale, Page, Site

    from newsroom.tests.factories import HomePageFactory, SectionPageFactory

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", live=True)
    )
    home = HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = "testserver"
    site.port = 80
    site.site_name = "Mena News"
    site.root_page = home
    site.save()
    for page in root.get_children().exclude(pk=home.pk):
        page.delete()
    sections = [
        SectionPageFactory(parent=home, title="Maghreb", slug="maghreb"),
        SectionPageFactory(parent=home, title="Golfe", slug="golfe"),
    ]
    return SiteTree(site=site, home=home, sections=sections)


# H6: Debian's Chromium driven by Playwright; nothing but the live server is ever reached.
CHROMIUM = Path("/usr/bin/chromium")
# No updates, no sync, no QUIC probes, no first-run pings: the machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Every browser test module: `pytestmark = BROWSER_TEST`.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
    ),
]

# Records CSP violations as the page reports them; injected through DevTools
# (`context.add_init_script(WATCH_CSP)`), so the page's own script-src does not apply to it.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def browser():
    """A headless Chromium; the test is skipped where Debian's chromium is absent."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
