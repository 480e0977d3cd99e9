"""`manage.py extract` and `manage.py ingest`, as editors and scripts call them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from newsroom.models import ArticlePage

from .helpers import SEED, make_section

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not present")


def run(*args, stdin=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_extract_prints_the_article_as_json_without_saving(db):
    out, _ = run("extract", str(SEED), "--format", "json")
    data = json.loads(out)
    assert data["title"].startswith("Vladimir Poutine en pèlerinage")
    assert data["dateline"] == {"places": ["Rome", "Paris"], "date": "2022-12-19"}
    assert data["read_also"][0]["title"].startswith("L’Union européenne")
    assert data["source"]["outlet"] == "Formiche"
    assert data["format"] == "plaintext"
    assert data["language"] == "fr"
    assert ArticlePage.objects.count() == 0
    # Enriched on the way out: people with their mentions, quotes, countries, topics.
    peskov = next(entity for entity in data["entities"] if entity["name"] == "Dmitri Peskov")
    assert peskov["kind"] == "PER" and len(peskov["mentions"]) == 3
    assert set(peskov["mentions"][0]) == {"text", "start", "end"}
    assert {quote["speaker"] for quote in data["quotes"]} == {"Dmitri Peskov"}
    assert set(data["countries"]) == {"RU", "BY", "UA"}
    assert all(topic["qcode"].startswith("medtop:") for topic in data["topics"])


def test_extract_without_enrichment_prints_what_ingest_read(db):
    out, _ = run("extract", str(SEED), "--no-enrich")
    data = json.loads(out)
    assert data["title"].startswith("Vladimir Poutine")
    assert data["entities"] == [] and data["quotes"] == []


def test_extract_reads_standard_input(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    out, _ = run("extract", "-")
    assert json.loads(out)["source"]["author"] == "Matteo Turato"


def test_extract_of_several_sources_prints_a_list(db):
    out, _ = run("extract", str(SEED), str(SEED))
    assert len(json.loads(out)) == 2


def test_extract_of_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No such file"):
        run("extract", "/nonexistent/article.txt")


def test_ingest_twice_creates_one_article(db):
    make_section()
    first, _ = run("ingest", str(SEED), "--section", "international")
    second, _ = run("ingest", str(SEED), "--section", "international")
    assert first.startswith("created:")
    assert second.startswith("unchanged:")
    assert ArticlePage.objects.count() == 1
    assert not ArticlePage.objects.get().live


def test_ingest_publish_makes_the_article_live(db):
    make_section()
    run("ingest", str(SEED), "--publish")
    assert ArticlePage.objects.live().count() == 1


def test_ingest_into_an_unknown_section_is_refused(db):
    make_section()
    with pytest.raises(CommandError, match="No section 'sport'"):
        run("ingest", str(SEED), "--section", "sport")
    assert ArticlePage.objects.count() == 0


NEWSML = SEED.parent.parent / "data" / "newsml" / "LISTING_2_NewsML-G2_Text_Document.xml"


def test_a_newer_newsml_version_replaces_the_earlier_one(db, tmp_path):
    make_section()
    original = NEWSML.read_text(encoding="utf-8")
    update = tmp_path / "update.xml"
    update.write_text(
        original.replace('version="10"', 'version="11"').replace(
            'Fed to halt QE to avert "bubble"', "Fed halts QE"
        ),
        encoding="utf-8",
    )

    first, _ = run("ingest", str(NEWSML), "--publish")
    second, _ = run("ingest", str(update), "--publish")
    again, _ = run("ingest", str(NEWSML), "--publish")

    assert first.startswith("created:")
    assert second.startswith("updated:")
    assert again.startswith("unchanged:")  # version 10 arriving late changes nothing
    article = ArticlePage.objects.get()
    assert article.title == "Fed halts QE"


def test_extract_reads_a_url_through_the_safe_fetcher(db, httpserver, settings):
    settings.INGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1/32"]
    settings.INGEST_FETCH_ALLOWED_PORTS = [httpserver.port]
    httpserver.expect_request("/seed.txt").respond_with_data(
        SEED.read_bytes(), content_type="text/plain; charset=utf-8"
    )

    out, _ = run("extract", httpserver.url_for("/seed.txt"))

    assert json.loads(out)["dateline"]["places"] == ["Rome", "Paris"]


def test_extract_refuses_a_private_address_with_a_clear_error(db):
    # The editor reads it in French.
    with pytest.raises(CommandError, match="adresse privée ou réservée"):
        run("extract", "http://169.254.169.254/latest/meta-data/")
