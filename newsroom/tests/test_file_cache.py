"""The production file cache culls from time to time, and still stays near its size."""

from pathlib import Path

from newsroom.file_cache import FileCache


def cache_in(folder: Path, **options) -> FileCache:
    return FileCache(str(folder), {"OPTIONS": options})


def test_the_folder_stays_near_max_entries(tmp_path):
    cache = cache_in(tmp_path, MAX_ENTRIES=20, CULL_FREQUENCY=2, CULL_CHECK_EVERY=5)
    for number in range(200):
        cache.set(f"page-{number}", "x" * 100, 600)
    entries = len(list(tmp_path.glob("*.djcache")))
    assert 0 < entries <= 20 + 5
    assert cache.get("page-199") == "x" * 100


def test_the_folder_is_listed_once_every_n_stores(tmp_path, monkeypatch):
    cache = cache_in(tmp_path, MAX_ENTRIES=1000, CULL_CHECK_EVERY=10)
    listings = []
    original = FileCache._list_cache_files
    monkeypatch.setattr(
        FileCache, "_list_cache_files", lambda self: listings.append(1) or original(self)
    )
    for number in range(50):
        cache.set(f"page-{number}", "x", 600)
    assert len(listings) == 5
