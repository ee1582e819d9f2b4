"""Bargain activities: the merchant's rules for one SKU, checked as one 422 naming every bad
field, and the activity stock taken and given back by conditional UPDATEs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.bargain.errors import not_found
from runtime.modules.bargain.models import BargainActivity
from runtime.modules.catalog.models import Product, Sku

FIELDS = ("title", "sku_id", "start_price_fen", "floor_price_fen", "helpers_needed",
          "launches_per_member", "valid_hours", "floor_only", "self_cut", "stock",
          "starts_at", "ends_at", "enabled")
DEFAULTS = {"launches_per_member": 1, "valid_hours": 24, "floor_only": False,
            "self_cut": True, "enabled": True}
MAX_FEN = 10**9


def _read(session: Session, data: Any, current: BargainActivity | None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed.single("", "an object", "type")
    base: dict[str, Any] = {} if current is None else {
        name: getattr(current, name) for name in FIELDS}
    if current is not None:
        base["starts_at"] = current.starts_at.isoformat()
        base["ends_at"] = current.ends_at.isoformat()
    merged = {**DEFAULTS, **base, **data}
    errors = FieldErrors()
    errors.unknown(data, FIELDS)
    clean: dict[str, Any] = {
        "title": errors.text(merged, "title", 60),
        "sku_id": errors.integer(merged, "sku_id", 1, 2**63 - 1),
        "start_price_fen": errors.integer(merged, "start_price_fen", 2, MAX_FEN),
        "floor_price_fen": errors.integer(merged, "floor_price_fen", 1, MAX_FEN),
        "helpers_needed": errors.integer(merged, "helpers_needed", 1, 100),
        "launches_per_member": errors.integer(merged, "launches_per_member", 0, 999),
        "valid_hours": errors.integer(merged, "valid_hours", 1, 720),
        "floor_only": errors.boolean(merged, "floor_only"),
        "self_cut": errors.boolean(merged, "self_cut"),
        "stock": errors.integer(merged, "stock", 0, 10**7),
        "starts_at": errors.moment(merged, "starts_at"),
        "ends_at": errors.moment(merged, "ends_at"),
        "enabled": errors.boolean(merged, "enabled"),
    }
    if clean["starts_at"] and clean["ends_at"]:
        errors.check(clean["starts_at"] < clean["ends_at"], "/ends_at", "after starts_at",
                     "order")
    start, floor, helpers = (clean["start_price_fen"], clean["floor_price_fen"],
                             clean["helpers_needed"])
    if start is not None and floor is not None and errors.check(
            floor < start, "/floor_price_fen", "below the start price", "range") \
            and helpers is not None:
        errors.check(start - floor >= helpers, "/helpers_needed",
                     f"at most {start - floor}: every cut takes at least 1 fen", "range")
    sku = session.get(Sku, clean["sku_id"]) if clean["sku_id"] is not None else None
    product = session.get(Product, sku.product_id) if sku is not None else None
    if clean["sku_id"] is not None and (sku is None or sku.retired_at is not None
                                        or product is None or product.deleted_at is not None):
        errors.add("/sku_id", "no such SKU in this shop", "not_found")
    elif sku is not None:
        if start is not None:
            errors.check(start <= sku.price_fen, "/start_price_fen",
                         f"at most the SKU's price, {sku.price_fen}", "range")
        if clean["stock"] is not None:
            errors.check(clean["stock"] <= sku.stock, "/stock",
                         f"at most the SKU's stock, {sku.stock}", "range")
        clean["product_id"] = sku.product_id
    errors.raise_if_any()
    return clean


def create_activity(session: Session, data: Any) -> BargainActivity:
    activity = BargainActivity(**_read(session, data, None))
    session.add(activity)
    session.flush()
    return activity


def update_activity(session: Session, activity_id: Any, data: Any) -> BargainActivity:
    """Change the keys given; launches already made keep the prices they started with."""
    activity = get_activity(session, activity_id)
    for name, value in _read(session, data, activity).items():
        setattr(activity, name, value)
    session.flush()
    return activity


def get_activity(session: Session, activity_id: Any) -> BargainActivity:
    activity = (session.get(BargainActivity, activity_id)
                if isinstance(activity_id, int) and not isinstance(activity_id, bool) else None)
    if activity is None:
        raise not_found("bargain activity", activity_id)
    return activity


def list_activities(session: Session, *, live_only: bool = False, limit: int = 50
                    ) -> list[BargainActivity]:
    query = select(BargainActivity)
    if live_only:
        now = utcnow()
        query = query.where(BargainActivity.enabled.is_(True),
                            BargainActivity.starts_at <= now, BargainActivity.ends_at > now)
    return list(session.scalars(query.order_by(BargainActivity.id.desc()).limit(limit)))


def window_state(activity: BargainActivity, now: datetime | None = None) -> str:
    """``not_started``, ``live`` or ``ended`` (switched off counts as ended)."""
    now = now or utcnow()
    if not activity.enabled or now >= activity.ends_at:
        return "ended"
    return "not_started" if now < activity.starts_at else "live"


def take_stock(session: Session, activity_id: int) -> bool:
    """Take one unit of the activity stock if any is left (one conditional UPDATE)."""
    result = session.execute(
        update(BargainActivity).where(BargainActivity.id == activity_id,
                                      BargainActivity.stock >= 1)
        .values(stock=BargainActivity.stock - 1).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def return_stock(session: Session, activity_id: int) -> None:
    session.execute(
        update(BargainActivity).where(BargainActivity.id == activity_id)
        .values(stock=BargainActivity.stock + 1).execution_options(synchronize_session=False))
