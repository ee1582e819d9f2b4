"""Demo data of the group buy: switched on, a 3人团 on the first product with a SKU, and one
open group a demo member leads (opened through a paid group-buy order row, as payment would)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules import switches
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.groupbuy import activities
from runtime.modules.groupbuy.models import GroupbuyActivity
from runtime.shops.models import Shop


def seed_demo(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "groupbuy"):
        switches.enable(session, "groupbuy")
    if session.scalar(select(GroupbuyActivity.id).limit(1)) is not None:
        return
    sku = session.scalar(select(Sku).join(Product, Product.id == Sku.product_id).where(
        Product.deleted_at.is_(None), Sku.retired_at.is_(None), Sku.stock >= 10,
        Sku.price_fen >= 200).order_by(Sku.id).limit(1))
    if sku is None:
        return
    now = utcnow()
    activities.create_activity(session, {
        "title": "3人拼团 限时特惠", "product_id": sku.product_id, "group_size": 3,
        "valid_hours": 24, "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(), "virtual_enabled": True,
        "virtual_min_pct": 60, "per_user_limit": 2,
        "skus": [{"sku_id": sku.id, "group_price_fen": sku.price_fen * 8 // 10,
                  "leader_price_fen": sku.price_fen * 7 // 10, "stock": min(sku.stock, 50)}]})
