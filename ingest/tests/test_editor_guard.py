"""Once an editor touched an article, partner versions wait beside it (issue #12, item 1).

Every path an editor's work can be in: a live edit, an unpublished draft, in moderation,
scheduled, locked. In each, ingest writes no revision; the partner's version waits as a
pending update the editor compares, then applies (as a draft) or dismisses.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ingest.models import PendingPartnerUpdate
from ingest.services import IngestOutcome, ingest_article
from ingest.updates import (
    PartnerUpdateDecided,
    PartnerUpdateForbidden,
    apply_partner_update,
    dismiss_partner_update,
)
from newsroom.models import ArticlePage

from .helpers import make_section
from .test_ingest_service import dispatch

pytestmark = pytest.mark.django_db

EDITOR_TITLE = "Titre choisi par la rédaction"
EDITOR_STANDFIRST = "Chapô réécrit par la rédaction."


@pytest.fixture
def section():
    return make_section()


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("editrice", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))  # may publish
    return user


def _editor_draft(page, editor, **fields):
    draft = page.get_latest_revision_as_object()
    draft.title = fields.get("title", EDITOR_TITLE)
    draft.standfirst = fields.get("standfirst", EDITOR_STANDFIRST)
    return draft.save_revision(user=editor)


def _article(outcome):
    return ArticlePage.objects.get(pk=outcome.article.pk)


def test_the_third_version_no_longer_publishes_over_the_editors_live_edit(section, editor):
    """The reported scenario: v1 published, editor edits and publishes, then v2 and v3."""
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    revisions = _article(first).revisions.count()

    second = ingest_article(dispatch(version=2, title="Titre v2 de l'agence"), section=section)
    third = ingest_article(
        dispatch(version=3, title="Titre v3 de l'agence", standfirst="Chapô v3."),
        section=section,
        publish=True,
    )

    page = _article(first)
    assert (second.action, third.action) == (IngestOutcome.HELD, IngestOutcome.HELD)
    assert "held for an editor" in third.warnings[0]
    assert page.live and page.title == EDITOR_TITLE and page.standfirst == EDITOR_STANDFIRST
    assert not page.has_unpublished_changes
    assert page.revisions.count() == revisions  # ingest wrote no revision at all
    # One update waits, the newest; the same version again is unchanged, not held again.
    pending = PendingPartnerUpdate.objects.get(state="pending")
    assert (pending.version, pending.content["title"]) == (3, "Titre v3 de l'agence")
    assert pending.reason == "edited"
    again = ingest_article(dispatch(version=3, title="Titre v3 de l'agence"), section=section)
    assert again.action == IngestOutcome.UNCHANGED


def test_an_editors_unpublished_draft_stays_their_latest_revision(section, editor):
    first = ingest_article(dispatch(), section=section)
    draft = _editor_draft(_article(first), editor)

    outcome = ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)

    page = _article(first)
    assert outcome.action == IngestOutcome.HELD
    assert page.latest_revision_id == draft.pk
    assert page.get_latest_revision_as_object().title == EDITOR_TITLE
    assert PendingPartnerUpdate.objects.get().reason == "editor_draft"


def test_an_article_in_moderation_is_left_to_its_workflow(section, editor):
    first = ingest_article(dispatch(), section=section)
    page = _article(first)
    _editor_draft(page, editor)
    page.get_workflow().start(page, editor)
    state = page.current_workflow_state

    outcome = ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)

    page = _article(first)
    assert outcome.action == IngestOutcome.HELD
    assert page.workflow_in_progress and page.current_workflow_state.pk == state.pk
    assert page.get_latest_revision_as_object().title == EDITOR_TITLE
    assert PendingPartnerUpdate.objects.get().reason == "in_moderation"


def test_a_scheduled_revision_stays_scheduled(section, editor):
    first = ingest_article(dispatch(), section=section)
    page = _article(first)
    draft = page.get_latest_revision_as_object()
    draft.title = EDITOR_TITLE
    draft.go_live_at = timezone.now() + timedelta(days=1)
    scheduled = draft.save_revision(user=editor)
    scheduled.publish(user=editor)

    outcome = ingest_article(
        dispatch(version=2, title="Titre de l'agence"), section=section, publish=True
    )

    page = _article(first)
    scheduled.refresh_from_db()
    assert outcome.action == IngestOutcome.HELD
    assert not page.live
    assert scheduled.approved_go_live_at is not None
    assert page.latest_revision_id == scheduled.pk
    assert PendingPartnerUpdate.objects.get().reason == "scheduled"


def test_a_locked_article_is_not_written(section, editor):
    first = ingest_article(dispatch(), section=section, publish=True)
    page = _article(first)
    page.locked, page.locked_by, page.locked_at = True, editor, timezone.now()
    page.save()
    revisions = page.revisions.count()

    outcome = ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)

    page = _article(first)
    assert outcome.action == IngestOutcome.HELD
    assert page.title == "Sfax rénove ses canalisations"
    assert page.revisions.count() == revisions
    assert PendingPartnerUpdate.objects.get().reason == "locked"


def test_an_article_no_editor_touched_still_follows_the_partner(section):
    first = ingest_article(dispatch(), section=section, publish=True)
    ingest_article(dispatch(version=2, title="Titre v2"), section=section)
    outcome = ingest_article(dispatch(version=3, title="Titre v3"), section=section)
    assert outcome.action == IngestOutcome.UPDATED
    assert _article(first).title == "Titre v3"
    assert not PendingPartnerUpdate.objects.exists()


def test_applying_makes_the_partner_text_a_draft_by_the_editor_on_top_of_theirs(section, editor):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    pending = PendingPartnerUpdate.objects.get()

    revision = apply_partner_update(pending, actor=editor)

    page = _article(first)
    assert page.title == EDITOR_TITLE  # still live as the editor published it
    assert page.latest_revision_id == revision.pk and revision.user_id == editor.pk
    assert page.get_latest_revision_as_object().title == "Titre de l'agence"
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by_id) == ("applied", editor.pk)
    with pytest.raises(PartnerUpdateDecided):
        apply_partner_update(pending, actor=editor)


def test_dismissing_leaves_the_article_as_it_is(section, editor):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    revisions = _article(first).revisions.count()

    dismiss_partner_update(PendingPartnerUpdate.objects.get(), actor=editor)

    assert PendingPartnerUpdate.objects.get().state == "dismissed"
    assert _article(first).revisions.count() == revisions
    # A later partner version waits again.
    ingest_article(dispatch(version=3, title="Titre v3"), section=section)
    assert PendingPartnerUpdate.objects.filter(state="pending").count() == 1


def test_only_someone_who_may_edit_the_article_decides(section, editor):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    pending = PendingPartnerUpdate.objects.get()
    reader = get_user_model().objects.create_user("lecteur", password="x", is_staff=True)

    with pytest.raises(PartnerUpdateForbidden):
        apply_partner_update(pending, actor=reader)
    with pytest.raises(PartnerUpdateForbidden):
        dismiss_partner_update(pending, actor=reader)
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_the_admin_shows_the_waiting_update_its_diff_and_applies_it(section, editor, client):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    pending = PendingPartnerUpdate.objects.get()
    client.force_login(editor)

    # Under the Ingest menu, which an editor without feed permissions sees for this alone.
    assert reverse("ingest_partner_updates") in client.get(reverse("wagtailadmin_home")).text
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[first.article.pk]))
    assert reverse("ingest_partner_update", args=[pending.pk]) in edit.content.decode()
    listing = client.get(reverse("ingest_partner_updates")).content.decode()
    assert EDITOR_TITLE in listing
    compare = client.get(reverse("ingest_partner_update", args=[pending.pk])).content.decode()
    assert "<del>choisi par la rédaction</del>" in compare
    assert "<ins>de l&#x27;agence</ins>" in compare

    assert client.get(reverse("ingest_apply_partner_update", args=[pending.pk])).status_code == 405
    response = client.post(reverse("ingest_apply_partner_update", args=[pending.pk]))
    assert response.status_code == 302
    assert _article(first).get_latest_revision_as_object().title == "Titre de l'agence"


def test_the_admin_refuses_the_update_of_an_article_one_may_not_edit(section, editor, client):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    pending = PendingPartnerUpdate.objects.get()
    outsider = get_user_model().objects.create_user("pigiste", password="x")
    outsider.user_permissions.add(*_admin_access())
    client.force_login(outsider)

    # Wagtail turns a refusal into a redirect to the dashboard with an error message.
    compare = client.get(reverse("ingest_partner_update", args=[pending.pk]))
    assert compare.status_code == 302 and "Titre de l" not in compare.content.decode()
    dismiss = client.post(reverse("ingest_dismiss_partner_update", args=[pending.pk]))
    assert dismiss.status_code == 302
    assert "Titre de l" not in client.get(reverse("ingest_partner_updates")).content.decode()
    assert PendingPartnerUpdate.objects.get().state == "pending"


def _admin_access():
    return Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )


def test_the_command_says_the_update_is_held(section, editor, tmp_path):
    first = ingest_article(dispatch(), section=section, publish=True)
    _editor_draft(_article(first), editor).publish(user=editor)
    feed = tmp_path / "feed.json"
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Agence", "items": [{'
        '"id": "urn:demo:1", "url": "https://a.example/1", "title": "Titre de l\'agence",'
        '"content_text": "Le conseil municipal a adopté mardi soir un plan de rénovation.\\n\\n'
        'Les travaux commenceront au printemps."}]}',
        encoding="utf-8",
    )
    out = StringIO()
    call_command("ingest", str(feed), "--section", section.slug, stdout=out)
    assert "held:" in out.getvalue()
    assert "held for an editor" in out.getvalue()
    assert _article(first).title == EDITOR_TITLE
