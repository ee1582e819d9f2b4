"""The seckill pricing step (position 50): an order naming a seckill activity pays the
seckill price while the activity runs, as ONE adjustment with source ``seckill:<id>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.pricing import PricingRequest, PricingState

KIND = "seckill"


@dataclass(frozen=True)
class SeckillPrice:
    activity_id: int
    sku_id: int
    price_fen: int
    pay_within_minutes: int


class SeckillStep:
    """``prepare`` loads the activity and refuses what the quote can already tell (409 not
    started / ended, 422 over the per-order limit); ``apply`` takes the difference off and
    gives the order the activity's time to pay (its unpaid timeout)."""

    name = "seckill"
    position = 50

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> SeckillPrice | None:
        from runtime.errors import NotFound
        from runtime.modules.seckill.errors import SeckillErrorCode, SeckillInvalid
        from runtime.modules.seckill.service import get_activity, refuse_unless_running, zone

        activity = request.activity
        if activity is None or activity.kind != KIND:
            return None
        try:
            view = get_activity(session, activity.id)
        except NotFound:
            raise ValidationFailed.single("/activity/id", "no such seckill activity",
                                          "activity_unavailable") from None
        line = request.lines[0]
        row = view.sku(line.sku_id)
        if row is None:
            raise ValidationFailed.single("/items/0/sku_id", "this SKU is not in the activity",
                                          "activity_unavailable")
        refuse_unless_running(view.timing(zone(session)))
        if line.qty > row.per_order_limit:
            raise SeckillInvalid(f"at most {row.per_order_limit} per order",
                                 code=SeckillErrorCode.ORDER_LIMIT,
                                 extra={"errors": [{"pointer": "/items/0/qty", "code": "range",
                                                    "message": f"at most {row.per_order_limit}"
                                                               " per order"}]})
        return SeckillPrice(view.activity.id, row.sku_id, row.seckill_price_fen,
                            view.activity.unpaid_timeout_minutes)

    def apply(self, state: PricingState) -> None:
        price: SeckillPrice | None = state.data.get(self.name)
        if price is None:
            return
        line = state.lines[0]
        source = f"{KIND}:{price.activity_id}"
        state.add_adjustment(source, "秒杀价",
                             max(line.unit_price_fen - price.price_fen, 0) * line.qty,
                             lines=[line.key], meta={"seckill_price_fen": price.price_fen})
        state.activity_priced_by = source
        state.pay_within_minutes = price.pay_within_minutes


SECKILL = SeckillStep()
