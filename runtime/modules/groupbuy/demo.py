"""Demo data of the group buy: switched on, a 3人团 (模拟成团 at 60 %) on the first demo
product in stock, and one open group a demo shopper leads: bought through the real checkout
with ``activity`` and cash on delivery (the fulfilment demo's same-city delivery), so its
payment opened the group. Idempotent: nothing is added once the activity exists."""

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

LEADER = ("demo-groupbuy-leader", "团长小美")
ADDRESS = {"name": "演示团长", "phone": "13800138001", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园南区 3 号", "adcode": "440305",
           "latitude": 22.5401, "longitude": 113.9405}


def seed_demo(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "groupbuy"):
        switches.enable(session, "groupbuy")
    if session.scalar(select(GroupbuyActivity.id).limit(1)) is not None:
        return
    sku = session.scalar(select(Sku).join(Product, Product.id == Sku.product_id).where(
        Product.deleted_at.is_(None), Product.status == "on_sale", Sku.retired_at.is_(None),
        Sku.stock >= 10, Sku.price_fen >= 200).order_by(Product.id, Sku.id).limit(1))
    if sku is None:
        return
    now = utcnow()
    activity = activities.create_activity(session, {
        "title": "3人拼团 限时特惠", "product_id": sku.product_id, "group_size": 3,
        "valid_hours": 24, "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(), "virtual_enabled": True,
        "virtual_min_pct": 60, "per_user_limit": 2,
        "skus": [{"sku_id": sku.id, "group_price_fen": sku.price_fen * 8 // 10,
                  "leader_price_fen": sku.price_fen * 7 // 10, "stock": min(sku.stock, 50)}]})
    _open_demo_group(session, shop, activity.id, sku.id)


def _open_demo_group(session: Session, shop: Shop, activity_id: int, sku_id: int) -> None:
    """The demo leader buys through checkout (same-city delivery, cash on delivery): the
    order's acceptance opens the group, as a payment would."""
    from runtime.modules.members.service import login_by_openid
    from runtime.modules.orders import checkout
    from runtime.modules.orders.addresses import create_address
    from runtime.modules.orders.paying import pay_order
    from runtime.modules.orders.settings import get_settings
    from runtime.modules.payments.service import PayContext

    settings = get_settings(session)
    if not (settings.allow_local and settings.allow_cod):
        return
    member = login_by_openid(session, LEADER[0]).member
    member.nickname = LEADER[1]
    address = create_address(session, member.id, ADDRESS)
    _priced, quote = checkout.create_quote(session, member.id, {
        "source": "items", "items": [{"sku_id": sku_id, "qty": 1}], "fulfilment": "local",
        "address_id": address.id, "activity": {"kind": "groupbuy", "id": activity_id}})
    order = checkout.submit(session, member.id, quote.token, "demo-groupbuy-leader",
                            source="h5").order
    pay_order(session, order.id, "cod", PayContext(shop_id=shop.id, member_id=member.id))
