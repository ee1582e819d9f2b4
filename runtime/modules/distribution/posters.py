"""Share posters (海报): a PNG drawn with Pillow — the shop's name, the product's title and
price (or the shop alone), and a segno QR code of the H5 link carrying ``from=<code>`` —
in Noto Sans CJK (Debian's ``fonts-noto-cjk``). Cached on disk per distributor and product
under ``DATA_DIR/posters/<shop>/``; the file name hashes what is drawn, so a new price or
title draws a new poster."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import urlencode

import segno
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import NotFound
from runtime.modules.catalog.models import Product
from runtime.modules.distribution.service import ErrorCode, distributor_of
from runtime.shops.models import Shop

FONT_PATHS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
WIDTH, HEIGHT = 750, 1100
VERSION = "1"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def share_link(base_url: str, shop_slug: str, code: str, product_id: int | None) -> str:
    """The H5 address a poster's QR code opens (the mini-program's share path carries the
    same ``from``)."""
    if product_id is None:
        return f"{base_url}/s/{shop_slug}/?{urlencode({'from': code})}"
    return f"{base_url}/s/{shop_slug}/pages/product?{urlencode({'id': product_id, 'from': code})}"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if draw.textlength(current + ch, font=font) > width:  # type: ignore[arg-type]
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current else lines


def draw_poster(shop_name: str, title: str, price_text: str, link: str, code: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 120), fill="#e4393c")
    draw.text((40, 36), shop_name[:24], fill="white", font=_font(44))
    y = 180
    for line in _wrap(draw, title, _font(40), WIDTH - 80)[:3]:
        draw.text((40, y), line, fill="#222222", font=_font(40))
        y += 56
    if price_text:
        draw.text((40, y + 10), price_text, fill="#e4393c", font=_font(52))
    qr = segno.make(link, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    code_image = Image.open(buffer).convert("RGB").resize((360, 360))
    image.paste(code_image, ((WIDTH - 360) // 2, 560))
    note = f"长按识别二维码 · 推荐码 {code}"
    draw.text(((WIDTH - draw.textlength(note, font=_font(30))) // 2, 950), note,
              fill="#666666", font=_font(30))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def poster_png(session: Session, member_id: int, product_id: int | None, *,
               base_url: str) -> bytes:
    """The member's poster of ``product_id`` (None: the shop), drawn once and cached."""
    from runtime.extension import state

    distributor = distributor_of(session, member_id)
    if distributor is None:
        raise NotFound("not a distributor of this shop", code=ErrorCode.NOT_DISTRIBUTOR)
    shop_id = current_shop_id(session)
    shop = session.get(Shop, shop_id)
    assert shop is not None
    title, price_text = shop.name, ""
    if product_id is not None:
        product = session.get(Product, product_id)
        if product is None or product.deleted_at is not None:
            raise NotFound("no such product")
        title = product.title
        price_text = f"¥{product.min_price_fen / 100:.2f}"
    link = share_link(base_url, shop.slug, distributor.code, product_id)
    digest = hashlib.sha256("|".join([VERSION, shop.name, title, price_text, link])
                            .encode()).hexdigest()[:16]
    folder = Path(state().settings.data_dir) / "posters" / str(shop_id)
    path = folder / f"{member_id}-{product_id or 'shop'}-{digest}.png"
    if path.exists():
        return path.read_bytes()
    data = draw_poster(shop.name, title, price_text, link, distributor.code)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{member_id}-{product_id or 'shop'}-*.png"):
        old.unlink(missing_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data
