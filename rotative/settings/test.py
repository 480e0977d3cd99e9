"""Settings for the test suite: immediate tasks, fast hashing, in-memory cache and mail."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Publishing and ingesting do not run spaCy in every test; enrichment tests turn it on.
ENRICH_AUTOMATICALLY = False
# Nor rank related articles (spaCy again) on every publish; the related tests turn it on.
RELATED_REFRESH_AUTOMATICALLY = False
# Nor download partner pictures: ingest tests use addresses that are never served; the picture
# tests turn it on, with a loopback server (ingest/tests/test_pictures.py).
INGEST_FETCH_IMAGES = False
# Nor make every rendition of each new picture (seconds of AVIF encoding); pages make theirs.
NEWSROOM_PREPARE_RENDITIONS = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # Tests render templates without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
ROTATIVE_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
