"""Helpers for the coupons tests: templates made through the service, claims and quotes
through the real API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.coupons import templates
from runtime.modules.coupons.models import CouponEvent, MemberCoupon
from tests.aftersales.flow import in_shop


def template(app, factory, shop, **values: Any) -> int:
    """A coupon template (defaults: 满100减10, 7 days, unlimited, one per member)."""
    body = {"name": "满100减10", "kind": "amount", "amount_fen": 1000,
            "min_spend_fen": 10000, **values}
    return in_shop(app, factory, shop, lambda s: templates.create_template(s, body).id)


def claim(person, template_id: int, expect: int = 201) -> Any:
    return person.call("POST", f"/coupons/{template_id}/claim", None, expect).json


def member_coupon(factory, shop, coupon_id: int) -> MemberCoupon:
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.scalar(select(MemberCoupon).where(MemberCoupon.id == coupon_id))


def events(factory, shop, coupon_id: int) -> list[str]:
    with factory._session() as s:
        use_shop(s, shop.id)
        return list(s.scalars(select(CouponEvent.kind).where(
            CouponEvent.member_coupon_id == coupon_id).order_by(CouponEvent.id)))


def items(*pairs: tuple[int, int]) -> dict[str, Any]:
    return {"source": "items", "items": [{"sku_id": s, "qty": n} for s, n in pairs]}
