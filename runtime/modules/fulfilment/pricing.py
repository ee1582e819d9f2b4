"""The shipping step of the pricing pipeline: the fee of the chosen fulfilment method."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import (
    FulfilmentMethod,
    PricingRequest,
    PricingState,
    ShippingCharge,
    ShippingPlan,
)


class Shipping:
    """The fee of the chosen method, computed on the goods after discounts; waived when an
    earlier step says so (``state.free_shipping_by``, e.g. a member level)."""

    name = "shipping"
    position = 800

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> ShippingPlan:
        """``ctx``: the delivery ``address`` snapshot and the chosen ``pickup_point_id``
        (404 ``pickup_point_not_found`` for an unknown one)."""
        from runtime.modules.fulfilment import service

        address = ctx.get("address")
        point = None
        if request.fulfilment == FulfilmentMethod.PICKUP and ctx.get("pickup_point_id"):
            point = service.get_pickup_point(session, ctx["pickup_point_id"])
        fee = service.shipping_calculator(session, request.fulfilment, address, point,
                                          [line.product_id for line in request.lines])
        return ShippingPlan(fee, service.pickup_point_dict(point) if point else None)

    def apply(self, state: PricingState) -> None:
        plan: ShippingPlan | None = state.data.get(self.name)
        charge = plan.fee(state) if plan is not None else ShippingCharge()
        if charge.available and charge.fee_fen and state.free_shipping_by:
            charge = ShippingCharge(0, True, "", {**charge.detail, "waived_fee_fen":
                                                  charge.fee_fen,
                                                  "waived_by": state.free_shipping_by})
        if not charge.available:
            state.error("/fulfilment", charge.reason or "this fulfilment method is not "
                        "available for the order", "fulfilment_unavailable")
        state.shipping = charge


SHIPPING = Shipping()
