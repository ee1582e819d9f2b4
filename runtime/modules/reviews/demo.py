"""Demo data of the reviews module: switched on, and a few demo shoppers who bought demo
products (checkout with same-city delivery and cash on delivery, dispatched and handed
over: the orders complete through the real flow) and reviewed them through the service;
the merchant replied to one and pinned another, and one delivered line is left to review
(the mini-program's review page fixtures use it). Idempotent: nothing is added once the
demo shoppers exist."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.shops.models import Shop

SHOPPERS = [
    ("demo-reviewer-1", "林小夏", False, [(5, "做工精致，和图片一样，物流两天就到了，很满意！"),
                                         (4, "整体不错，包装有点简单。")]),
    ("demo-reviewer-2", "陈一一", True, [(5, "第二次回购了，品质稳定，推荐。")]),  # 1 of 2
    ("demo-reviewer-3", "王大锤", False, [(2, "尺码偏小，建议拍大一号。"),
                                         (5, "到店自提很方便，店员很热情。")]),
]
ADDRESS = {"name": "演示买家", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园南区 2 号", "adcode": "440305",
           "latitude": 22.5401, "longitude": 113.9405}
REPLY = "感谢您的反馈！尺码表已在详情页更新，如需换货请联系客服。"


def seed_demo_reviews(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "reviews"):
        switches.enable(session, "reviews")
    from runtime.modules.members.service import login_by_openid

    first = login_by_openid(session, SHOPPERS[0][0])
    if not first.created:
        return
    skus = _demo_skus(session, 2)
    if len(skus) < 2 or not _local_delivery_on(session):
        return
    reviews = []
    for openid, nickname, anonymous, texts in SHOPPERS:
        member = login_by_openid(session, openid).member
        member.nickname = nickname
        order, lines = _bought_and_delivered(session, shop, member.id, skus,
                                             key=f"demo-review-{openid}")
        reviews += [_review(session, member.id, order.id, line.id, stars, text, anonymous)
                    for line, (stars, text) in zip(lines, texts, strict=False)]
    from runtime.modules.reviews import service

    bad = next(r for r in reviews if r.stars <= 2)
    service.reply(session, bad.id, {"reply": REPLY})
    service.set_pinned(session, reviews[0].id, True)


def _demo_skus(session: Session, n: int) -> list[Any]:
    """A SKU in stock of each of the first ``n`` products on sale that have specs (the
    shop's default order: what the product pages show first)."""
    from runtime.modules.catalog.products import product_skus
    from runtime.modules.catalog.queries import ProductFilter, list_products

    skus = []
    for product in list_products(session, ProductFilter(), limit=20).items:
        choices = product_skus(session, product.id)
        sku = next((s for s in choices if s.stock > 0), None)
        if sku is not None and product.specs and len(choices) > 1:
            skus.append(sku)
        if len(skus) == n:
            break
    return skus


def _local_delivery_on(session: Session) -> bool:
    """The fulfilment demo's same-city delivery and cash on delivery are there."""
    from runtime.modules.fulfilment.service import get_local_delivery
    from runtime.modules.orders.settings import get_settings

    settings = get_settings(session)
    return bool(settings.allow_local and settings.allow_cod and get_local_delivery(session))


def _bought_and_delivered(session: Session, shop: Shop, member_id: int, skus: list[Any],
                          key: str) -> tuple[Any, list[Any]]:
    """Checkout (same-city delivery near the demo store, cash on delivery), dispatched and
    handed over: the order completes, and ``order_completed`` opens its lines for review."""
    from runtime.modules.fulfilment.shipping import dispatch_local, mark_delivered
    from runtime.modules.orders import checkout
    from runtime.modules.orders.addresses import create_address
    from runtime.modules.orders.paying import pay_order
    from runtime.modules.orders.service import order_lines
    from runtime.modules.orders.state import Actor
    from runtime.modules.payments.service import PayContext

    address = create_address(session, member_id, ADDRESS)
    _priced, quote = checkout.create_quote(session, member_id, {
        "source": "items", "items": [{"sku_id": s.id, "qty": 1} for s in skus],
        "fulfilment": "local", "address_id": address.id})
    order = checkout.submit(session, member_id, quote.token, key, source="h5").order
    pay_order(session, order.id, "cod", PayContext(shop_id=shop.id, member_id=member_id))
    staff = Actor.merchant(None, "演示店员")
    dispatch_local(session, order.id, courier_name="李师傅", courier_phone="13900000000",
                   actor=staff)
    mark_delivered(session, order.id, staff)
    return order, order_lines(session, [order.id])[order.id]


def _review(session: Session, member_id: int, order_id: int, line_id: int, stars: int,
            text: str, anonymous: bool) -> Any:
    from runtime.modules.reviews import service

    return service.write_review(session, member_id, {
        "order_id": order_id, "line_id": line_id, "stars": stars, "content": text,
        "anonymous": anonymous})
