"""Partner pictures ingested again (issue #14): downloaded once, and an editor's choice kept."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from ingest.models import PendingPartnerUpdate
from ingest.services import IngestOutcome, ingest_article
from ingest.updates import apply_partner_update
from newsroom.models import NewsImage

from .helpers import make_section
from .picture_samples import article, hits, picture, serve, with_picture
from .test_ingest_service import dispatch

pytestmark = pytest.mark.django_db


def test_an_article_ingested_again_downloads_its_picture_once(picture_server):
    url = serve(picture_server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    section = make_section()
    first = ingest_article(with_picture(url), section=section, publish=True)

    same = ingest_article(with_picture(url), section=section)
    newer = ingest_article(with_picture(url, version=2, title="Sfax: les travaux"), section=section)

    assert (same.action, newer.action) == (IngestOutcome.UNCHANGED, IngestOutcome.UPDATED)
    assert hits(picture_server, "/photo.jpg") == 1
    assert NewsImage.objects.count() == 1
    page = article(first)
    assert page.title == "Sfax: les travaux"
    assert page.lead_image.source_url == url


def test_a_newer_partner_picture_replaces_the_one_ingest_had_set(picture_server):
    old = serve(picture_server, "/old.jpg", picture("JPEG"), "image/jpeg")
    new = serve(picture_server, "/new.jpg", picture("JPEG", (1000, 700)), "image/jpeg")
    section = make_section()
    first = ingest_article(with_picture(old), section=section, publish=True)

    ingest_article(with_picture(new, version=2, title="Sfax: nouvelle photo"), section=section)

    assert article(first).lead_image.source_url == new


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("photo-editrice", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def own_picture():
    image = NewsImage(title="Photo maison", caption="Notre photographe sur le port.")
    image.file.save("maison.jpg", ContentFile(picture("JPEG", (900, 600))), save=False)
    image.width, image.height = 900, 600
    image.save()
    return image


def test_ingest_never_replaces_a_lead_image_an_editor_chose(picture_server, editor):
    url = serve(picture_server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    newer = serve(picture_server, "/photo-v2.jpg", picture("JPEG", (1000, 700)), "image/jpeg")
    section = make_section()
    first = ingest_article(with_picture(url), section=section, publish=True)
    chosen = own_picture()
    draft = article(first).get_latest_revision_as_object()
    draft.lead_image = chosen
    draft.save_revision(user=editor).publish(user=editor)

    again = ingest_article(with_picture(url, version=2, title="Titre v2"), section=section)
    newest = ingest_article(with_picture(newer, version=3, title="Titre v3"), section=section)

    assert (again.action, newest.action) == (IngestOutcome.HELD, IngestOutcome.HELD)
    assert article(first).lead_image == chosen
    assert hits(picture_server, "/photo.jpg") == 1  # held already: not downloaded again
    assert hits(picture_server, "/photo-v2.jpg") == 1  # stored for the editor, not put on the page
    pending = PendingPartnerUpdate.objects.get(state="pending")
    assert pending.content["pictures"] == [NewsImage.objects.get(source_url=newer).pk]
    # Applying the partner's text keeps the editor's picture.
    revision = apply_partner_update(pending, actor=editor)
    assert revision.as_object().lead_image_id == chosen.pk
    assert revision.as_object().title == "Titre v3"


def test_applying_a_held_update_gives_a_picture_to_a_draft_that_has_none(picture_server, editor):
    section = make_section()
    first = ingest_article(dispatch(), section=section, publish=True)
    draft = article(first).get_latest_revision_as_object()
    draft.title = "Titre de la rédaction"
    draft.save_revision(user=editor).publish(user=editor)
    url = serve(picture_server, "/photo.jpg", picture("JPEG"), "image/jpeg")

    outcome = ingest_article(with_picture(url, version=2, title="Titre v2"), section=section)
    revision = apply_partner_update(PendingPartnerUpdate.objects.get(), actor=editor)

    assert outcome.action == IngestOutcome.HELD
    assert article(first).lead_image is None  # the live page is untouched
    assert revision.as_object().lead_image == NewsImage.objects.get(source_url=url)
