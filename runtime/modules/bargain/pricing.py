"""The bargain's pricing step (activity price, position 50): an order naming
``activity: {kind: "bargain", id: <launch id>}`` pays the launch's current price instead of
the SKU's (one adjustment ``bargain:<launch id>``, the price in its ``meta``); the order's
other discounts stay out. Stock and the launch are taken when the order is created."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import ActivityRef, PricingRequest, PricingState

KIND = "bargain"


@dataclass(frozen=True)
class BargainPrice:
    launch_id: int
    unit_price_fen: int


def _launch_of(activity: ActivityRef | None) -> ActivityRef | None:
    return activity if activity is not None and activity.kind == KIND else None


def quoted_price(submission: Any) -> tuple[int, int | None] | None:
    """(launch id, the unit price quoted) of a submitted bargain order, or None."""
    ref = _launch_of(submission.input.activity)
    if ref is None:
        return None
    source = f"{KIND}:{ref.id}"
    price = next((int(a.meta["unit_price_fen"]) for a in submission.quote.adjustments
                  if a.source == source and "unit_price_fen" in a.meta), None)
    return ref.id, price


class BargainStep:
    name = KIND
    position = 50

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> BargainPrice | None:
        from runtime.modules.bargain import launches

        ref = _launch_of(request.activity)
        if ref is None or len(request.lines) != 1:
            return None
        line = request.lines[0]
        row = launches.offer(session, ref.id, request.member_id, line.sku_id, line.qty)
        return BargainPrice(row.id, row.price_fen)

    def apply(self, state: PricingState) -> None:
        price: BargainPrice | None = state.data.get(self.name)
        if price is None:
            return
        line = state.lines[0]
        source = f"{KIND}:{price.launch_id}"
        amount = max(line.unit_price_fen - price.unit_price_fen, 0) * line.qty
        state.add_adjustment(source, "砍价", amount, lines=[line.key],
                             meta={"unit_price_fen": price.unit_price_fen,
                                   "launch_id": price.launch_id})
        state.activity_priced_by = source


BARGAIN = BargainStep()
