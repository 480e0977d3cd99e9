"""What this server runs, as one short digest: kept reader pages are filed under it.

Why (issue #15): the server keeps a reader page, or a part of one, as long as its families'
stamps hold (`newsroom.reader_cache`), a day by default. A deploy changes no stamp, so
without this the pages built by the previous templates, translations, static file names or
Django and Wagtail versions would be served for up to that day, and an old pickled page
could even fail to load against new models. The digest is of the files' contents, not their
dates, so two servers running the same release share their kept pages, and the stamps
(purges) are never part of it: every release hears every purge.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

# What a page is built from: code, templates, translations (compiled), data shipped with
# the code. Tests and benchmarks are never part of a page.
SHAPING_SUFFIXES = (".py", ".html", ".txt", ".xml", ".mo", ".json")
SKIPPED_FOLDERS = frozenset({"tests", "__pycache__", "node_modules", "migrations"})
PACKAGES = ("django", "wagtail")


def _shaping_files(root: Path) -> list[Path]:
    """The project's apps and templates (each top-level folder holding Python or templates),
    leaving out the var folder, the virtualenv, benchmarks and tools."""
    found = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        if folder.name.startswith(".") or folder.name in {"var", "bench", "tools", "static"}:
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in SHAPING_SUFFIXES and not SKIPPED_FOLDERS & set(path.parts):
                found.append(path)
    return found


@functools.cache
def release() -> str:
    """The digest of this release, read once per process (about 600 files, a few ms)."""
    digest = hashlib.blake2b(digest_size=8)
    for package in PACKAGES:
        digest.update(f"{package}={version(package)}\n".encode())
    root = Path(settings.BASE_DIR)
    files = _shaping_files(root)
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():  # hashed static names, after collectstatic
        files.append(manifest)
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
