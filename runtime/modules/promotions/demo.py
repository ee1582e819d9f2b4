"""Demo data of promotions: the banner's 全场满 199 减 30 as a running full reduction, and a
limited-time discount (八折) on the two newest SKUs, so the demo shows both at work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules import switches
from runtime.modules.catalog.models import Sku
from runtime.modules.promotions import service
from runtime.modules.promotions.models import FullReduction, LimitedDiscount
from runtime.shops.models import Shop

FULL_REDUCTION_NAME = "全场满199减30"
DISCOUNT_NAME = "新品限时八折"


def seed_demo_promotions(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, service.MODULE):
        switches.enable(session, service.MODULE)
    now = utcnow().replace(microsecond=0)
    window = {"starts_at": (now - timedelta(days=1)).isoformat(),
              "ends_at": (now + timedelta(days=365)).isoformat()}
    if session.scalar(select(FullReduction.id).where(
            FullReduction.name == FULL_REDUCTION_NAME)) is None:
        service.save_full_reduction(session, {
            "name": FULL_REDUCTION_NAME, **window, "condition": "amount", "scope": "all",
            "tiers": [{"threshold": 19900, "discount_fen": 3000}]})
    if session.scalar(select(LimitedDiscount.id).where(
            LimitedDiscount.name == DISCOUNT_NAME)) is None:
        skus = list(session.scalars(select(Sku).where(Sku.retired_at.is_(None))
                                    .order_by(Sku.id.desc()).limit(2)))
        if skus:
            service.save_discount(session, {
                "name": DISCOUNT_NAME, "tag": "限时八折", **window,
                "items": [{"sku_id": s.id, "mode": "percent", "value": 80} for s in skus]})
