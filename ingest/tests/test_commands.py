"""`manage.py extract` and `manage.py ingest`, as editors and scripts call them."""

import io
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from ingest.models import IngestedItem, PendingPartnerUpdate
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


def _newsml_version(tmp_path, version: int, title: str):
    path = tmp_path / f"v{version}.xml"
    original = NEWSML.read_text(encoding="utf-8")
    path.write_text(
        original.replace('version="10"', f'version="{version}"').replace(
            'Fed to halt QE to avert "bubble"', title
        ),
        encoding="utf-8",
    )
    return path


def test_the_third_newsml_version_waits_for_the_editor_who_changed_the_article(
    db, tmp_path, django_capture_on_commit_callbacks
):
    """Issue #12, item 1, as reported: v1 --publish, an editor's edit, v2, then v3."""
    make_section()
    editor = get_user_model().objects.create_user("editrice", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Moderators"))
    with django_capture_on_commit_callbacks(execute=True):
        run("ingest", str(NEWSML), "--publish")
    draft = ArticlePage.objects.get().get_latest_revision_as_object()
    draft.title, draft.standfirst = "La Fed arrête ses rachats", "Le chapô de la rédaction."
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=editor).publish(user=editor)

    with django_capture_on_commit_callbacks(execute=True):
        second, _ = run("ingest", str(_newsml_version(tmp_path, 11, "Fed v2")), "--publish")
        third, _ = run("ingest", str(_newsml_version(tmp_path, 12, "Fed v3")), "--publish")
        again, _ = run("ingest", str(_newsml_version(tmp_path, 12, "Fed v3")), "--publish")

    assert second.startswith("held:") and third.startswith("held:")
    assert "update held for an editor (" in third and "Partner updates" in third
    assert again.startswith("unchanged:")  # provenance recorded the newest version
    article = ArticlePage.objects.get()
    assert (article.title, article.standfirst) == (
        "La Fed arrête ses rachats",
        "Le chapô de la rédaction.",
    )
    assert not article.has_unpublished_changes
    pending = PendingPartnerUpdate.objects.get(state="pending")
    assert (pending.version, pending.content["title"]) == (12, "Fed v3")
    assert IngestedItem.objects.get().version == 12


def test_a_newsml_item_dated_after_now_is_published_now(db, caplog):
    """Issue #12, item 3: a partner clock ahead of ours put an article hours in the future."""
    make_section()
    now = datetime(2016, 11, 21, 14, 0, tzinfo=UTC)  # the item says 15:21 -05:00, 20:21 UTC
    with time_machine.travel(now, tick=False):
        out, _ = run("ingest", str(NEWSML), "--publish")
    article = ArticlePage.objects.get()
    assert out.startswith("created:")
    assert article.first_published_at == now
    assert "in the future" in caplog.text


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
