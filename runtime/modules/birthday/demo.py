"""Demo data of the birthday module: switched on, giving the demo's 无门槛5元券 on the
birthday (coupons' demo templates are seeded first: the module requires coupons)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.modules.coupons.models import CouponTemplate
from runtime.shops.models import Shop

DEMO_TEMPLATE = "无门槛5元券"


def seed_demo_birthday(session: Session, shop: Shop) -> None:
    if switches.is_enabled(session, "birthday"):
        return
    template_id = session.scalar(select(CouponTemplate.id)
                                 .where(CouponTemplate.name == DEMO_TEMPLATE))
    switches.enable(session, "birthday",
                    {"coupon_template_ids": [template_id] if template_id else []})
