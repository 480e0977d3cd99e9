"""Partner pictures (issue #14): downloaded from a real loopback server, checked, stored.

Every picture is served by pytest-httpserver on 127.0.0.1 and fetched by the safe fetcher,
which reaches it only because the test allows loopback and the server's port (as the
fetcher's own tests do). A refused picture never stops its article.
"""

import io
import struct
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageDraw

from ingest import images as pictures
from ingest.exceptions import PictureRefused
from ingest.models import IngestFailure, PendingPartnerUpdate
from ingest.services import IngestOutcome, ingest_article
from ingest.updates import apply_partner_update
from newsroom.article import Image
from newsroom.models import ArticlePage, NewsImage
from newsroom.pictures import every_spec

from .helpers import make_section
from .test_ingest_service import dispatch

pytestmark = pytest.mark.django_db

CAPTION = "Les grues du terminal nord du port de Sfax."
CREDIT = "AFP/J. Doe"


def picture(format_name="JPEG", size=(800, 500), mode="RGB"):
    """A real picture: stripes and a disc, encoded as `format_name` in pixel `mode`."""
    canvas = PILImage.new("RGB", size, (20, 60, 110))
    draw = ImageDraw.Draw(canvas)
    for x in range(0, size[0], 40):
        draw.rectangle([x, 0, x + 20, size[1]], fill=(x % 255, 120, 200 - x % 200))
    draw.ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill=(230, 180, 40))
    buffer = io.BytesIO()
    canvas.convert(mode).save(buffer, format_name)
    return buffer.getvalue()


