"""The points mall's error codes."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, NotFound


class PointsMallErrorCode(StrEnum):
    ITEM_NOT_FOUND = "pointsmall_item_not_found"
    SOLD_OUT = "exchange_sold_out"
    LIMIT_REACHED = "exchange_limit_reached"
    ITEM_IN_USE = "pointsmall_item_in_use"
    SKU_TAKEN = "pointsmall_sku_taken"
    QUOTE_CHANGED = "quote_changed"


def item_not_found(item_id: object) -> NotFound:
    return NotFound(f"no points-mall item {item_id}",
                    code=PointsMallErrorCode.ITEM_NOT_FOUND.value)


class ExchangeSoldOut(Conflict):
    code = PointsMallErrorCode.SOLD_OUT.value
    title = "Sold out in the points mall"

    def __init__(self, item_id: int, requested: int, available: int) -> None:
        super().__init__(f"{requested} wanted, {available} left to exchange",
                         extra={"item_id": item_id, "requested": requested,
                                "available": available})
