"""Production settings (RELIABILITY.md property 31; issue #12, item 9).

`check --deploy` is clean with exactly the variables the README documents; production
refuses to start without a secret key, its host names, its database and its https address
(base.py's fallbacks are for `make run` only); HSTS and `__Host-` cookies.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

REPO = Path(django_settings.BASE_DIR)


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        # The test settings allow async-unsafe calls (Playwright); production must not.
        if not key.startswith(
            (
                "SECURE_",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "DEBUG",
                "DJANGO_",
                "DATABASE_URL",
                "ROTATIVE_BASE_URL",
            )
        )
    }
    # What the README's configuration table asks of production, and nothing more.
    env.update(
        DJANGO_SETTINGS_MODULE="rotative.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="news.example.org",
        DATABASE_URL="postgres://rotative@127.0.0.1:5432/rotative",
        ROTATIVE_BASE_URL="https://news.example.org",
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


# security.W021 (no HSTS preload) is silenced in production.py on purpose: preload is a
# commitment the site owner makes (SECURE_HSTS_PRELOAD=1), not a default.
KNOWN_DEPLOY_WARNINGS: set[str] = set()
REQUIRED_IN_PRODUCTION = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ROTATIVE_BASE_URL"]


def test_deploy_check_passes_with_the_environment_production_sets():
    result, reported = deploy_check(production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert reported == set()
    assert "Traceback" not in result.stderr


def test_deploy_check_passes_with_hsts_preload_chosen_too():
    result, reported = deploy_check(production_env(SECURE_HSTS_PRELOAD="1"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert reported <= KNOWN_DEPLOY_WARNINGS


def test_the_readme_documents_every_variable_the_clean_deploy_check_needs():
    readme = (REPO / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    needed = set(production_env()) - set(os.environ) | set(REQUIRED_IN_PRODUCTION)

    assert needed - {"DJANGO_SETTINGS_MODULE"} <= documented
    for name in REQUIRED_IN_PRODUCTION:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}`"))
        assert "production: required" in row, row
    assert "`security.W021`" in readme and "SECURE_HSTS_PRELOAD=1" in readme


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


@pytest.mark.parametrize("name", ["ALLOWED_HOSTS", "DATABASE_URL", "ROTATIVE_BASE_URL"])
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_its_host_database_and_address(name, value):
    result = run_python("-c", "import django; django.setup()", env=production_env(**{name: value}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be set in production" in result.stderr


@pytest.mark.parametrize("address", ["http://news.example.org", "news.example.org", "https://"])
def test_production_refuses_a_base_url_that_is_not_https(address):
    result = run_python(
        "-c", "import django; django.setup()", env=production_env(ROTATIVE_BASE_URL=address)
    )

    assert result.returncode != 0
    assert "ROTATIVE_BASE_URL must be the site's https:// address" in result.stderr


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
    "CSRF_COOKIE_DOMAIN", "ALLOWED_HOSTS", "ROTATIVE_BASE_URL", "WAGTAILADMIN_BASE_URL",
    "SECURE_HSTS_PRELOAD",
]
values = {name: getattr(settings, name) for name in names}
values["DATABASE_ENGINE"] = settings.DATABASES["default"]["ENGINE"]
print(json.dumps(values))
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


def test_production_uses_the_host_database_and_address_it_is_given(production_settings):
    assert production_settings["ALLOWED_HOSTS"] == ["news.example.org"]
    assert production_settings["DATABASE_ENGINE"] == "django.db.backends.postgresql"
    assert production_settings["ROTATIVE_BASE_URL"] == "https://news.example.org"
    assert production_settings["WAGTAILADMIN_BASE_URL"] == "https://news.example.org"
    assert production_settings["SECURE_HSTS_PRELOAD"] is False


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
