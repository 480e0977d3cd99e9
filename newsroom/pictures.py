"""How a picture leaves the site: the renditions shown, shared, described and syndicated.

Readers' pages get a `<picture>` in AVIF, WebP and JPEG at the widths of one of the
`READER_PICTURES` (through the `responsive_picture` tag, which renders Wagtail's own
`Picture`): only the widths the original can give, plus the original's own width when it
falls short of the largest, because Wagtail never enlarges, and two candidates of one width
make an invalid `srcset` and a wasted AVIF encoding (issue #14). Other programs get absolute
URLs on the site's root (as canonical URLs are):

- search engines, in the NewsArticle JSON-LD: 16:9, 4:3 and 1:1 crops 1200 pixels wide, as
  Google asks, each only when the original is large enough to fill it; a smaller original
  gives the one rendition it can fill, rather than no picture;
- social networks (`og:image`, `twitter:image`): one 1200 × 630 crop;
- feed readers (RSS enclosure and Media RSS): one 16:9 crop with its byte length.

All in JPEG, the one format every consumer reads. `every_spec` lists them all, for the
task that makes a new picture's renditions before a reader asks (`newsroom.tasks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin

if TYPE_CHECKING:
    from wagtail.images.models import Filter

    from newsroom.models import NewsImage

WIDE = 1200  # Google: "at least 1200 pixels wide" for Discover and large previews
# (filter spec, width / height) for schema.org `image`, widest first.
STRUCTURED_DATA_CROPS = (
    ("fill-1200x675|format-jpeg", 16 / 9),
    ("fill-1200x900|format-jpeg", 4 / 3),
    ("fill-1200x1200|format-jpeg", 1.0),
)
STRUCTURED_DATA_FALLBACK = "max-1200x1200|format-jpeg"
SHARE_FILTER = "fill-1200x630|format-jpeg"
FEED_FILTER = "fill-1200x675|format-jpeg"
JPEG = "image/jpeg"
READER_FORMATS = ("avif", "webp", "jpeg")  # best first; JPEG is the fallback <img>


@dataclass(frozen=True)
class ReaderPicture:
    """Where a picture shows on readers' pages: the widths offered and the shape kept."""

    widths: tuple[int, ...]
    crop: float | None = None  # width / height to fill, or None for the picture's own shape


READER_PICTURES = {
    "article": ReaderPicture((480, 800, 1200)),  # the lead image above the body
    "lead_card": ReaderPicture((480, 800, 1200), crop=16 / 9),  # la une's lead story
    "card": ReaderPicture((320, 640), crop=16 / 9),  # every other card, in grids and lists
}


@dataclass(frozen=True)
class SharedPicture:
    """One rendition as another program fetches it."""

    url: str  # absolute
    width: int
    height: int
    alt: str
    credit: str
    mime_type: str = JPEG
    length: int | None = None  # bytes, when the consumer wants it (feeds)


def picture_specs(image: NewsImage, place: ReaderPicture) -> list[str]:
    """Wagtail filter specs of `image` for `place`, in every reader format, smallest first."""
    widths, crop = place.widths, place.crop
    largest = image.width if crop is None else int(min(image.width, image.height * crop))
    usable = [width for width in sorted(set(widths)) if width <= largest]
    if largest < max(widths) and largest not in usable:
        usable.append(largest)
    sizes = [
        f"width-{width}" if crop is None else f"fill-{width}x{max(1, round(width / crop))}"
        for width in usable
    ]
    return [f"format-{name}|{size}" for name in READER_FORMATS for size in sizes]


@lru_cache(maxsize=256)
def reader_filter(spec: str) -> Filter:
    """Wagtail's `Filter` for `spec`, made once per process.

    Why (issue #15): a Filter reads the image-operation hooks and parses its spec the first
    time it is used, and Wagtail makes a new one for every spec of every picture of every
    render: 7 % of an article page rebuilt whole. A Filter keeps nothing of the images it
    is used on. Their focal points enter the rendition's key each time it is looked up.
    """
    from wagtail.images.models import Filter  # not at import: the models import this

    return Filter(spec=spec)


def reader_filters(specs: list[str]) -> list[Filter]:
    return [reader_filter(spec) for spec in specs]


def every_spec(image: NewsImage) -> list[str]:
    """Every rendition the site serves of `image`: readers' pages, sharing, search, feeds."""
    specs = [spec for place in READER_PICTURES.values() for spec in picture_specs(image, place)]
    crops = [spec for spec, ratio in STRUCTURED_DATA_CROPS if fills(image, ratio)]
    specs += [*(crops or [STRUCTURED_DATA_FALLBACK]), SHARE_FILTER, FEED_FILTER]
    return list(dict.fromkeys(specs))


def absolute_url(url: str, root_url: str) -> str:
    """`url` on the site's root, unless it is absolute already (media on a CDN)."""
    return urljoin(root_url.rstrip("/") + "/", url) if root_url else url


def fills(image: NewsImage, ratio: float) -> bool:
    """Whether `image` holds a crop of `ratio` (width / height) at least WIDE pixels wide."""
    return min(image.width, image.height * ratio) >= WIDE


def structured_data_urls(image: NewsImage, root_url: str) -> list[str]:
    """The NewsArticle `image` list: each crop the original fills, or the one it can."""
    specs = [spec for spec, ratio in STRUCTURED_DATA_CROPS if fills(image, ratio)]
    renditions = image.get_renditions(*reader_filters(specs or [STRUCTURED_DATA_FALLBACK]))
    return [absolute_url(rendition.url, root_url) for rendition in renditions.values()]


def shared_picture(
    image: NewsImage, root_url: str, *, filter_spec: str = SHARE_FILTER, with_length: bool = False
) -> SharedPicture:
    """One rendition of `image` for `og:image`, or (with its length) for a feed."""
    # get_renditions, not get_rendition: the singular writes its result back to the cache
    # even when it came from the renditions prefetched with the image (a file write a page).
    rendition = image.get_renditions(reader_filter(filter_spec))[filter_spec]
    return SharedPicture(
        url=absolute_url(rendition.url, root_url),
        width=rendition.width,
        height=rendition.height,
        alt=image.default_alt_text,
        credit=image.credit,
        length=rendition.file.size if with_length else None,
    )
