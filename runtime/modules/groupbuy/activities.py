"""Group-buy activities: the merchant's rules per product, checked as one 422 naming every
bad field, and the activity stock taken and given back by conditional UPDATEs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.groupbuy.errors import not_found
from runtime.modules.groupbuy.models import GroupbuyActivity, GroupbuySku, OnTargetFull

FIELDS = ("title", "product_id", "enabled", "group_size", "valid_hours", "starts_at", "ends_at",
          "allow_single_buy", "per_order_limit", "per_user_limit", "virtual_enabled",
          "virtual_min_pct", "on_target_full", "skus")
SKU_FIELDS = ("sku_id", "group_price_fen", "leader_price_fen", "stock")
MAX_FEN = 10**9


def _read(session: Session, data: Any, current: GroupbuyActivity | None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed.single("", "an object", "type")
    base: dict[str, Any] = {} if current is None else {
        name: getattr(current, name) for name in FIELDS if name != "skus"}
    if current is not None:
        base["starts_at"] = current.starts_at.isoformat()
        base["ends_at"] = current.ends_at.isoformat()
    merged = {**{"enabled": True, "valid_hours": 24, "allow_single_buy": True,
                 "per_order_limit": 0, "per_user_limit": 0, "virtual_enabled": False,
                 "virtual_min_pct": 100, "on_target_full": OnTargetFull.OPEN_NEW.value},
              **base, **data}
    errors = FieldErrors()
    errors.unknown(data, FIELDS)
    clean: dict[str, Any] = {
        "title": errors.text(merged, "title", 60),
        "product_id": errors.integer(merged, "product_id", 1, 2**63 - 1),
        "enabled": errors.boolean(merged, "enabled"),
        "group_size": errors.integer(merged, "group_size", 2, 100),
        "valid_hours": errors.integer(merged, "valid_hours", 1, 720),
        "starts_at": errors.moment(merged, "starts_at"),
        "ends_at": errors.moment(merged, "ends_at"),
        "allow_single_buy": errors.boolean(merged, "allow_single_buy"),
        "per_order_limit": errors.integer(merged, "per_order_limit", 0, 9999),
        "per_user_limit": errors.integer(merged, "per_user_limit", 0, 9999),
        "virtual_enabled": errors.boolean(merged, "virtual_enabled"),
        "virtual_min_pct": errors.integer(merged, "virtual_min_pct", 0, 100),
    }
    target = merged.get("on_target_full")
    if target not in {t.value for t in OnTargetFull}:
        errors.add("/on_target_full", "open_new, join_other or refund", "enum")
    clean["on_target_full"] = target
    if clean["starts_at"] and clean["ends_at"]:
        errors.check(clean["starts_at"] < clean["ends_at"], "/ends_at",
                     "after starts_at", "order")
    product = None
    if clean["product_id"] is not None:
        product = session.scalar(select(Product).where(Product.id == clean["product_id"],
                                                       Product.deleted_at.is_(None)))
        errors.check(product is not None, "/product_id", "no such product in this shop",
                     "not_found")
    if current is None or "skus" in data:
        clean["skus"] = _read_skus(session, data.get("skus"), product, errors)
    errors.raise_if_any()
    return clean


def _read_skus(session: Session, value: Any, product: Product | None,
               errors: FieldErrors) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        errors.add("/skus", "at least one SKU with its group price and stock", "required")
        return []
    known = {} if product is None else {sku.id: sku for sku in session.scalars(
        select(Sku).where(Sku.product_id == product.id, Sku.retired_at.is_(None)))}
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for i, item in enumerate(value):
        at = f"/skus/{i}"
        if not isinstance(item, dict):
            errors.add(at, "an object", "type")
            continue
        errors.unknown(item, SKU_FIELDS, at=at)
        sku_id = errors.integer(item, "sku_id", 1, 2**63 - 1, at=at)
        price = errors.integer(item, "group_price_fen", 1, MAX_FEN, at=at)
        leader = errors.integer(item, "leader_price_fen", 1, MAX_FEN, required=False, at=at)
        stock = errors.integer(item, "stock", 0, 10**7, at=at)
        sku = known.get(sku_id) if sku_id is not None else None
        if sku_id is not None and product is not None and sku is None:
            errors.add(f"{at}/sku_id", "not a SKU of the product", "not_found")
        if sku_id in seen:
            errors.add(f"{at}/sku_id", "listed twice", "duplicate")
        if sku_id is not None:
            seen.add(sku_id)
        if sku is not None and price is not None:
            errors.check(price <= sku.price_fen, f"{at}/group_price_fen",
                         f"at most the SKU's price, {sku.price_fen}", "range")
        if leader is not None and price is not None:
            errors.check(leader <= price, f"{at}/leader_price_fen",
                         "at most the group price", "range")
        if sku is not None and stock is not None:
            errors.check(stock <= sku.stock, f"{at}/stock",
                         f"at most the SKU's stock, {sku.stock}", "range")
        rows.append({"sku_id": sku_id, "group_price_fen": price, "leader_price_fen": leader,
                     "stock": stock})
    return rows


def create_activity(session: Session, data: Any) -> GroupbuyActivity:
    clean = _read(session, data, None)
    skus = clean.pop("skus")
    activity = GroupbuyActivity(**clean)
    session.add(activity)
    session.flush()
    _write_skus(session, activity, skus)
    return activity


def update_activity(session: Session, activity_id: Any, data: Any) -> GroupbuyActivity:
    """Change the keys given; ``skus``, when given, is the whole new SKU table."""
    activity = get_activity(session, activity_id)
    clean = _read(session, data, activity)
    skus = clean.pop("skus", None)
    for name, value in clean.items():
        setattr(activity, name, value)
    if skus is not None:
        _write_skus(session, activity, skus)
    session.flush()
    return activity


def _write_skus(session: Session, activity: GroupbuyActivity, rows: list[dict[str, Any]]
                ) -> None:
    existing = {row.sku_id: row for row in activity_skus(session, activity.id)}
    for row in rows:
        current = existing.pop(row["sku_id"], None)
        if current is None:
            session.add(GroupbuySku(activity_id=activity.id, **row))
        else:
            for name, value in row.items():
                setattr(current, name, value)
    for gone in existing.values():
        session.delete(gone)
    session.flush()


def get_activity(session: Session, activity_id: Any) -> GroupbuyActivity:
    if isinstance(activity_id, bool) or not isinstance(activity_id, int):
        raise not_found("group-buy activity", activity_id)
    activity = session.get(GroupbuyActivity, activity_id)
    if activity is None:
        raise not_found("group-buy activity", activity_id)
    return activity


def list_activities(session: Session, *, live_only: bool = False, limit: int = 50,
                    product_id: int | None = None) -> list[GroupbuyActivity]:
    query = select(GroupbuyActivity)
    if product_id is not None:
        query = query.where(GroupbuyActivity.product_id == product_id)
    if live_only:
        now = utcnow()
        query = query.where(GroupbuyActivity.enabled.is_(True),
                            GroupbuyActivity.starts_at <= now, GroupbuyActivity.ends_at > now)
    return list(session.scalars(query.order_by(GroupbuyActivity.id.desc()).limit(limit)))


def activity_skus(session: Session, activity_id: int) -> list[GroupbuySku]:
    return list(session.scalars(select(GroupbuySku).where(GroupbuySku.activity_id == activity_id)
                                .order_by(GroupbuySku.id)))


def skus_of(session: Session, activity_ids: list[int]) -> dict[int, list[GroupbuySku]]:
    found: dict[int, list[GroupbuySku]] = {i: [] for i in activity_ids}
    if activity_ids:
        for row in session.scalars(select(GroupbuySku).where(
                GroupbuySku.activity_id.in_(activity_ids)).order_by(GroupbuySku.id)):
            found[row.activity_id].append(row)
    return found


def activity_sku(session: Session, activity_id: int, sku_id: int) -> GroupbuySku | None:
    return session.scalar(select(GroupbuySku).where(GroupbuySku.activity_id == activity_id,
                                                    GroupbuySku.sku_id == sku_id))


def take_stock(session: Session, activity_id: int, sku_id: int, qty: int) -> bool:
    """Take ``qty`` of the activity stock if there is that much (one conditional UPDATE)."""
    result = session.execute(
        update(GroupbuySku).where(GroupbuySku.activity_id == activity_id,
                                  GroupbuySku.sku_id == sku_id, GroupbuySku.stock >= qty)
        .values(stock=GroupbuySku.stock + (-qty)).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def return_stock(session: Session, activity_id: int, sku_id: int, qty: int) -> None:
    session.execute(
        update(GroupbuySku).where(GroupbuySku.activity_id == activity_id,
                                  GroupbuySku.sku_id == sku_id)
        .values(stock=GroupbuySku.stock + qty).execution_options(synchronize_session=False))


def window_state(activity: GroupbuyActivity, now: datetime | None = None) -> str:
    """``not_started``, ``live`` or ``ended`` (switched off counts as ended)."""
    now = now or utcnow()
    if not activity.enabled or now >= activity.ends_at:
        return "ended"
    return "not_started" if now < activity.starts_at else "live"
