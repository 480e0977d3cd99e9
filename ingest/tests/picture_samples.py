"""What the picture tests share: real pictures, hostile bytes, and the partner's item."""

import io
import struct
import zlib

from PIL import Image as PILImage
from PIL import ImageDraw

from newsroom.article import Image
from newsroom.models import ArticlePage

from .test_ingest_service import dispatch

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


def serve(server, path, body, content_type):
    server.expect_request(path).respond_with_data(body, content_type=content_type)
    return server.url_for(path)


def hits(server, path):
    return sum(request.path == path for request, _response in server.log)


def with_picture(url, **changes):
    return dispatch(images=(Image(url=url, caption=CAPTION, credit=CREDIT),), **changes)


def article(outcome):
    return ArticlePage.objects.select_related("lead_image").get(pk=outcome.article.pk)
