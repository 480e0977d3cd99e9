"""Security properties of the foundation (RELIABILITY.md H1, property 31 and 32a).

- The loopback-only guard (H1) refuses every peer beyond loopback before a packet leaves.
- Production settings pass `check --deploy`, refuse to start without a secret key, and give
  HSTS and `__Host-` cookies; every environment sends the security headers and the CSP.
- No template turns autoescaping off.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

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


# --- Property 31: production settings ---------------------------------------------------


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        # The test settings allow async-unsafe calls (Playwright); production must not.
        if not key.startswith(("SECURE_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rotative.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="news.example.org",
        ANYMAIL_WEBHOOK_SECRET="hooks:" + secrets.token_urlsafe(24),
    )
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}


def run_python(*args, env):
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(env):
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    reported = set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr))
    return result, reported


# Nothing is left to a deployment but HSTS preload, which stays a choice of the site owner.
KNOWN_DEPLOY_WARNINGS: set[str] = set()


def test_deploy_check_passes_with_the_environment_production_sets():
    result, reported = deploy_check(production_env(SECURE_HSTS_PRELOAD="1"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert reported == set()


def test_deploy_check_reports_nothing_beyond_the_known_warnings():
    result, reported = deploy_check(production_env(SECURE_HSTS_PRELOAD="1"))

    assert reported <= KNOWN_DEPLOY_WARNINGS, result.stderr
    assert "Traceback" not in result.stderr


def test_hsts_preload_is_the_one_warning_left_to_the_environment():
    _, reported = deploy_check(production_env())

    assert reported - KNOWN_DEPLOY_WARNINGS == {"security.W021"}


@pytest.mark.parametrize(
    "secret_key", [None, "", "too-short-" * 4], ids=["unset", "empty", "40-chars"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_python(
        "-c", "import django; django.setup()", env=production_env(SECRET_KEY=secret_key)
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
names = [
    "DEBUG", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


@pytest.fixture(scope="module")
def production_settings():
    result = run_python("-c", PRINT_SETTINGS, env=production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_host_only_secure_and_same_site(production_settings):
    assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production_settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_settings["CSRF_COOKIE_SAMESITE"] == "Lax"
    # __Host- cookies are rejected by browsers if they carry a Domain.
    assert production_settings["SESSION_COOKIE_DOMAIN"] is None
    assert production_settings["CSRF_COOKIE_DOMAIN"] is None


def test_production_is_https_only_with_a_year_of_hsts(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.fixture
def as_in_production(settings, production_settings):
    """The test settings with production's HTTPS and cookie settings laid over them."""
    for name in (
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
    ):
        setattr(settings, name, production_settings[name])
    return settings


@pytest.mark.django_db
def test_production_redirects_http_and_sends_hsts_over_https(site_tree, as_in_production):
    client = Client()

    plain = client.get("/robots.txt")
    secure = client.get("/robots.txt", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/robots.txt"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_production_admin_cookies_carry_the_host_prefix_and_flags(
    site_tree, as_in_production, django_user_model
):
    django_user_model.objects.create_superuser("redaction", password="motdepasse-de-test")
    client = Client(enforce_csrf_checks=True)

    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["__Host-csrftoken"]
    logged_in = client.post(
        "/admin/login/",
        {
            "username": "redaction",
            "password": "motdepasse-de-test",
            "csrfmiddlewaretoken": login_page.context["csrf_token"],
        },
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )
    session = logged_in.cookies["__Host-sessionid"]

    assert logged_in.status_code == 302
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
        assert cookie["samesite"] == "Lax"
    assert session["httponly"] is True
    assert "sessionid" not in logged_in.cookies
    assert "csrftoken" not in login_page.cookies


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
def test_admin_reports_content_security_policy_violations_without_enforcing(routes, client):
    response = client.get(routes["admin-login"])

    assert "Content-Security-Policy" not in response
    policy = csp_directives(response["Content-Security-Policy-Report-Only"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


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
