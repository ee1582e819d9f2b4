"""Building seckill fixtures through the real services: the worked example of
docs/modules/seckill.md (slots 10:00-12:00 and 12:00-14:00 in Shanghai, an activity on
2026-12-05..06, one SKU at 99.00 sold at 59.00)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from runtime.db import use_shop
from runtime.modules.seckill import service

SH = ZoneInfo("Asia/Shanghai")


def at(clock: Any, *args: int) -> datetime:
    moment = datetime(*args, tzinfo=SH)
    clock.freeze(moment)
    return moment


def sku_of(session: Any, product_id: int) -> int:
    from sqlalchemy import select

    from runtime.modules.catalog.models import Sku

    return session.scalar(select(Sku.id).where(Sku.product_id == product_id))


def example(app: Any, factory: Any, shop: Any, *, stock: int = 100, sku_stock: int = 120,
            per_order: int = 1, per_user: int = 2, price_fen: int = 9900,
            seckill_price_fen: int = 5900) -> dict[str, Any]:
    """The module on, two slots, one product and the activity; ids to use in the test."""
    factory.module_on(shop, "seckill")
    product = factory.product(shop, "秒杀商品", price_fen=price_fen, stock=sku_stock)
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        ten = service.save_slot(s, {"name": "10点场", "start": "10:00", "end": "12:00"})
        noon = service.save_slot(s, {"name": "12点场", "start": "12:00", "end": "14:00"})
        sku_id = sku_of(s, product.id)
        view = service.save_activity(s, {
            "title": "周末秒杀", "starts_on": "2026-12-05", "ends_on": "2026-12-06",
            "slot_ids": [ten.id, noon.id],
            "skus": [{"sku_id": sku_id, "seckill_price_fen": seckill_price_fen,
                      "stock": stock, "per_order_limit": per_order,
                      "per_user_limit": per_user}]})
        s.commit()
        return {"activity_id": view.activity.id, "sku_id": sku_id, "product_id": product.id,
                "slots": (ten.id, noon.id)}


def state_of(app: Any, shop: Any, activity_id: int, sku_id: int) -> dict[str, Any]:
    """The activity SKU in both stores: database left, gate left (None: not loaded), units
    held by open/paid orders (less partial refunds), the catalog's stock and the orders counted."""
    from sqlalchemy import func, select

    from runtime.modules.catalog.models import Sku
    from runtime.modules.seckill import gate
    from runtime.modules.seckill.models import SeckillOrder, SeckillSku

    mk = app.extensions["mallkit"]
    with mk.session_factory() as s:
        use_shop(s, shop.id)
        row = s.scalar(select(SeckillSku).where(SeckillSku.activity_id == activity_id,
                                                SeckillSku.sku_id == sku_id))
        held = s.scalar(select(func.coalesce(func.sum(SeckillOrder.qty
                                                      - SeckillOrder.released_qty), 0))
                        .where(SeckillOrder.seckill_sku_id == row.id,
                               SeckillOrder.stock_released.is_(False)))
        orders = s.scalar(select(func.count()).select_from(SeckillOrder)
                          .where(SeckillOrder.seckill_sku_id == row.id))
        catalog = s.get(Sku, sku_id).stock
        left = row.stock
    gate_left, _buyers = gate.gate_state(mk.redis, shop.id, activity_id, sku_id)
    return {"db": left, "gate": gate_left, "held": held, "orders": orders, "catalog": catalog}


def run_order_job(app: Any, shop: Any, ticket: str) -> str:
    from runtime.modules.seckill.jobs import create_order_job

    with app.app_context():
        return create_order_job(shop.id, ticket)


def place(buyer: Any, ids: dict[str, Any], qty: int = 1, expect: int = 202) -> Any:
    """The buyer's token and order attempt through the API."""
    token = buyer.call("GET", f"/seckill/activities/{ids['activity_id']}/token").json["token"]
    return buyer.call("POST", "/seckill/orders", {"activity_id": ids["activity_id"],
                                                  "sku_id": ids["sku_id"], "qty": qty,
                                                  "token": token}, expect)
