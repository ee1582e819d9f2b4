"""Helpers for the group-buy tests: a shop with a 3人团 on one product, buyers who quote and
submit through the real checkout with ``activity`` and pay through the WeChat Pay simulator,
and read-backs of groups, activity stock and refunds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.modules.groupbuy import activities
from runtime.modules.groupbuy.models import GroupbuyGroup, GroupbuyOrder, GroupbuySku
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport
from tests.aftersales.flow import buyer, in_shop, read, sku_of
from tests.orders.flow import Shopper


def setup(app, factory, shop, *, price_fen: int = 6900, stock: int = 10,
          **rules: Any) -> tuple[Any, Any]:
    """The module on and an activity on a new product; returns (activity, sku)."""
    factory.module_on(shop, "groupbuy")
    sku = sku_of(factory, shop, factory.product(shop, "拼团商品", price_fen=price_fen,
                                                stock=stock))
    data = {"title": "3人团", "product_id": sku.product_id, "group_size": 3,
            "valid_hours": 24, "starts_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "ends_at": (utcnow() + timedelta(days=7)).isoformat(),
            "skus": [{"sku_id": sku.id, "group_price_fen": 5900, "leader_price_fen": 4900,
                      "stock": 5}], **rules}
    activity = in_shop(app, factory, shop, activities.create_activity, data)
    return activity, sku


def ref(activity: Any, group_id: int | None = None) -> dict[str, Any]:
    return {"kind": "groupbuy", "id": activity.id, "group_id": group_id}


def order_for(person: Shopper, activity: Any, sku: Any, group_id: int | None = None,
              qty: int = 1) -> dict[str, Any]:
    """Quote and submit a group-buy order (unpaid)."""
    quote = person.quote(source="items", items=[{"sku_id": sku.id, "qty": qty}],
                         activity=ref(activity, group_id))
    return person.submit(quote["quote_id"]).json


def quote_raw(person: Shopper, **body: Any) -> Any:
    """The quote's response, whatever its status."""
    return person.call("POST", "/checkout/quote", body, None)


def notify_paid(app, order: dict[str, Any]) -> Any:
    with app.app_context():
        return WechatPaySimulator.for_app(app).send_payment_notification(
            order["order_no"], transport=AppTransport(app))


def paid(app, person: Shopper, activity: Any, sku: Any, group_id: int | None = None
         ) -> dict[str, Any]:
    """A group-buy order paid with WeChat Pay (the simulator's notification)."""
    order = order_for(person, activity, sku, group_id)
    person.pay(order["id"])
    assert notify_paid(app, order).accepted
    return person.order(order["id"])


def people(app, client, factory, shop, *names: str) -> list[Shopper]:
    return [buyer(app, client, factory, shop, name) for name in names]


def group_of(factory, shop, order_id: int) -> GroupbuyGroup | None:
    def get(s):
        row = s.scalar(select(GroupbuyOrder).where(GroupbuyOrder.order_id == order_id))
        return s.get(GroupbuyGroup, row.group_id) if row and row.group_id else None
    return read(factory, shop, get)


def group(factory, shop, group_id: int) -> GroupbuyGroup:
    return read(factory, shop, lambda s: s.get(GroupbuyGroup, group_id))


def row_of(factory, shop, order_id: int) -> GroupbuyOrder:
    return read(factory, shop, lambda s: s.scalar(
        select(GroupbuyOrder).where(GroupbuyOrder.order_id == order_id)))


def activity_stock(factory, shop, activity: Any, sku: Any) -> int:
    return read(factory, shop, lambda s: s.scalar(select(GroupbuySku.stock).where(
        GroupbuySku.activity_id == activity.id, GroupbuySku.sku_id == sku.id)))


__all__ = ["buyer", "in_shop", "read", "sku_of"]
