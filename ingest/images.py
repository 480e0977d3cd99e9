"""Partner pictures: downloaded through the safe fetcher, checked, stored as `NewsImage`s.

An adapter only names an item's pictures (`ExtractedArticle.images`); this module turns them
into pictures of the library, the first of which becomes the article's lead image (issue #14).

Two steps, because a download must not hold the database:

- `fetch_pictures(item)` runs *before* the article's transaction (``ingest_article`` calls it
  first): it looks each URL up in the library (a picture ingested before is reused, never
  downloaded again), downloads the others through `ingest.fetch.fetch` (the same SSRF policy,
  every redirect checked again, one deadline, the body capped at INGEST_IMAGE_MAX_BYTES while
  it streams) and checks them. Nothing is written. We chose this over a task queued after
  commit so that an article is never published without its picture and then published again
  with it: the alert, the feed entry and the first share carry the picture.
- `store_pictures(pictures)` runs inside it (`create_article`, and the update paths of
  `ingest.services` and `ingest.updates`): one row and one file per new picture.

A picture is refused by what its bytes are, never by its extension: the first bytes must be
JPEG, PNG, GIF, WebP or AVIF and agree with the declared Content-Type (an absent or
``application/octet-stream`` type declares nothing); SVG is refused whatever it holds, since
Wagtail would serve it to readers as it came; its dimensions, read from the header alone,
must stay under INGEST_IMAGE_MAX_PIXELS before anything is decoded (a 30000 × 30000 PNG of a
few kilobytes is a decompression bomb), and over INGEST_IMAGE_MIN_SIDE (a tracking pixel is
no picture); then the first frame is decoded whole, so a truncated file fails here rather
than on a reader's page. A refusal is a `PictureRefused` the caller records; it never stops
the article.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from ingest.exceptions import (
    FetchError,
    NotAPicture,
    PictureRefused,
    PictureTooLarge,
    PictureTooManyPixels,
    PictureTooSmall,
    PictureTypeMismatch,
    PictureUnavailable,
    PictureUnreadable,
    ResponseTooLarge,
    SVGPicture,
)
from ingest.fetch import fetch
from ingest.fetch.targets import shown
from ingest.models import IngestFailure, SourceFeed
from newsroom.article import ExtractedArticle, Image
from newsroom.models import NewsImage
from newsroom.models.images import CAPTION_MAX_CHARS, CREDIT_MAX_CHARS, SOURCE_URL_MAX_CHARS

logger = logging.getLogger(__name__)

# What we store, as (Pillow's format name, file extension, MIME type).
ACCEPTED_FORMATS = {
    "jpeg": ("JPEG", "jpg", "image/jpeg"),
    "png": ("PNG", "png", "image/png"),
    "gif": ("GIF", "gif", "image/gif"),
    "webp": ("WEBP", "webp", "image/webp"),
    "avif": ("AVIF", "avif", "image/avif"),
}
DECLARED_TYPES = {
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "image/x-png": "png",
    "image/apng": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/svg+xml": "svg",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
}
UNDECLARED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# What the bytes are, as a refusal says it to the editor.
CONTENT_NAMES = {
    "jpeg": _("a JPEG picture"),
    "png": _("a PNG picture"),
    "gif": _("a GIF picture"),
    "webp": _("a WebP picture"),
    "avif": _("an AVIF picture"),
    "svg": _("an SVG drawing"),
    "html": _("an HTML page"),
    "pdf": _("a PDF document"),
    None: _("content of an unknown kind"),
}
ACCEPT_HEADER = "image/avif,image/webp,image/jpeg,image/png,image/gif;q=0.9"
AVIF_BRANDS = frozenset({b"avif", b"avis"})
_POSSIBLY_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
# What Pillow's decoders raise on damaged bytes (found by mutating valid files: the AVIF
# decoder raises RuntimeError, some plugins struct.error).
# Pixel formats Wagtail's renditions can be made from; 16-bit and float ones ("I;16", "I",
# "F": a 16-bit greyscale PNG) fail at the first JPEG rendition, on a reader's page.
RENDERABLE_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"})  # each one tried
DAMAGED_FILE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, RuntimeError, struct.error)


@dataclass(frozen=True)
class CheckedPicture:
    """What the bytes of an accepted picture are."""

    format: str  # a key of ACCEPTED_FORMATS
    width: int
    height: int


@dataclass(frozen=True)
class FetchedPicture:
    """A picture that passed every check, or one the library holds already (`stored_id`)."""

    image: Image  # the partner's URL, caption and credit
    content: bytes = b""
    checked: CheckedPicture | None = None
    stored_id: int | None = None


@dataclass(frozen=True)
class PartnerPictures:
    """An item's pictures in its order, and the ones refused with why."""

    pictures: tuple[FetchedPicture, ...] = ()
    refusals: tuple[PictureRefused, ...] = ()


