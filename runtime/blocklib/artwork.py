"""Banner artwork for the demo shop, drawn with Pillow (nothing is fetched).

Each picture is a gradient with a few simple illustrations on its right half; the left half is
left calm for the banner block's own title text. Drawn at twice the size and scaled down for
smooth edges; the same arguments always give the same bytes, so re-seeding finds the asset it
uploaded before.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 750, 375
SCALE = 2

RGB = tuple[int, int, int]


def hex_rgb(value: str) -> RGB:
    """``#rrggbb`` as an RGB tuple."""
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def gradient(size: tuple[int, int], start: str, end: str) -> Image.Image:
    """A diagonal gradient from the top-left ``start`` to the bottom-right ``end`` (the demo's
    artwork, article covers and live-room covers alike)."""
    down = Image.linear_gradient("L").resize(size)
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90) \
        .transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize(size)
    ramp = ImageChops.add(down, across, scale=2)
    return Image.composite(Image.new("RGB", size, hex_rgb(end)),
                           Image.new("RGB", size, hex_rgb(start)), ramp)


def _glow(canvas: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, ...],
          blur: int) -> None:
    """A soft blurred ellipse (blurred at a quarter of the size: it is smooth anyway)."""
    small = (canvas.width // 4, canvas.height // 4)
    layer = Image.new("RGBA", small, (0, 0, 0, 0))
    ImageDraw.Draw(layer).ellipse(tuple(v // 4 for v in box), fill=colour)
    layer = layer.filter(ImageFilter.GaussianBlur(blur / 4)).resize(canvas.size,
                                                                     Image.Resampling.BILINEAR)
    canvas.alpha_composite(layer)


def _s(*values: float) -> tuple[float, ...]:
    """Design coordinates (at 750×375) scaled to the drawing canvas."""
    return tuple(v * SCALE for v in values)


def _confetti(draw: ImageDraw.ImageDraw, points: list[tuple[int, int, int]],
              colour: tuple[int, ...]) -> None:
    for x, y, r in points:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _bags(canvas: Image.Image) -> None:
    """Two shopping bags and a price tag."""
    d = ImageDraw.Draw(canvas)
    d.rounded_rectangle(_s(470, 120, 630, 320), radius=18 * SCALE, fill=(255, 255, 255, 235))
    d.arc(_s(510, 70, 590, 170), 180, 360, fill=(255, 255, 255, 235), width=10 * SCALE)
    d.rounded_rectangle(_s(470, 150, 630, 168), radius=4 * SCALE, fill=(255, 214, 102, 255))
    d.rounded_rectangle(_s(585, 175, 705, 330), radius=16 * SCALE, fill=(255, 214, 102, 240))
    d.arc(_s(615, 138, 675, 215), 180, 360, fill=(255, 214, 102, 240), width=9 * SCALE)
    d.ellipse(_s(630, 235, 660, 265), fill=(255, 255, 255, 200))
    d.polygon([_s(430, 250), _s(480, 225), _s(500, 265), _s(450, 290)],
              fill=(255, 255, 255, 210))
    d.ellipse(_s(447, 247, 459, 259), fill=(255, 120, 90, 255))


def _gift(canvas: Image.Image) -> None:
    """A gift box with a bow, and a few stars."""
    d = ImageDraw.Draw(canvas)
    gold, light = (255, 209, 102, 255), (255, 236, 179, 255)
    d.rounded_rectangle(_s(500, 185, 680, 330), radius=10 * SCALE, fill=gold)
    d.rounded_rectangle(_s(485, 150, 695, 195), radius=10 * SCALE, fill=light)
    d.rectangle(_s(578, 150, 602, 330), fill=(255, 92, 122, 255))
    d.ellipse(_s(520, 95, 592, 155), outline=(255, 92, 122, 255), width=12 * SCALE)
    d.ellipse(_s(588, 95, 660, 155), outline=(255, 92, 122, 255), width=12 * SCALE)
    for cx, cy, r in ((455, 95, 16), (700, 90, 11), (440, 300, 9), (715, 250, 13)):
        pts = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.pi / 2 + i * math.pi / 5
            pts.append(_s(cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
        d.polygon(pts, fill=(255, 255, 255, 220))


def _fruit(canvas: Image.Image) -> None:
    """A lemon, an orange and an apple with a leaf."""
    d = ImageDraw.Draw(canvas)
    d.ellipse(_s(420, 235, 530, 310), fill=(255, 224, 61, 255))
    d.ellipse(_s(440, 248, 470, 266), fill=(255, 245, 180, 210))
    d.ellipse(_s(470, 140, 610, 280), fill=(255, 159, 26, 255))
    d.ellipse(_s(500, 160, 540, 195), fill=(255, 214, 140, 200))
    d.ellipse(_s(570, 175, 710, 315), fill=(245, 63, 63, 255))
    d.ellipse(_s(598, 197, 632, 225), fill=(255, 160, 160, 190))
    d.line(_s(640, 182, 648, 140), fill=(110, 70, 40, 255), width=7 * SCALE)
    d.chord(_s(648, 118, 718, 168), 150, 330, fill=(46, 160, 67, 255))
    d.chord(_s(648, 112, 718, 162), 330, 150, fill=(76, 190, 97, 255))


@dataclass(frozen=True)
class Banner:
    key: str
    start: str
    end: str
    draw: Callable[[Image.Image], None]
    glow: tuple[int, int, int, int]
    hints: str  # characters of a slide title this picture suits


BANNERS = {
    "new-season": Banner("new-season", "#ff4d4f", "#ff9a44", _bags, (255, 240, 200, 120),
                         "新品上市季购物"),
    "members": Banner("members", "#5b5bff", "#b06bff", _gift, (255, 220, 255, 110),
                      "会员礼专享新人福利"),
    "fresh": Banner("fresh", "#0fa968", "#8bdc65", _fruit, (240, 255, 200, 120),
                    "鲜果蔬产地直发到家"),
}


def banner_for(title: str, taken: set[str]) -> str:
    """The key of the untaken banner whose hints best match ``title`` (ties: listed first)."""
    free = [key for key in BANNERS if key not in taken] or list(BANNERS)
    return max(free, key=lambda key: sum(ch in BANNERS[key].hints for ch in title))


@functools.cache
def banner_png(key: str) -> bytes:
    """The PNG of one of :data:`BANNERS`."""
    spec = BANNERS[key]
    size = (WIDTH * SCALE, HEIGHT * SCALE)
    canvas = gradient(size, spec.start, spec.end).convert("RGBA")
    _glow(canvas, (1000, -200, 1700, 500), spec.glow, 80)
    _glow(canvas, (-300, 420, 500, 1100), (255, 255, 255, 50), 90)
    _confetti(ImageDraw.Draw(canvas),
              [(760, 110, 9), (820, 600, 6), (1430, 80, 7), (1330, 660, 10), (900, 300, 5)],
              (255, 255, 255, 150))
    spec.draw(canvas)
    out = canvas.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    out.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
