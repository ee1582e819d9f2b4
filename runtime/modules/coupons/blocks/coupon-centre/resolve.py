"""coupon-centre: every claimable coupon as a card (shared with the strip: one query per
page); the shopper's claimed state comes from the coupons API."""

from __future__ import annotations

from typing import Any

from runtime.modules.coupons.blocks import cards_for


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    return cards_for(batch, ctx, lambda inst: inst.settings["limit"])
