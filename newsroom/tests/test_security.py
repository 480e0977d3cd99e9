"""Security properties of the foundation (RELIABILITY.md H1, property 31 and 32a).

- The loopback-only guard (H1) refuses every peer beyond loopback before a packet leaves.
- Every environment sends the security headers and one CSP header per response: enforced on
  the reader site, report-only on the admin. (Production settings:
  test_production_settings.py.)
- No template turns autoescaping off.
"""

import re
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from newsroom.tests.factories import ArticlePageFactory

REPO = Path(django_settings.BASE_DIR)
BLACKHOLE = ("10.255.255.1", 80)  # Non-routable: a real connect would hang, not fail fast.


# --- H1: loopback only ------------------------------------------------------------------


@pytest.fixture
def loopback_server():
    """A TCP echo server on 127.0.0.1, answering one connection at a time."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)

    def serve():
        for _ in range(4):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(conn.recv(1024).upper())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()
    server.close()
    thread.join(timeout=5)


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, BLACKHOLE),
        (socket.AF_INET, ("169.254.169.254", 80)),
        (socket.AF_INET6, ("2001:db8::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:10.0.0.1", 80, 0, 0)),
    ],
    ids=["private-v4", "metadata", "global-v6", "v4-mapped-private"],
)
def test_guard_refuses_a_connect_beyond_loopback_before_any_packet(loopback_only, family, address):
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        started = time.monotonic()
        with pytest.raises(loopback_only.error, match="only loopback"):
            sock.connect(address)
        with pytest.raises(loopback_only.error):
            sock.connect_ex(address)

    # Refused at once, not after a SYN timed out or the route failed.
    assert time.monotonic() - started < 1
    assert loopback_only.take_attempts() == [address, address]


def test_guard_refuses_create_connection_before_resolving_a_name(loopback_only, monkeypatch):
    resolved = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kw: resolved.append(args) or [])

    with pytest.raises(loopback_only.error):
        socket.create_connection(("news.example.org", 443), timeout=10)
    with pytest.raises(loopback_only.error):
        socket.create_connection(BLACKHOLE, timeout=10)

    assert resolved == []
    assert loopback_only.take_attempts() == [("news.example.org", 443), BLACKHOLE]


def test_guard_refuses_a_udp_datagram_beyond_loopback(loopback_only):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(loopback_only.error):
            sock.sendto(b"query", ("10.0.0.53", 53))

    assert loopback_only.take_attempts() == [("10.0.0.53", 53)]


def test_guard_error_is_not_swallowed_as_a_network_error(loopback_only):
    # urllib turns every OSError into URLError; the guard's error must get through untouched.
    with pytest.raises(loopback_only.error):
        urllib.request.urlopen("http://10.255.255.1/", timeout=10)

    assert loopback_only.take_attempts() == [BLACKHOLE]


def test_guard_fails_the_test_even_if_the_code_swallowed_the_refusal(loopback_only):
    inner = type(loopback_only)()
    with pytest.MonkeyPatch.context() as patch:
        inner.install(patch)
        try:
            socket.create_connection(BLACKHOLE, timeout=10)
        except Exception:  # noqa: BLE001, S110 - what careless code under test would do
            pass

    with pytest.raises(pytest.fail.Exception, match="10.255.255.1"):
        inner.verify()


def test_guard_lets_loopback_connections_through(loopback_server):
    with socket.create_connection(loopback_server, timeout=5) as conn:
        conn.sendall(b"ping")
        assert conn.recv(16) == b"PING"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(("127.0.0.1", loopback_server[1]))
        sock.sendall(b"pong")
        assert sock.recv(16) == b"PONG"
    with socket.create_connection(("localhost", loopback_server[1]), timeout=5) as conn:
        conn.sendall(b"hello")
        assert conn.recv(16) == b"HELLO"


def test_guard_lets_unix_sockets_through(tmp_path):
    path = str(tmp_path / "echo.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
            conn, _ = server.accept()
            with conn:
                client.sendall(b"unix")
                assert conn.recv(16) == b"unix"


# --- Property 31: headers on every route ------------------------------------------------


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def routes(site_tree):
    article = ArticlePageFactory(parent=site_tree.maghreb, dateline_places=["Rabat"])
    return {
        "home": "/",
        "section": site_tree.maghreb.url,
        "article": article.url,
        "feed": "/flux/rss.xml",
        "admin-login": "/admin/login/",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["home", "section", "article", "feed", "admin-login"])
def test_every_route_sends_the_security_headers(routes, client, route):
    response = client.get(routes[route])

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] in {"DENY", "SAMEORIGIN"}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["home", "section", "article", "feed"])
def test_reader_pages_enforce_a_strict_content_security_policy(routes, client, route):
    response = client.get(routes[route])

    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["home", "section", "article", "feed"])
def test_reader_pages_carry_exactly_one_policy_the_enforced_one(routes, client, route):
    response = client.get(routes[route])

    csp_headers = [name for name in response.headers if name.lower().startswith("content-sec")]
    assert csp_headers == ["Content-Security-Policy"]
    assert "report-uri" not in response["Content-Security-Policy"]
    assert "Reporting-Endpoints" not in response


@pytest.mark.django_db
def test_admin_reports_content_security_policy_violations_without_enforcing(routes, client):
    response = client.get(routes["admin-login"])

    assert "Content-Security-Policy" not in response
    policy = csp_directives(response["Content-Security-Policy-Report-Only"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    # Reported somewhere that records them (newsroom/tests/test_csp_reports.py).
    assert policy["report-uri"] == ["/csp-reports/"]
    assert policy["report-to"] == ["csp"]
    assert response["Reporting-Endpoints"] == 'csp="/csp-reports/"'


# --- 32a: autoescaping stays on ---------------------------------------------------------

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".mjml", ".json"}
SKIPPED_DIRS = {".venv", ".git", "var", "node_modules", "static"}
UNSAFE_TEMPLATE = re.compile(r"\|\s*safe\b|\|\s*safeseq\b|{%\s*autoescape\s+off\s*%}")


def project_templates():
    for path in REPO.rglob("*"):
        relative = path.relative_to(REPO)
        if SKIPPED_DIRS.intersection(relative.parts) or path.suffix not in TEMPLATE_SUFFIXES:
            continue
        if "templates" in relative.parts and path.is_file():
            yield relative


def test_project_has_templates_to_check():
    templates = {str(path) for path in project_templates()}

    assert "templates/base.html" in templates
    assert "newsroom/templates/newsroom/article_page.html" in templates


def test_no_template_turns_autoescaping_off():
    offenders = [
        f"{path}:{number}: {line.strip()}"
        for path in project_templates()
        for number, line in enumerate((REPO / path).read_text().splitlines(), start=1)
        if UNSAFE_TEMPLATE.search(line)
    ]

    assert offenders == []


@pytest.mark.parametrize(
    "line", ["{{ page.title|safe }}", "{{ x | safe }}", "{% autoescape off %}", "{{ l|safeseq }}"]
)
def test_the_template_lint_recognises_unsafe_constructs(line):
    assert UNSAFE_TEMPLATE.search(line)
