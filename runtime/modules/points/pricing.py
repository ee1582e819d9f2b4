"""The points deduction step (积分抵扣) of the pricing pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import AdjustmentKind, PricingRequest, PricingState


@dataclass(frozen=True)
class PointsOffer:
    """The buyer's points and the shop's deduction rule: ``points_per_yuan`` points are worth
    100 fen, at most ``max_percent`` % of the goods after discounts."""

    balance: int
    points_per_yuan: int = 100
    max_percent: int = 50
    enabled: bool = True


class PointsDeduction:
    """Up to ``max_percent`` % of the goods after discounts, within the balance; the points
    are taken when the order is created (``hooks.order_created``)."""

    name = "points"
    position = 900

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> PointsOffer | None:
        from runtime.modules.points.service import deduction_offer

        if not request.use_points or request.member_id is None or request.activity:
            return None
        offer = deduction_offer(session, request.member_id)
        return PointsOffer(balance=offer.balance, points_per_yuan=offer.points_per_yuan,
                           max_percent=offer.max_percent, enabled=offer.enabled)

    def apply(self, state: PricingState) -> None:
        offer: PointsOffer | None = state.data.get(self.name)
        if not state.request.use_points or state.is_activity_order:
            return
        if offer is None or not offer.enabled or offer.points_per_yuan <= 0:
            state.error("/use_points", "points deduction is not available", "points_unavailable")
            return
        eligible = state.goods_payable_fen
        cap = eligible * offer.max_percent // 100
        by_balance = offer.balance * 100 // offer.points_per_yuan
        amount = min(cap, by_balance, eligible)
        if amount <= 0:
            return
        points = -(-amount * offer.points_per_yuan // 100)  # ceil: never undercharge points
        applied = state.add_adjustment(self.name, f"积分抵扣 ({points} 积分)", amount,
                                       kind=AdjustmentKind.POINTS, meta={"points": points})
        if applied is not None:
            state.points_used = points


POINTS = PointsDeduction()
