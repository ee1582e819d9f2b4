"""Orders' own pricing step; the pipeline itself is :mod:`runtime.pricing`."""

from __future__ import annotations

from runtime.pricing import PricingState


class CouponCheck:
    """A chosen coupon must have been applied by a coupon step (a later module); otherwise
    the buyer is told rather than silently charged the full price."""

    name = "coupon_check"
    position = 990

    def apply(self, state: PricingState) -> None:
        coupon = state.request.coupon_id
        if coupon is not None and not any(a.source == f"coupon:{coupon}"
                                          for a in state.adjustments):
            state.error("/coupon_id", "this coupon cannot be used for this order",
                        "coupon_unavailable")


COUPON_CHECK = CouponCheck()
