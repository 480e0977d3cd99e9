"""A web process never imports spaCy (issue #15).

The article page used to load the NLP stack into every gunicorn worker (`related_articles`
→ `related.terms` → `enrichment.nlp`; and every app's signals imported its tasks, whose
services imported the pipeline): 772 more modules, ~190 MB, collections of 126–153 ms in
the request path. This test process imports spaCy itself, so the check runs in fresh
interpreters (`related/tests/web_process.py`): one writes a small site into an SQLite file,
another imports `rotative.wsgi` as gunicorn does and reads the reader pages.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
SCRIPT = REPO / "related" / "tests" / "web_process.py"
NOT_IMPORTED = {"spacy": False, "thinc": False, "enrichment.nlp": False, "related.terms": False}


def run(*args, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="rotative.settings.test",
        PYTHONPATH=str(REPO),
        ROTATIVE_VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("web_process")
    database = str(tmp_path / "site.sqlite3")
    site = run("build", database, tmp_path=tmp_path)
    return site, run("serve", database, site["article"], tmp_path=tmp_path)


def test_importing_the_wsgi_application_imports_no_nlp(served):
    _, worker = served
    assert worker["nlp_after_wsgi"] == NOT_IMPORTED


def test_the_wsgi_application_freezes_what_loading_made(served):
    """A full collection in a request must not walk the framework (`gc.freeze`)."""
    _, worker = served
    assert worker["frozen_objects"] > 100_000


def test_reader_pages_are_served_without_importing_nlp(served):
    _, worker = served
    assert {name: page["status"] for name, page in worker["pages"].items()} == {
        "article": 200,
        "home": 200,
        "section": 200,
        "search": 200,
        "entity": 200,
    }
    assert worker["nlp_after_pages"] == NOT_IMPORTED


def test_the_article_shows_its_stored_related_articles(served):
    site, worker = served
    html = worker["pages"]["article"]["html"]
    related = html[html.index('id="related-title"') :]
    shown = [title for title in site["related_titles"] if title in related]
    assert shown == site["related_titles"]
    assert len(shown) == 4
    assert "épisode 5<" not in related  # stored fifth: the page shows four
