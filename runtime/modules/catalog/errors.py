"""The catalog's error codes and the stock error the order module catches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from runtime.errors import Conflict, NotFound


class CatalogErrorCode(StrEnum):
    PRODUCT_NOT_FOUND = "product_not_found"
    SKU_NOT_FOUND = "sku_not_found"
    CATEGORY_NOT_FOUND = "category_not_found"
    GROUP_NOT_FOUND = "group_not_found"
    TAG_NOT_FOUND = "tag_not_found"
    INSUFFICIENT_STOCK = "insufficient_stock"
    SKU_RETIRED = "sku_retired"
    RESERVATION_NOT_FOUND = "reservation_not_found"
    RESERVATION_KEY_REUSED = "reservation_key_reused"
    RESERVATION_RELEASED = "reservation_released"
    RESERVATION_COMMITTED = "reservation_committed"
    CATEGORY_IN_USE = "category_in_use"
    CODE_TAKEN = "code_taken"


def not_found(what: str, ident: object, code: CatalogErrorCode) -> NotFound:
    return NotFound(f"no {what} {ident}", code=code.value)


@dataclass(frozen=True)
class ShortLine:
    sku_id: int
    requested: int
    available: int

    def as_dict(self) -> dict[str, int]:
        return {"sku_id": self.sku_id, "requested": self.requested, "available": self.available}


class InsufficientStock(Conflict):
    """One error naming every SKU that cannot cover its line."""

    code = CatalogErrorCode.INSUFFICIENT_STOCK.value
    title = "Insufficient stock"

    def __init__(self, lines: Sequence[ShortLine]) -> None:
        self.lines = list(lines)
        ids = ", ".join(str(line.sku_id) for line in self.lines)
        super().__init__(f"not enough stock for SKU {ids}",
                         extra={"skus": [line.as_dict() for line in self.lines]})

    @property
    def sku_ids(self) -> list[int]:
        return [line.sku_id for line in self.lines]
