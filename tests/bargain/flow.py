"""Helpers for the bargain tests: a shop with a running bargain on one SKU, members who
launch and cut through the API, buyers who quote and submit through the real checkout with
``activity`` and pay through the WeChat Pay simulator, and read-backs of launches and stock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.modules.bargain import activities
from runtime.modules.bargain.models import BargainActivity, BargainCut, BargainLaunch
from tests.aftersales.flow import buyer, in_shop, read, sku_of
from tests.groupbuy.flow import notify_paid, quote_raw
from tests.orders.flow import Shopper


def setup(app, factory, shop, *, price_fen: int = 10000, **rules: Any) -> tuple[Any, Any]:
    """The module on and a running bargain (10000 -> 3000 in 5 cuts, 24 h, stock 5);
    returns (activity, sku)."""
    factory.module_on(shop, "bargain")
    sku = sku_of(factory, shop, factory.product(shop, "砍价商品", price_fen=price_fen, stock=20))
    data = {"title": "好友帮砍", "sku_id": sku.id, "start_price_fen": price_fen,
            "floor_price_fen": 3000, "helpers_needed": 5, "stock": 5,
            "starts_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=7)).isoformat(), **rules}
    return in_shop(app, factory, shop, activities.create_activity, data), sku


def people(app, client, factory, shop, *names: str) -> list[Shopper]:
    return [buyer(app, client, factory, shop, name) for name in names]


def launch(person: Shopper, activity: Any, expect: int | None = 201) -> Any:
    return person.call("POST", "/bargain/launches", {"activity_id": activity.id}, expect)


def help_cut(person: Shopper, launch_id: int, expect: int | None = 201) -> Any:
    return person.call("POST", f"/bargain/launches/{launch_id}/help", None, expect)


def ref(launch_id: int) -> dict[str, Any]:
    return {"kind": "bargain", "id": launch_id}


def quote_launch(person: Shopper, sku: Any, launch_id: int) -> Any:
    return quote_raw(person, source="items", items=[{"sku_id": sku.id, "qty": 1}],
                     activity=ref(launch_id))


def order_launch(person: Shopper, sku: Any, launch_id: int) -> dict[str, Any]:
    """Quote and submit the launch's order (unpaid)."""
    quote = person.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}],
                         activity=ref(launch_id))
    return person.submit(quote["quote_id"]).json


def paid(app, person: Shopper, sku: Any, launch_id: int) -> dict[str, Any]:
    order = order_launch(person, sku, launch_id)
    person.pay(order["id"])
    assert notify_paid(app, order).accepted
    return person.order(order["id"])


def launch_row(factory, shop, launch_id: int) -> BargainLaunch:
    return read(factory, shop, lambda s: s.get(BargainLaunch, launch_id))


def cuts(factory, shop, launch_id: int) -> list[int]:
    return read(factory, shop, lambda s: list(s.scalars(select(BargainCut.amount_fen).where(
        BargainCut.launch_id == launch_id).order_by(BargainCut.id))))


def stock(factory, shop, activity: Any) -> int:
    return read(factory, shop, lambda s: s.get(BargainActivity, activity.id).stock)


__all__ = ["buyer", "in_shop", "read", "sku_of"]
