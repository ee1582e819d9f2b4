"""The points mall's pricing step (activity price, position 50): an order naming
``activity: {kind: "pointsmall", id: <item id>}`` pays the item's cash price instead of the
SKU's price (one adjustment ``pointsmall:<item id>`` for the difference, with the points in
its ``meta``) and, by the shop's setting, ships free. The points themselves are taken when
the order is created (:mod:`.hooks`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.errors import NotFound, ValidationFailed
from runtime.pricing import ActivityRef, PricingRequest, PricingState

KIND = "pointsmall"


@dataclass(frozen=True)
class ExchangeOffer:
    """What ``prepare`` checked and ``apply`` prices with: per unit."""

    item_id: int
    sku_id: int
    points: int
    cash_fen: int
    free_shipping: bool


@dataclass(frozen=True)
class QuotedExchange:
    item_id: int
    points: int | None  # None: the quote carried no adjustment (cash price = SKU price)


def _exchange_of(activity: ActivityRef | None) -> ActivityRef | None:
    return activity if activity is not None and activity.kind == KIND else None


def source_of(item_id: int) -> str:
    return f"{KIND}:{item_id}"


def quoted_exchange(submission: Any) -> QuotedExchange | None:
    """The exchange a submitted checkout orders (its item and the points quoted), or None
    for any other order."""
    activity = _exchange_of(submission.input.activity)
    if activity is None:
        return None
    source = source_of(activity.id)
    points = next((int(a.meta["points"]) for a in submission.quote.adjustments
                   if a.source == source and "points" in a.meta), None)
    return QuotedExchange(activity.id, points)


class PointsMallStep:
    name = KIND
    position = 50

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> ExchangeOffer | None:
        from runtime.modules.pointsmall import service
        from runtime.modules.pointsmall.settings import pointsmall_settings

        activity = _exchange_of(request.activity)
        if activity is None:
            return None
        try:
            item = service.get_item(session, activity.id)
        except NotFound:
            raise ValidationFailed.single("/activity/id", f"no points-mall item {activity.id}",
                                          "activity_unavailable") from None
        line = request.lines[0]
        if line.sku_id != item.sku_id:
            raise ValidationFailed.single("/items/0/sku_id",
                                          "not the SKU of this points-mall item",
                                          "activity_sku_mismatch")
        service.check_offer(session, item, request.member_id, line.qty)
        return ExchangeOffer(item.id, item.sku_id, item.points, item.cash_fen,
                             pointsmall_settings(session).free_shipping)

    def apply(self, state: PricingState) -> None:
        offer: ExchangeOffer | None = state.data.get(self.name)
        if offer is None:
            return
        line = state.lines[0]
        points = offer.points * line.qty
        source = source_of(offer.item_id)
        state.add_adjustment(source, f"积分兑换 ({points} 积分)",
                             line.total_fen - offer.cash_fen * line.qty, lines=[line.key],
                             meta={"points": points, "item_id": offer.item_id})
        state.activity_priced_by = source
        if offer.free_shipping:
            state.free_shipping_by = self.name


POINTSMALL = PointsMallStep()
