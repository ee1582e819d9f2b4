"""Orders' own pricing step; the pipeline itself is :mod:`runtime.pricing`."""

from __future__ import annotations

from runtime.modules.orders.errors import OrderErrorCode
from runtime.pricing import PricingState


class CouponCheck:
    """A chosen coupon must have been applied by a coupon step (the coupons module, which
    names its own reason when it refuses one); otherwise the buyer is told rather than
    silently charged the full price."""

    name = "coupon_check"
    position = 990

    def apply(self, state: PricingState) -> None:
        coupon = state.request.coupon_id
        if coupon is not None and not any(a.source == f"coupon:{coupon}"
                                          for a in state.adjustments) \
                and not any(e.pointer == "/coupon_id" for e in state.errors):
            state.error("/coupon_id", "this coupon cannot be used for this order",
                        "coupon_unavailable")


COUPON_CHECK = CouponCheck()


class ActivityCheck:
    """An order bought through an activity must have been priced by that activity's module;
    otherwise (an unknown kind, or its module is off in this shop) the buyer is told rather
    than charged the everyday price."""

    name = "activity_check"
    position = 991

    def apply(self, state: PricingState) -> None:
        if state.is_activity_order and not state.activity_priced_by:
            state.error("/activity", "this activity is not available",
                        OrderErrorCode.ACTIVITY_UNAVAILABLE.value)


ACTIVITY_CHECK = ActivityCheck()
