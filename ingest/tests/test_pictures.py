"""Partner pictures (issue #14): downloaded from a real loopback server, checked, stored.

Every picture is served by pytest-httpserver on 127.0.0.1 and fetched by the safe fetcher,
which reaches it only because the test allows loopback and the server's port (as the
fetcher's own tests do; the `picture_server` fixture). A refused picture never stops its
article. Ingesting again: test_pictures_again.py.
"""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest import images as pictures
from ingest.exceptions import PictureRefused
from ingest.models import IngestFailure
from ingest.services import IngestOutcome, ingest_article
from newsroom.article import Image
from newsroom.models import NewsImage
from newsroom.pictures import every_spec

from .helpers import make_section
from .picture_samples import (
    CAPTION,
    CREDIT,
    article,
    hits,
    picture,
    png_declaring,
    serve,
    with_picture,
)
from .test_ingest_service import dispatch

pytestmark = pytest.mark.django_db

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


# Stored ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("format_name", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_a_partner_picture_becomes_the_lead_image_with_its_caption_and_credit(
    picture_server, format_name, content_type, extension
):
    body = picture(format_name)
    url = serve(picture_server, f"/photos/grues-du-port.{extension}", body, content_type)

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


def test_the_extension_in_the_url_is_not_believed_the_bytes_are(picture_server):
    url = serve(picture_server, "/photo.png", picture("JPEG"), "image/jpeg")

    page = article(ingest_article(with_picture(url), section=make_section()))

    assert page.lead_image.file.name.endswith(".jpg")


def test_the_first_picture_leads_and_each_is_stored_once(picture_server):
    first = serve(picture_server, "/a.jpg", picture("JPEG"), "image/jpeg")
    second = serve(picture_server, "/b.png", picture("PNG", (400, 300)), "image/png")
    item = dispatch(images=(Image(url=first), Image(url=second), Image(url=first)))

    page = article(ingest_article(item, section=make_section()))

    assert page.lead_image.source_url == first
    assert sorted(NewsImage.objects.values_list("source_url", flat=True)) == [first, second]
    assert (hits(picture_server, "/a.jpg"), hits(picture_server, "/b.png")) == (1, 1)


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
        "pixel format (I;16) cannot be made into web pictures",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_refused_picture_leaves_the_article_without_it_and_says_why(picture_server, case):
    body, content_type, code, reason = REFUSALS[case]
    url = serve(picture_server, "/picture", body, content_type)

    outcome = ingest_article(with_picture(url), section=make_section(), publish=True)

    page = article(outcome)
    assert outcome.action == IngestOutcome.CREATED and page.live
    assert page.lead_image is None
    assert not NewsImage.objects.exists()
    failure = IngestFailure.objects.get()
    assert (failure.code, failure.location, failure.item) == (code, url, "urn:demo:1")
    assert reason in failure.message
    assert [warning for warning in outcome.warnings if code in warning] != []


def test_a_picture_over_the_size_cap_is_refused_while_it_streams(picture_server, settings):
    settings.INGEST_IMAGE_MAX_BYTES = 5_000
    body = picture("PNG", (1600, 1200))
    assert len(body) > 5_000
    url = serve(picture_server, "/big.png", body, "image/png")

    outcome = ingest_article(with_picture(url), section=make_section())

    failure = IngestFailure.objects.get()
    assert failure.code == "picture_too_large" and "5000 bytes" in failure.message
    assert article(outcome).lead_image is None


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/photo.jpg", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x"],
)
def test_a_redirect_to_a_private_address_is_refused(picture_server, location):
    picture_server.expect_request("/photo.jpg").respond_with_data(
        "", status=302, headers={"Location": location}
    )

    outcome = ingest_article(
        with_picture(picture_server.url_for("/photo.jpg")), section=make_section()
    )

    failure = IngestFailure.objects.get()
    assert failure.code == "picture_unavailable"
    assert "redirected" in failure.message and "private or reserved" in failure.message
    assert article(outcome).lead_image is None


def test_the_next_picture_leads_when_the_first_is_refused(picture_server):
    refused = serve(picture_server, "/drawing.svg", SVG_WITHOUT_SCRIPT, "image/svg+xml")
    accepted = serve(picture_server, "/photo.jpg", picture("JPEG"), "image/jpeg")
    item = dispatch(images=(Image(url=refused), Image(url=accepted, caption=CAPTION)))

    page = article(ingest_article(item, section=make_section()))

    assert page.lead_image.source_url == accepted
    assert IngestFailure.objects.get().code == "svg_picture"


def test_pictures_are_not_fetched_when_they_are_turned_off(picture_server, settings):
    settings.INGEST_FETCH_IMAGES = False
    url = serve(picture_server, "/photo.jpg", picture("JPEG"), "image/jpeg")

    page = article(ingest_article(with_picture(url), section=make_section()))

    assert page.lead_image is None and hits(picture_server, "/photo.jpg") == 0


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
