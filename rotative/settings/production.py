"""Production settings: HTTPS only, secrets from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), ROTATIVE_BASE_URL (https).
Optional: CACHE_URL, EMAIL_*, SECURE_PROXY_SSL_HEADER=1 behind a TLS-terminating proxy.
See the README.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ROTATIVE_BASE_URL, SECRET_KEY, env_bool

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# base.py falls back to localhost, SQLite in var/ and http://127.0.0.1:8000 so that `make run`
# needs nothing; in production each fallback is a silent outage (every email link pointing at
# 127.0.0.1), so each must be set (issue #12, item 9).
_REQUIRED = {
    "ALLOWED_HOSTS": "the site's host names, comma-separated (e.g. news.example.org)",
    "DATABASE_URL": "the PostgreSQL database (e.g. postgres://user:password@host:5432/rotative)",
    "ROTATIVE_BASE_URL": "the site's public address, used in every email link "
    "(e.g. https://news.example.org)",
}
for _name, _meaning in _REQUIRED.items():
    if not os.environ.get(_name, "").strip(" ,"):
        raise ImproperlyConfigured(f"{_name} must be set in production: {_meaning}.")
try:
    _base_url = urlsplit(ROTATIVE_BASE_URL)
    _base_port = _base_url.port
except ValueError:
    _base_url, _base_port = urlsplit(""), None
if _base_url.scheme != "https" or not _base_url.hostname:
    raise ImproperlyConfigured(
        f"ROTATIVE_BASE_URL must be the site's https:// address in production, "
        f"not {ROTATIVE_BASE_URL!r}."
    )
# The Wagtail Site that canonical URLs, sitemaps and JSON-LD are built on has a host and a
# port, no path, and says https only on 443 (issue #14); email links add their paths to it.
_beyond_host = (_base_url.path.strip("/"), _base_url.query, _base_url.fragment)
if any(_beyond_host) or _base_port not in (None, 443):
    raise ImproperlyConfigured(
        f"ROTATIVE_BASE_URL must be the site's address alone, https://host with no port, path "
        f"or query (e.g. https://news.example.org), not {ROTATIVE_BASE_URL!r}."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# `check --deploy` warns (security.W021) until preload is on. Preload is not a setting but a
# commitment: once the domain is on the browsers' preload list, every subdomain is HTTPS-only
# for months, whatever the header says later; sending the directive lets anyone submit the
# domain. So it stays off unless the site owner sets SECURE_HSTS_PRELOAD=1 deliberately, and
# the warning is silenced so that the check is clean with the documented variables
# (issue #12, item 9).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# __Host- cookies are only accepted by browsers when Secure, with Path=/ and no Domain.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
