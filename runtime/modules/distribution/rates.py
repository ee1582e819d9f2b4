"""Per-product and per-SKU commission rates (商品单独佣金), edited in the console.

A row is ``percent`` of the line's base (0-100, two decimals) or ``fixed`` fen per unit
(whole fen), for level 1 and level 2; a SKU's row wins over its product's, and both win over
the distributor's level and the shop's rates (:func:`commissions.rates_for`). Saving the same
product / SKU again replaces its row; commissions already recorded keep their rate.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.errors import NotFound
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog.products import get_product, get_sku
from runtime.modules.distribution.models import ProductRate

MODES = ("percent", "fixed")
FIXED_MAX_FEN = 10**9


def _whole(value: Any) -> int | None:
    """An id or a whole number: an int, or a string of digits (a form's field)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        return int(value.strip())
    return None


def _value(errors: FieldErrors, data: dict[str, Any], key: str, mode: Any) -> Decimal:
    raw = data.get(key)
    if mode == "fixed":
        fen = _whole(raw)
        if fen is None or fen > FIXED_MAX_FEN:
            errors.add(f"/{key}", f"whole fen per unit, 0 to {FIXED_MAX_FEN}", "range")
            return Decimal(0)
        return Decimal(fen)
    try:
        value = Decimal(str(raw)) if isinstance(raw, int | float | str) \
            and not isinstance(raw, bool) else Decimal("nan")
        if not value.is_finite() or not 0 <= value <= 100 \
                or value != value.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors.add(f"/{key}", "a percentage from 0 to 100 with at most 2 decimals", "range")
        return Decimal(0)
    return value


def save_rate(session: Session, data: dict[str, Any]) -> ProductRate:
    """Set a product's (``sku_id`` absent or empty) or one of its SKUs' own rate; each bad
    field is a 422 naming it."""
    errors = FieldErrors()
    errors.unknown(data, ("product_id", "sku_id", "mode", "level1_value", "level2_value"))
    product_id = _whole(data.get("product_id"))
    if product_id is None:
        errors.add("/product_id", "a product id", "type")
    else:
        try:
            get_product(session, product_id)
        except NotFound:
            errors.add("/product_id", "no such product", "not_found")
    sku_id = None
    if data.get("sku_id") not in (None, ""):
        sku_id = _whole(data.get("sku_id"))
        try:
            if sku_id is None or get_sku(session, sku_id).product_id != product_id:
                raise NotFound("not this product's SKU")
        except NotFound:
            errors.add("/sku_id", "a SKU of this product", "not_found")
    mode = data.get("mode")
    if mode not in MODES:
        errors.add("/mode", "percent or fixed", "enum")
    level1 = _value(errors, data, "level1_value", mode)
    level2 = _value(errors, data, "level2_value", mode)
    errors.raise_if_any()
    row = session.scalar(select(ProductRate).where(ProductRate.product_id == product_id,
                                                   ProductRate.sku_id.is_(None) if sku_id is None
                                                   else ProductRate.sku_id == sku_id))
    if row is None:
        row = ProductRate(product_id=product_id, sku_id=sku_id)
        session.add(row)
    row.mode, row.level1_value, row.level2_value = mode, level1, level2
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another request saved the same product / SKU just now
        errors.add("/sku_id" if sku_id else "/product_id", "saved by someone else; try again",
                   "conflict")
        errors.raise_if_any()
    return row


def delete_rate(session: Session, rate_id: Any) -> None:
    row = session.get(ProductRate, rate_id) if _whole(rate_id) is not None else None
    if row is None:
        raise NotFound("no such rate")
    session.delete(row)
    session.flush()


def list_rates(session: Session, limit: int = 200) -> list[ProductRate]:
    return list(session.scalars(select(ProductRate).order_by(
        ProductRate.product_id, ProductRate.sku_id.is_not(None), ProductRate.sku_id)
        .limit(limit)))


def rate_dict(row: ProductRate) -> dict[str, Any]:
    return {"id": row.id, "product_id": row.product_id, "sku_id": row.sku_id,
            "mode": row.mode, "level1_value": str(row.level1_value),
            "level2_value": str(row.level2_value)}
