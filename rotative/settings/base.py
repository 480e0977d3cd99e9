"""Settings shared by every environment.

The environment is read here, once. Anything unset falls back to the embedded defaults
(SQLite, in-process cache, database task queue), so one machine needs nothing else.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ROTATIVE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# The site's public address: email links, the admin's, and the Wagtail Site that canonical
# URLs, sitemaps and JSON-LD are built on (`setup_newsroom` gives it this host and port).
# `make run` sets it to http://HOST:PORT; empty counts as unset (issue #14).
ROTATIVE_BASE_URL = os.environ.get("ROTATIVE_BASE_URL", "").strip() or "http://127.0.0.1:8000"


def _host_of(url):
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" — production.py says what is wrong with it
        return ""


# The base URL's own host is served too (`HOST=192.0.2.7 make run`); production names its own.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ",".join(["localhost", "127.0.0.1", "[::1]", _host_of(ROTATIVE_BASE_URL)])
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom",
    "ingest",
    "enrichment",
    "mailing",
    "related",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "csp",
    "anymail",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The reader page cache (issue #15): stores what may be shared, purged by page family,
    # and answers a hit before the session, locale and common middleware run.
    "newsroom.reader_cache.ReaderCacheUpdateMiddleware",
    "newsroom.reader_cache.ReaderCacheFetchMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The site, la une and its sections kept between requests for routing (issue #15); after
    # CommonMiddleware, which has refused a host outside ALLOWED_HOSTS.
    "newsroom.kept_tree.KeptTreeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.csp_reports.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rotative.urls"
WSGI_APPLICATION = "rotative.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "newsroom.context_processors.site_chrome",
            ],
        },
    },
]

# Storage: SQLite in var/ unless DATABASE_URL names another database (PostgreSQL in
# production). Health checks let a web process survive a database restart.
# An empty DATABASE_URL counts as unset (dj_database_url.config would return no database).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'rotative.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (web) and the writer (task worker) work side by side. The file is
    # read through a memory map (mmap_size, up to 1 GiB): reading a page is then no system
    # call and no copy into SQLite's own 2 MB cache, which a search reading thousands of
    # rows overflows (a common word at 10,000 articles: 12 ms against 20, #15).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The connection is kept between requests and tasks like any other (CONN_MAX_AGE):
    # opening and closing it for each request cost a fifth to a quarter of a reader page
    # rebuilt around its kept parts (#15; an import end to end: about the same).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when CACHE_URL is set (shared by every web process), otherwise a file cache
# in var/ so the several gunicorn workers of `make run` still share one cache.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if CACHE_URL == "dummy://":
    # No caching at all: for measuring (bench/) and debugging what readers would see uncached.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    # One entry per reader page plus a version stamp per page family: Django's default of
    # 300 entries kept no page of a 1,000-article site (issue #15). When full, a tenth goes.
    CACHES = {
        "default": {
            # Django's FileBasedCache, counting its entries every 100 stores, not each one.
            "BACKEND": "newsroom.file_cache.FileCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {
                "MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000")),
                "CULL_FREQUENCY": 10,
                "CULL_CHECK_EVERY": 100,
            },
        }
    }
# Reader pages are cached whole for anonymous readers (newsroom.reader_cache); a change
# purges the page families it affects (newsroom.reader_purge). CACHE_MIDDLEWARE_SECONDS is
# what CDNs and browsers are told (s-maxage; 0 turns the page cache off); this server keeps
# a page, valid by its families' stamps, for READER_CACHE_KEEP_SECONDS.
CACHE_MIDDLEWARE_SECONDS = int(os.environ.get("CACHE_MIDDLEWARE_SECONDS", "300"))
CACHE_MIDDLEWARE_KEY_PREFIX = "pages"
READER_CACHE_KEEP_SECONDS = int(os.environ.get("READER_CACHE_KEEP_SECONDS", "86400"))
# Parts of reader pages kept apart ({% kept_fragment %}: an article's headline and body,
# its related list), valid while their families' stamps hold; as long as pages by default.
READER_FRAGMENT_SECONDS = int(
    os.environ.get("READER_FRAGMENT_SECONDS", str(READER_CACHE_KEEP_SECONDS))
)
# How long a CDN may serve a page it is already refreshing (Cache-Control).
READER_CACHE_STALE_SECONDS = int(os.environ.get("READER_CACHE_STALE_SECONDS", "60"))
# Where the purged pages' absolute URLs are POSTed (a JSON list) after each purge, for a CDN.
READER_CACHE_PURGE_URL = os.environ.get("READER_CACHE_PURGE_URL", "").strip()
# With nginx in front (`manage.py edge_config`, newsroom.edge): how long nginx keeps a page,
# which is how late a purge may reach readers.
READER_EDGE_SECONDS = int(os.environ.get("READER_EDGE_SECONDS", "2"))

# Background work: the Django tasks API with its database backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# django-axes refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = os.environ.get("ROTATIVE_SITE_NAME", "Mena News")
WAGTAILADMIN_BASE_URL = ROTATIVE_BASE_URL
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
# Pictures know their caption, credit and partner URL (newsroom.models.images, issue #14).
WAGTAILIMAGES_IMAGE_MODEL = "newsroom.NewsImage"
# No SVG: Wagtail would serve it as uploaded, scripts included.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: SMTP by default; the mailing issue adds anymail for providers.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mena News <redaction@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers that hold in every environment (production adds HTTPS-only ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing of ours is framed by another page; Wagtail's preview views set SAMEORIGIN on
# themselves for the admin's preview panel.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy. The reader site is enforced: no inline script, nothing from
# other hosts. The admin (Wagtail's own scripts) is reported, not enforced, until its
# violations have been reviewed: the same policy, report-only, with its reports logged by
# /csp-reports/ (newsroom.csp_reports). Each response carries exactly one of the two headers:
# newsroom.csp_reports.CSPMiddleware sends the report-only one only where the enforced one
# is excluded (issue #12, item 10: reader pages sent both, the second reporting nowhere).
_STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'self'"],
}
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": _STRICT_POLICY,
}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    # report-uri for browsers without the Reporting API; report-to names the endpoint of the
    # Reporting-Endpoints header that the middleware sends beside it.
    "DIRECTIVES": {**_STRICT_POLICY, "report-uri": ["/csp-reports/"], "report-to": "csp"},
}
# What /csp-reports/ accepts: one report's size, and how many it logs a minute (site-wide, so
# a flood costs a few log lines, not the disk).
CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORTS_LOGGED_PER_MINUTE = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "WARNING"}},
}

# Ingest fetcher -------------------------------------------------------------------------------
# Budgets for fetching partner URLs (the `ingest.fetch` package): the decoded body is capped
# while it streams, and one deadline covers the whole fetch, redirects included.
INGEST_FETCH_MAX_BYTES = 5 * 1024 * 1024
INGEST_FETCH_TIMEOUT_SECONDS = 20
# Tests only, never production: private networks (e.g. "127.0.0.1/32") and ports the fetcher
# may reach anyway, so a test can fetch from a server on 127.0.0.1:<random port>.
INGEST_FETCH_ALLOWED_ADDRESSES = ()
INGEST_FETCH_ALLOWED_PORTS = (80, 443)
# Partner pictures (ingest.images): downloaded through the same fetcher, at most this many per
# article, each at most this many bytes and pixels (checked before decoding) and at least
# this many pixels on its shorter side (a tracking pixel or an icon is no picture).
INGEST_FETCH_IMAGES = env_bool("INGEST_FETCH_IMAGES", True)
INGEST_IMAGES_PER_ARTICLE = 4
INGEST_IMAGE_MAX_BYTES = 10 * 1024 * 1024
INGEST_IMAGE_MAX_PIXELS = 40_000_000
INGEST_IMAGE_MIN_SIDE = 100

# Mailing --------------------------------------------------------------------------------------
# Provider webhooks (bounces, complaints: /anymail/<provider>/tracking/) authenticate with HTTP
# basic auth, "user:password" in ANYMAIL_WEBHOOK_SECRET; without it anyone could suppress a
# reader, so `check --deploy` reports it (mailing.E001).
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "")}
# Where the local SMTP sink (`manage.py run_smtp_sink`) stores each message as an .eml file,
# for the admin's Inbox.
MAILING_OUTBOX_DIR = Path(os.environ.get("MAILING_OUTBOX_DIR", VAR_DIR / "outbox"))
# Sending: messages per second (0 = unlimited) and rows claimed per batch.
MAILING_RATE_PER_SECOND = float(os.environ.get("MAILING_RATE_PER_SECOND", "10"))
MAILING_BATCH_SIZE = int(os.environ.get("MAILING_BATCH_SIZE", "100"))
# Messages the SMTP server accepted are marked sent this many at a time (or after a second),
# in one commit: a worker killed in between resends at most this many, same Message-ID
# (RELIABILITY 13). 1 = a commit per message, about half the speed.
MAILING_MARK_BATCH = int(os.environ.get("MAILING_MARK_BATCH", "20"))
# PostgreSQL only: a sending pass commits its "sent" marks without waiting for the disk
# (about 2x faster). A crash of the database itself may then resend the last fraction of a
# second of messages (same Message-ID): off by default, see mailing/claims.quick_commits.
MAILING_FAST_COMMITS = os.environ.get("MAILING_FAST_COMMITS", "") == "1"
# Proxies whose X-Forwarded-For is believed for the sign-up limits per network and the admin
# sign-in lockout (CIDR list). Behind a load balancer set it, or every reader shares the
# proxy's address.
MAILING_TRUSTED_PROXIES = [
    network.strip()
    for network in os.environ.get("MAILING_TRUSTED_PROXIES", "").split(",")
    if network.strip()
]

# Admin sign-in throttling (django-axes) -------------------------------------------------------
# Issue #12, item 6: ten wrong passwords then the right one used to sign in. Two limits:
# - 5 failures for one account from one address lock that account at that address. Not per
#   account alone: usernames are bylines, so anyone anywhere could lock every editor out by
#   typing their names; an editor at another address still signs in.
# - 20 failures from one address, whatever the accounts, lock that address (a password spray
#   across the staff list). Higher than the first, so one colleague's typos behind the
#   newsroom's shared office address do not lock everyone out.
# A guess spread over many addresses is left to the password validators above. Failures count
# for AXES_COOLOFF_TIME after the last one; a success clears only that account's failures from
# that address (newsroom.sign_in.SignInAttemptHandler), so signing in with one's own account
# does not wipe a spray's count. Unlock early with `manage.py axes_reset_username <name>` or
# `axes_reset_ip <address>`.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
ROTATIVE_SIGN_IN_FAILURES_PER_ADDRESS = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "newsroom.sign_in.SignInAttemptHandler"
# The address the sign-up limits use: X-Forwarded-For believed only from
# MAILING_TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "mailing.views.client_ip"
# Wagtail's sign-in form again, with the lockout as its error, answered 429.
AXES_LOCKOUT_CALLABLE = "newsroom.sign_in.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
# No start-up banner on every manage.py command; lockouts are still logged.
AXES_VERBOSE = False