def png_declaring(width, height):
    """A valid PNG header declaring `width` × `height`, with a few bytes of data: a bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


SEEDS = {name: picture(name, (300, 200)) for name in ("JPEG", "PNG", "GIF", "WEBP", "AVIF")}
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
    b"<script>alert(document.cookie)</script><rect width='400' height='300'/></svg>"
)
SVG_WITHOUT_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
    b'<rect width="400" height="300" fill="teal"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><head><title>Image introuvable</title></head><body></body></html>"


@pytest.fixture(autouse=True)
def english_messages():
    """Refusals are matched on their English text; the French is in locale/."""
    with translation.override("en"):
        yield


@pytest.fixture
def server(httpserver, settings):
    """A loopback picture server the fetcher may reach, with pictures turned on."""
    settings.INGEST_FETCH_IMAGES = True
    settings.INGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1/32"]
    settings.INGEST_FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    return httpserver


def serve(server, path, body, content_type):
    server.expect_request(path).respond_with_data(body, content_type=content_type)
    return server.url_for(path)


def hits(server, path):
    return sum(request.path == path for request, _response in server.log)


def with_picture(url, **changes):
    return dispatch(images=(Image(url=url, caption=CAPTION, credit=CREDIT),), **changes)


def article(outcome):
    return ArticlePage.objects.select_related("lead_image").get(pk=outcome.article.pk)


# Stored ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("format_name", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_a_partner_picture_becomes_the_lead_image_with_its_caption_and_credit(
    server, format_name, content_type, extension
):
    body = picture(format_name)
    url = serve(server, f"/photos/grues-du-port.{extension}", body, content_type)

    outcome = ingest_article(with_picture(url), section=make_section(), publish=True)

    page = article(outcome)
    stored = page.lead_image
    assert outcome.action == IngestOutcome.CREATED and outcome.warnings == ()
    assert (stored.caption, stored.credit, stored.source_url) == (CAPTION, CREDIT, url)
    assert (stored.width, stored.height) == (800, 500)
    assert stored.file.name.endswith(f"grues-du-port.{extension}")
    assert stored.file.read() == body
    assert stored.file_size == len(body) and len(stored.file_hash) == 40
    assert stored.default_alt_text == CAPTION
    assert page.live and page.lead_image_id == page.get_latest_revision_as_object().lead_image_id
    # Wagtail can make every rendition the reader pages ask for from it.
    rendition = stored.get_rendition("fill-640x360|format-avif")
    assert (rendition.width, rendition.height) == (640, 360)


def test_the_extension_in_the_url_is_not_believed_the_bytes_are(server):
    url = serve(server, "/photo.png", picture("JPEG"), "image/jpeg")

    page = article(ingest_article(with_picture(url), section=make_section()))

    assert page.lead_image.file.name.endswith(".jpg")


def test_the_first_picture_leads_and_each_is_stored_once(server):
    first = serve(server, "/a.jpg", picture("JPEG"), "image/jpeg")
    second = serve(server, "/b.png", picture("PNG", (400, 300)), "image/png")
    item = dispatch(images=(Image(url=first), Image(url=second), Image(url=first)))

    page = article(ingest_article(item, section=make_section()))

    assert page.lead_image.source_url == first
    assert sorted(NewsImage.objects.values_list("source_url", flat=True)) == [first, second]
    assert (hits(server, "/a.jpg"), hits(server, "/b.png")) == (1, 1)


# Refused ---------------------------------------------------------------------------------------
REFUSALS = {
    "html page": (HTML, "text/html; charset=utf-8", "not_a_picture", "an HTML page"),
    "pdf": (PDF, "application/pdf", "not_a_picture", "a PDF document"),
    "svg with script": (SVG_WITH_SCRIPT, "image/svg+xml", "svg_picture", "SVG is refused"),
    "svg without script": (SVG_WITHOUT_SCRIPT, "image/svg+xml", "svg_picture", "SVG"),
    "svg declared as png": (SVG_WITHOUT_SCRIPT, "image/png", "svg_picture", "SVG"),
    "png declared as jpeg": (
        picture("PNG"),
        "image/jpeg",
        "picture_type_mismatch",
        "declared as image/jpeg but holds a PNG picture",
    ),
    "html declared as png": (HTML, "image/png", "not_a_picture", "an HTML page"),
    "decompression bomb": (
        png_declaring(30000, 30000),
        "image/png",
        "picture_too_many_pixels",
        "decompression bomb",
    ),
    "just over the pixel cap": (
        png_declaring(8000, 6000),
        "image/png",
        "picture_too_many_pixels",
        "8000 × 6000",
    ),
    "tracking pixel": (picture("GIF", (1, 1)), "image/gif", "picture_too_small", "1 × 1"),
    "truncated": (picture("JPEG")[:600], "image/jpeg", "picture_unreadable", "JPEG"),
    "16-bit greyscale": (
        picture("PNG", mode="I;16"),
        "image/png",
        "picture_unreadable",
        "(I;16) cannot be made into renditions",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refused_picture_leaves_the_article_without_it_and_says_why(server, case):
    body, content_type, code, reason = REFUSALS[case]
    url = serve(server, "/picture", body, content_type)

    outcome = ingest_article(with_picture(url), section=make_section(), publish=True)

    page = article(outcome)
    assert outcome.action == IngestOutcome.CREATED and page.live
    assert page.lead_image is None
    assert not NewsImage.objects.exists()
    failure = IngestFailure.objects.get()
    assert (failure.code, failure.location, failure.item) == (code, url, "urn:demo:1")
    assert reason in failure.message
    assert [warning for warning in outcome.warnings if code in warning] != []


def test_a_picture_over_the_size_cap_is_refused_while_it_streams(server, settings):
    settings.INGEST_IMAGE_MAX_BYTES = 5_000
    body = picture("PNG", (1600, 1200))
    assert len(body) > 5_000
    url = serve(server, "/big.png", body, "image/png")

    outcome = ingest_article(with_picture(url), section=make_section())

    failure = IngestFailure.objects.get()
    assert failure.code == "picture_too_large" and "5000 bytes" in failure.message
    assert article(outcome).lead_image is None


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/photo.jpg", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x"],
)
def test_a_redirect_to_a_private_address_is_refused(server, location):
    server.expect_request("/photo.jpg").respond_with_data(
        "", status=302, headers={"Location": location}
    )

    outcome = ingest_article(with_picture(server.url_for("/photo.jpg")), section=make_section())

    failure = IngestFailure.objects.get()
    assert failure.code == "picture_unavailable"
    assert "redirected" in failure.message and "private or reserved" in failure.message
    assert article(outcome).lead_image is None


def test_the_next_picture_leads_when_the_first_is_refused(server):
    refused = serve(server, "/drawing.svg", SVG_WITHOUT_SCRIPT, "image/svg+xml")
    accepted = serve(server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    item = dispatch(images=(Image(url=refused), Image(url=accepted, caption=CAPTION)))

    page = article(ingest_article(item, section=make_section()))

    assert page.lead_image.source_url == accepted
    assert IngestFailure.objects.get().code == "svg_picture"


def test_pictures_are_not_fetched_when_they_are_turned_off(server, settings):
    settings.INGEST_FETCH_IMAGES = False
    url = serve(server, "/photo.jpg", picture("JPEG"), "image/jpeg")

    page = article(ingest_article(with_picture(url), section=make_section()))

    assert page.lead_image is None and hits(server, "/photo.jpg") == 0


def test_the_checks_read_bytes_alone():
    """The same checks without a network: what `check_picture` says of each kind of bytes."""
    assert pictures.sniff(picture("GIF")) == "gif"
    assert pictures.sniff(b"\xef\xbb\xbf  \n<svg/>") == "svg"
    assert pictures.declared_type("IMAGE/JPEG; charset=binary") == "jpeg"
    assert pictures.declared_type("application/octet-stream") is None
    checked = pictures.check_picture(picture("PNG"), declared="", url="u")
    assert (checked.format, checked.width, checked.height) == ("png", 800, 500)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    format_name=st.sampled_from(["JPEG", "PNG", "GIF", "WEBP", "AVIF"]),
    damage=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.integers(0, 2000)),
)
def test_damaged_bytes_are_a_picture_or_a_refusal_never_a_crash(format_name, damage, cut):
    data = bytearray(SEEDS[format_name])
    for position, value in damage:
        data[position % len(data)] = value
    try:
        checked = pictures.check_picture(bytes(data[:cut]), declared="", url="u")
    except PictureRefused:
        return
    assert checked.format in pictures.ACCEPTED_FORMATS and checked.width >= 100


@pytest.mark.parametrize(
    ("format_name", "mode"),
    [
        ("JPEG", "RGB"),
        ("JPEG", "CMYK"),
        ("JPEG", "L"),
        ("PNG", "RGBA"),
        ("PNG", "P"),
        ("PNG", "LA"),
        ("PNG", "1"),
        ("GIF", "P"),
        ("WEBP", "RGBA"),
        ("AVIF", "RGB"),
    ],
)
def test_every_picture_ingest_keeps_can_be_made_into_every_rendition(format_name, mode):
    """What the checks accept, Wagtail renders: no reader page fails on a kept picture."""
    body = picture(format_name, (300, 200), mode=mode)
    checked = pictures.check_picture(body, declared="", url="u")
    fetched = pictures.FetchedPicture(image=Image(url=""), content=body, checked=checked)

    stored = pictures.store_picture(fetched, title="Essai")

    specs = every_spec(stored)
    assert len(stored.get_renditions(*specs)) == len(specs)


# Ingested again --------------------------------------------------------------------------------
def test_an_article_ingested_again_downloads_its_picture_once(server):
    url = serve(server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    section = make_section()
    first = ingest_article(with_picture(url), section=section, publish=True)

    same = ingest_article(with_picture(url), section=section)
    newer = ingest_article(with_picture(url, version=2, title="Sfax: les travaux"), section=section)

    assert (same.action, newer.action) == (IngestOutcome.UNCHANGED, IngestOutcome.UPDATED)
    assert hits(server, "/photo.jpg") == 1
    assert NewsImage.objects.count() == 1
    page = article(first)
    assert page.title == "Sfax: les travaux"
    assert page.lead_image.source_url == url


def test_a_newer_partner_picture_replaces_the_one_ingest_had_set(server):
    old = serve(server, "/old.jpg", picture("JPEG"), "image/jpeg")
    new = serve(server, "/new.jpg", picture("JPEG", (1000, 700)), "image/jpeg")
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


def test_ingest_never_replaces_a_lead_image_an_editor_chose(server, editor):
    url = serve(server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    newer = serve(server, "/photo-v2.jpg", picture("JPEG", (1000, 700)), "image/jpeg")
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
    assert hits(server, "/photo.jpg") == 1  # held already: not downloaded again
    assert hits(server, "/photo-v2.jpg") == 1  # stored for the editor, not put on the page
    pending = PendingPartnerUpdate.objects.get(state="pending")
    assert pending.content["pictures"] == [NewsImage.objects.get(source_url=newer).pk]
    # Applying the partner's text keeps the editor's picture.
    revision = apply_partner_update(pending, actor=editor)
    assert revision.as_object().lead_image_id == chosen.pk
    assert revision.as_object().title == "Titre v3"


def test_applying_a_held_update_gives_a_picture_to_a_draft_that_has_none(server, editor):
    section = make_section()
    first = ingest_article(dispatch(), section=section, publish=True)
    draft = article(first).get_latest_revision_as_object()
    draft.title = "Titre de la rédaction"
    draft.save_revision(user=editor).publish(user=editor)
    url = serve(server, "/photo.jpg", picture("JPEG"), "image/jpeg")

    outcome = ingest_article(with_picture(url, version=2, title="Titre v2"), section=section)
    revision = apply_partner_update(PendingPartnerUpdate.objects.get(), actor=editor)

    assert outcome.action == IngestOutcome.HELD
    assert article(first).lead_image is None  # the live page is untouched
    assert revision.as_object().lead_image == NewsImage.objects.get(source_url=url)
