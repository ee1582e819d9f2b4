"""The cart's error codes (what problem+json ``code`` says)."""

from __future__ import annotations

from enum import StrEnum


class CartErrorCode(StrEnum):
    CART_LINE_NOT_FOUND = "cart_line_not_found"
    LINE_UNAVAILABLE = "line_unavailable"  # the SKU cannot be bought (off shelf, sold out)
