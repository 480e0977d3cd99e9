"""An ingested article published in one page save (`ingest.writing.save_published`) ends as
Wagtail's ``save_revision().publish()`` leaves it: the page row, its one revision, its
history, the ``page_published`` signal, the search index, and what an editor sees."""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from wagtail.models import PageLogEntry, Revision
from wagtail.signals import page_published

from ingest.services import IngestOutcome, ingest_article
from ingest.writing import fill_page
from newsroom.models import ArticlePage

from .helpers import make_section
from .test_ingest_service import dispatch

pytestmark = pytest.mark.django_db

# What differs between two pages of the same copy whatever the path: ids, places, clocks.
UNIQUE = {
    "pk", "id", "path", "slug", "url_path", "latest_revision", "live_revision",
    "latest_revision_created_at", "last_published_at", "first_published_at",
    "draft_title", "title", "live", "has_unpublished_changes", "translation_key",
    "page_ptr", "dateline_places",
}  # fmt: skip


def wagtails_way(section, item, source):
    """The same item saved the way Wagtail's own calls save and publish a page."""
    page = ArticlePage(live=False)
    fill_page(page, item, source)
    page.slug = "par-wagtail"
    section.add_child(instance=page)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def comparable(content):
    """A revision's content without what two saves of the same copy never share."""
    kept = {name: value for name, value in content.items() if name not in UNIQUE}
    kept["body"] = [
        {name: value for name, value in block.items() if name != "id"}
        for block in json.loads(kept["body"])
    ]
    return kept


def page_state(page):
    return {
        "live": page.live,
        "has_unpublished_changes": page.has_unpublished_changes,
        "expired": page.expired,
        "same_revision_live_and_latest": page.live_revision_id == page.latest_revision_id,
        "draft_title_is_title": page.draft_title == page.title,
        "revisions": Revision.page_revisions.filter(object_id=str(page.pk)).count(),
        "history": list(
            PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", flat=True)
        ),
        "published_entry_names_revision": PageLogEntry.objects.filter(
            page=page, action="wagtail.publish", revision=page.live_revision
        ).exists(),
        "latest_revision_created_at_is_revision": page.latest_revision_created_at
        == page.latest_revision.created_at,
        "published_at_set": page.first_published_at is not None
        and page.last_published_at is not None,
    }


def test_a_published_item_is_saved_once_and_ends_as_wagtail_publishes_it():
    section = make_section()
    heard, saves = [], []

    def record(sender, instance, revision, **kwargs):
        heard.append((sender, instance.pk, revision.pk))

    def count_save(sender, instance, **kwargs):
        saves.append(instance.pk)

    page_published.connect(record)
    post_save.connect(count_save, sender=ArticlePage)
    try:
        outcome = ingest_article(dispatch(), section=section, publish=True)
        post_save.disconnect(count_save, sender=ArticlePage)
        source = outcome.article.source
        reference = wagtails_way(section, dispatch(guid="urn:demo:other"), source)
    finally:
        page_published.disconnect(record)
    assert outcome.action == IngestOutcome.CREATED
    assert saves == [outcome.article.pk]  # one page save (Wagtail's calls: three)
    page = ArticlePage.objects.get(pk=outcome.article.pk)
    assert page_state(page) == page_state(reference)
    assert page_state(page)["history"] == ["wagtail.create", "wagtail.publish"]
    assert page_state(page)["revisions"] == 1
    # The signal every publication sends, once, with the page's live revision.
    assert (ArticlePage, page.pk, page.live_revision_id) in heard
    assert [entry for entry in heard if entry[1] == page.pk] == [
        (ArticlePage, page.pk, page.live_revision_id)
    ]
    # The revision holds the page as saved: an editor opening it gets the same copy.
    assert comparable(page.live_revision.content) == comparable(reference.live_revision.content)
    restored = page.live_revision.as_object()
    assert restored.title == page.title
    assert [block.block_type for block in restored.body] == [b.block_type for b in page.body]
    assert [place.name for place in restored.dateline_places.all()] == ["Sfax"]


def test_the_first_publication_date_the_item_gives_is_kept():
    section = make_section()
    item = dispatch(published=datetime(2024, 3, 5, 9, 30, tzinfo=UTC))
    page = ingest_article(item, section=section, publish=True).article
    page.refresh_from_db()
    assert page.first_published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert page.last_published_at > page.first_published_at


def test_an_editor_sees_the_article_live_with_its_revision_in_the_admin(client):
    section = make_section()
    page = ingest_article(dispatch(), section=section, publish=True).article
    editor = get_user_model().objects.create_superuser("chef", "chef@example.org", "pw-chef-1")
    client.force_login(editor)
    history = client.get(f"/admin/pages/{page.pk}/history/")
    assert history.status_code == 200
    assert "Published" in history.content.decode() or "Publié" in history.content.decode()
    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    assert page.title in edit.content.decode()
    # A later edit by the editor goes through Wagtail as ever, on top of the ingested revision.
    page = ArticlePage.objects.get(pk=page.pk)
    page.standfirst = "Chapô réécrit par la rédaction."
    page.save_revision(user=editor).publish()
    page.refresh_from_db()
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 2
    assert page.live_revision.as_object().standfirst == "Chapô réécrit par la rédaction."


def test_a_draft_item_still_goes_through_wagtail():
    section = make_section()
    page = ingest_article(dispatch(), section=section).article
    page.refresh_from_db()
    assert not page.live
    assert page.has_unpublished_changes
    assert page.live_revision_id is None
    assert page.latest_revision_id is not None
