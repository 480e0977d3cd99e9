"""Pictures for the demo articles, drawn at load time (issue #14): nothing downloaded.

Abstract compositions only — a two-colour gradient crossed by bands, discs or a grid — with
no text, no photograph and no person in them. Each is drawn from its article's slug, so the
same slug always gets the same picture, and described in French by its caption, which is
what a blind reader hears (alt text). 1600 × 1200 pixels: large enough for every crop
search engines ask for (`newsroom.pictures`).
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

SIZE = (1600, 1200)
CREDIT = "Illustration Rotative"
# (French name, dark colour, light colour): the gradient's two ends.
PALETTES = (
    ("bleu nuit et sable", (18, 38, 72), (226, 196, 142)),
    ("vert olive et ivoire", (46, 64, 30), (236, 230, 200)),
    ("terre cuite et crème", (120, 48, 28), (242, 220, 190)),
    ("indigo et turquoise", (36, 30, 96), (96, 200, 196)),
    ("ardoise et ocre", (44, 52, 60), (214, 160, 60)),
    ("bordeaux et rose pâle", (92, 16, 40), (240, 196, 200)),
)
SHAPES = ("bandes obliques", "disques superposés", "grille de carrés")


@dataclass(frozen=True)
class DemoPicture:
    content: bytes  # JPEG
    caption: str
    credit: str = CREDIT


def demo_picture(slug: str) -> DemoPicture:
    """The picture of the demo article `slug`, the same every time."""
    seed = int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big")
    chance = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    palette_name, dark, light = chance.choice(PALETTES)
    shape = chance.choice(SHAPES)
    canvas = _gradient(dark, light, angle=chance.choice((0, 30, 60, 90, 120, 150)))
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    accent = tuple(255 - channel for channel in dark)
    if shape == "bandes obliques":
        _bands(draw, chance, light, accent)
    elif shape == "disques superposés":
        _discs(draw, chance, light, accent)
    else:
        _grid(draw, chance, light, accent)
    picture = Image.alpha_composite(canvas.convert("RGBA"), layer).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True)
    caption = f"Illustration abstraite : {shape} sur un dégradé {palette_name}."
    return DemoPicture(content=buffer.getvalue(), caption=caption)


def _gradient(
    dark: tuple[int, int, int], light: tuple[int, int, int], *, angle: int
) -> Image.Image:
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    side = min(ramp.size) // 2  # the middle of the rotated ramp has no empty corners
    centre = (ramp.size[0] // 2, ramp.size[1] // 2)
    ramp = ramp.crop(
        (centre[0] - side // 2, centre[1] - side // 2, centre[0] + side // 2, centre[1] + side // 2)
    )
    return ImageOps.colorize(ramp.resize(SIZE, Image.Resampling.BICUBIC), dark, light)


def _bands(draw: ImageDraw.ImageDraw, chance: random.Random, light: tuple, accent: tuple) -> None:
    width, height = SIZE
    for _ in range(chance.randint(5, 9)):
        start = chance.randint(-height, width)
        thickness = chance.randint(30, 160)
        colour = chance.choice((light, accent))
        draw.polygon(
            [
                (start, 0),
                (start + thickness, 0),
                (start + thickness + height, height),
                (start + height, height),
            ],
            fill=(*colour, chance.randint(60, 150)),
        )


def _discs(draw: ImageDraw.ImageDraw, chance: random.Random, light: tuple, accent: tuple) -> None:
    width, height = SIZE
    for _ in range(chance.randint(4, 8)):
        radius = chance.randint(80, 420)
        x, y = chance.randint(0, width), chance.randint(0, height)
        colour = chance.choice((light, accent))
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=(*colour, chance.randint(50, 140)),
        )


def _grid(draw: ImageDraw.ImageDraw, chance: random.Random, light: tuple, accent: tuple) -> None:
    step = chance.choice((100, 160, 200))
    margin = step // 5
    for x in range(0, SIZE[0], step):
        for y in range(0, SIZE[1], step):
            if chance.random() < 0.45:
                colour = chance.choice((light, accent))
                draw.rectangle(
                    [x + margin, y + margin, x + step - margin, y + step - margin],
                    fill=(*colour, chance.randint(40, 160)),
                )
