"""coupon-strip: the claimable coupons as cards (one query for every strip and coupon
centre on the page); whether the shopper has claimed them comes from the coupons API."""

from __future__ import annotations

from typing import Any

from runtime.modules.coupons.blocks import cards_for


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    return cards_for(batch, ctx, lambda inst: inst.settings["limit"])