NO_PICTURES = PartnerPictures()


# Fetching ----------------------------------------------------------------------------------
def fetch_pictures(item: ExtractedArticle) -> PartnerPictures:
    """The first INGEST_IMAGES_PER_ARTICLE pictures of `item`, held, downloaded or refused.

    Writes nothing, so it runs before the article's transaction. Off when
    INGEST_FETCH_IMAGES is false (the test settings, but for the picture tests).
    """
    if not getattr(settings, "INGEST_FETCH_IMAGES", True):
        return NO_PICTURES
    limit = getattr(settings, "INGEST_IMAGES_PER_ARTICLE", 4)
    pictures: list[FetchedPicture] = []
    refusals: list[PictureRefused] = []
    seen: set[str] = set()
    for image in item.images:
        if not image.url or image.url in seen or len(seen) >= limit:
            continue
        seen.add(image.url)
        stored = NewsImage.objects.filter(source_url=image.url[:SOURCE_URL_MAX_CHARS]).first()
        if stored is not None:
            pictures.append(FetchedPicture(image=image, stored_id=stored.pk))
            continue
        try:
            pictures.append(download_picture(image))
        except PictureRefused as refusal:
            refusals.append(refusal)
    return PartnerPictures(tuple(pictures), tuple(refusals))


def download_picture(image: Image) -> FetchedPicture:
    """`image` downloaded and checked; raise a PictureRefused saying why not."""
    limit = getattr(settings, "INGEST_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
    url = shown(image.url)
    try:
        document = fetch(image.url, accept=ACCEPT_HEADER, max_bytes=limit)
    except ResponseTooLarge as error:
        raise PictureTooLarge(url=url, limit=limit) from error
    except FetchError as error:
        raise PictureUnavailable(url=url, reason=error.message) from error
    checked = check_picture(document.content, declared=document.content_type, url=url)
    return FetchedPicture(image=image, content=document.content, checked=checked)


# Checking ----------------------------------------------------------------------------------
def sniff(content: bytes) -> str | None:
    """What the first bytes say the content is: a key of CONTENT_NAMES, None if unknown."""
    head = content[:1024]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and _avif_brands(head) & AVIF_BRANDS:
        return "avif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _POSSIBLY_MARKUP.match(head):
        lowered = head.lower()
        if b"<svg" in lowered:
            return "svg"
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return "html"
    return None


def _avif_brands(head: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO-BMFF `ftyp` box (AVIF, HEIF, MP4…)."""
    size = int.from_bytes(head[:4], "big")
    end = min(max(size, 16), len(head))
    return {head[8:12], *(head[offset : offset + 4] for offset in range(16, end - 3, 4))}


def declared_type(content_type: str) -> str | None:
    """The Content-Type header as a CONTENT_NAMES key, the bare MIME type if unknown, or
    None when it declares nothing."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in UNDECLARED_TYPES:
        return None
    return DECLARED_TYPES.get(mime, mime)


def check_picture(content: bytes, *, declared: str, url: str) -> CheckedPicture:
    """The format and size of `content`; raise a PictureRefused saying why it is no picture.

    `declared` is the Content-Type the server sent; `url` names the picture in messages.
    """
    found = sniff(content)
    claimed = declared_type(declared)
    if found == "svg" or claimed == "svg":
        raise SVGPicture(url=url)
    if found not in ACCEPTED_FORMATS:
        declared_as = declared or _("no type at all")
        raise NotAPicture(url=url, found=CONTENT_NAMES[found], declared=declared_as)
    if claimed is not None and claimed != found:
        raise PictureTypeMismatch(url=url, declared=declared, found=CONTENT_NAMES[found])
    pillow_format = ACCEPTED_FORMATS[found][0]
    max_pixels = getattr(settings, "INGEST_IMAGE_MAX_PIXELS", 40_000_000)
    try:
        with warnings.catch_warnings():
            # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice that, at open.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(content), formats=[pillow_format]) as picture:
                width, height = picture.size  # read from the header: nothing decoded yet
                if width * height > max_pixels:
                    raise PictureTooManyPixels(
                        url=url, pixels=f"{width} × {height}", limit=max_pixels
                    )
                _check_sides(width, height, url=url)
                picture.load()  # the first frame, whole: a truncated file fails here
                mode = picture.mode
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        raise PictureTooManyPixels(
            url=url, pixels=pixels.group(1) if pixels else "?", limit=max_pixels
        ) from error
    except (UnidentifiedImageError, *DAMAGED_FILE_ERRORS) as error:
        reason = str(error)[:200] or type(error).__name__
        raise PictureUnreadable(url=url, format=pillow_format, reason=reason) from error
    if mode not in RENDERABLE_MODES:
        raise PictureUnreadable(
            url=url,
            format=pillow_format,
            reason=_("its pixel format (%(mode)s) cannot be made into web pictures")
            % {"mode": mode},
        )
    return CheckedPicture(format=found, width=width, height=height)


def _check_sides(width: int, height: int, *, url: str) -> None:
    smallest = getattr(settings, "INGEST_IMAGE_MIN_SIDE", 100)
    if min(width, height) < smallest:
        raise PictureTooSmall(url=url, width=width, height=height, limit=smallest)


def record_refusals(
    pictures: PartnerPictures, *, item: ExtractedArticle, feed: SourceFeed | None
) -> list[str]:
    """Keep each refused picture under Ingest failures; the warnings that report them."""
    warnings = []
    for refusal in pictures.refusals:
        IngestFailure.objects.create(
            feed=feed,
            location=str(refusal.params.get("url", ""))[:1000],
            item=(item.guid or item.title)[:500],
            code=refusal.code,
            message=refusal.message,
        )
        logger.warning("Picture refused (%s): %s", refusal.code, refusal.message)
        warnings.append(f"picture left out ({refusal.code}): {refusal.message}")
    return warnings


# Storing -----------------------------------------------------------------------------------
def store_pictures(pictures: PartnerPictures, *, title: str) -> list[NewsImage]:
    """The library's pictures for `pictures`, in order, storing the new ones.

    Inside the article's transaction: one row and one file per picture, nothing fetched. A
    picture stored meanwhile by another worker (same URL) is the one returned.
    """
    stored = []
    for picture in pictures.pictures:
        image = store_picture(picture, title=title)
        if image is not None:
            stored.append(image)
    return stored


def store_picture(picture: FetchedPicture, *, title: str) -> NewsImage | None:
    """One picture of the library; None if a held picture has since been deleted."""
    source_url = picture.image.url[:SOURCE_URL_MAX_CHARS]
    if picture.stored_id is not None:
        return NewsImage.objects.filter(pk=picture.stored_id).first()
    if picture.checked is None:
        raise ValueError("an unchecked picture cannot be stored")
    if source_url:
        held = NewsImage.objects.filter(source_url=source_url).first()
        if held is not None:
            return held
    image = NewsImage(
        title=(picture.image.caption or title)[:255] or "Image",
        caption=picture.image.caption[:CAPTION_MAX_CHARS],
        credit=picture.image.credit[:CREDIT_MAX_CHARS],
        source_url=source_url,
        file_size=len(picture.content),
        file_hash=hashlib.sha1(picture.content, usedforsecurity=False).hexdigest(),
    )
    image.file.save(
        file_name(picture.image.url, picture.checked.format, title),
        ContentFile(picture.content),
        save=False,
    )
    # What Pillow read when checking it; the field's own reading may not reopen the file.
    image.width, image.height = picture.checked.width, picture.checked.height
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        # Another worker stored the same partner URL between our look-up and our save.
        image.file.delete(save=False)
        return NewsImage.objects.get(source_url=source_url)
    return image


def file_name(url: str, format_name: str, title: str) -> str:
    """A file name for the library: the URL's (or the title's) words, and the extension of
    what the bytes are, whatever the URL said."""
    stem = PurePosixPath(urlsplit(url).path).stem if url else ""
    words = slugify(stem)[:60] or slugify(title)[:60] or "image"
    return f"{words}.{ACCEPTED_FORMATS[format_name][1]}"
