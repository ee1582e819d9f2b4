"""Demo data of the seckill module: a slot running now (and one later today) and an
activity on two demo products, so a fresh demo shows a live seckill (slot tabs, countdown,
sold progress)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules import switches
from runtime.modules.catalog.models import Sku
from runtime.modules.seckill import service
from runtime.modules.seckill.models import SeckillActivity
from runtime.shops.models import Shop
from runtime.shoptime import zone_of


def seed_demo_seckill(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "seckill"):
        switches.enable(session, "seckill")
    if session.scalar(select(SeckillActivity.id).limit(1)) is not None:
        return
    now = utcnow().astimezone(zone_of(shop))
    hour = now.hour
    running = service.save_slot(session, {"name": f"{hour:02d}:00场", "start": f"{hour:02d}:00",
                                          "end": "24:00" if hour == 23 else f"{hour + 1:02d}:00"})
    later_hour = (hour + 2) % 24
    slot_ids = [running.id]
    if later_hour > hour + 1:
        later = service.save_slot(session, {"name": f"{later_hour:02d}:00场",
                                            "start": f"{later_hour:02d}:00",
                                            "end": f"{later_hour + 1:02d}:00"})
        slot_ids.append(later.id)
    skus = list(session.scalars(select(Sku).where(Sku.retired_at.is_(None), Sku.stock >= 20,
                                                  Sku.price_fen >= 200)
                                .order_by(Sku.id).limit(2)))
    if not skus:
        return
    today = now.date()
    service.save_activity(session, {
        "title": "限时秒杀", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(), "slot_ids": slot_ids,
        "skus": [{"sku_id": sku.id, "seckill_price_fen": sku.price_fen // 2,
                  "stock": min(20, sku.stock), "per_order_limit": 1, "per_user_limit": 2}
                 for sku in skus]})
