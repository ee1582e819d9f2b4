"""Which media assets the catalog shows, so the media library refuses to delete them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.media.service import Reference
from runtime.modules.catalog.models import Category, Product, Sku


def _ids(*refs: Any) -> set[int]:
    found: set[int] = set()
    for ref in refs:
        if isinstance(ref, dict) and isinstance(ref.get("media_id"), int):
            found.add(ref["media_id"])
    return found


def find_media_references(session: Session, asset_ids: list[int]) -> dict[int, list[Reference]]:
    wanted = set(asset_ids)
    found: dict[int, list[Reference]] = {}

    def note(ids: set[int], reference: Reference) -> None:
        for asset_id in ids & wanted:
            found.setdefault(asset_id, []).append(reference)

    for pid, title, images, video in session.execute(
            select(Product.id, Product.title, Product.images, Product.video)
            .where(Product.deleted_at.is_(None))):
        note(_ids(*(images or []), video), Reference("product", pid, f"商品 {title}"))
    for sid, _pid, image, title in session.execute(
            select(Sku.id, Sku.product_id, Sku.image, Product.title)
            .join(Product, Product.id == Sku.product_id)
            .where(Sku.image.is_not(None), Sku.retired_at.is_(None),
                   Product.deleted_at.is_(None))):
        note(_ids(image), Reference("sku", sid, f"商品 {title} 的规格图 (SKU {sid})"))
    for cid, name, icon, image in session.execute(
            select(Category.id, Category.name, Category.icon, Category.image)):
        note(_ids(icon, image), Reference("category", cid, f"分类 {name}"))
    return found
