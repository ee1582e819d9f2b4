"""The share card of a group (分享海报): a PNG with the product, the group price, the seats
left and a QR code of the group's page (segno), drawn with Pillow in a CJK font when the
system has one (fonts-noto-cjk), else Pillow's own font."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from PIL import Image, ImageDraw, ImageFont

from runtime.money import fen_text

WIDTH, HEIGHT = 600, 800
FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def render(*, title: str, price_fen: int, badge: str, seats_left: int, url: str,
           share_title: str) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 120), fill="#ee0a24")
    draw.text((32, 36), share_title, font=_font(34), fill="#ffffff")
    draw.text((32, 160), title[:18], font=_font(32), fill="#323233")
    draw.text((32, 220), f"{badge}  拼团价 ¥{fen_text(price_fen)}", font=_font(30),
              fill="#ee0a24")
    draw.text((32, 280), f"还差 {seats_left} 人成团" if seats_left else "已成团",
              font=_font(28), fill="#646566")
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").resize((300, 300))
    image.paste(code, ((WIDTH - 300) // 2, 380))
    draw.text((WIDTH // 2 - 120, 700), "长按识别二维码参团", font=_font(24), fill="#969799")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
