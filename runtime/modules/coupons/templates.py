"""Coupon templates: what a merchant defines (checked field by field into one 422), and the
rules a template states about itself (validity of a new coupon, claim window, texts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import NotFound
from runtime.fielderrors import FieldErrors
from runtime.modules.coupons.models import CouponKind, CouponScope, CouponTemplate, Validity
from runtime.money import fen_text
from runtime.shoptime import local_midnight, local_today

MAX_IDS = 200
MAX_FEN = 100_000_000
FIELDS = ("name", "description", "kind", "amount_fen", "min_spend_fen", "discount_percent",
          "max_discount_fen", "scope", "product_ids", "category_ids", "only_original_price",
          "validity", "valid_from", "valid_until", "valid_days", "starts_next_day",
          "claim_from", "claim_until", "claimable", "total", "per_member_limit",
          "per_day_limit", "level_ids")
DEFAULTS: dict[str, Any] = {
    "description": "", "amount_fen": 0, "min_spend_fen": 0, "discount_percent": 100,
    "max_discount_fen": 0, "scope": "all", "product_ids": [], "category_ids": [],
    "only_original_price": False, "validity": "days", "valid_from": None, "valid_until": None,
    "valid_days": 7, "starts_next_day": False, "claim_from": None, "claim_until": None,
    "claimable": True, "total": -1, "per_member_limit": 1, "per_day_limit": 0,
    "level_ids": []}


class CouponErrorCode:
    MODULE_OFF = "module_disabled"
    NOT_FOUND = "coupon_not_found"
    SOLD_OUT = "coupon_sold_out"
    LIMIT = "coupon_limit_reached"
    DAY_LIMIT = "coupon_day_limit_reached"
    NOT_OPEN = "coupon_claim_closed"
    LEVEL = "coupon_level_required"
    UNAVAILABLE = "coupon_unavailable"


class CouponNotFound(NotFound):
    code = CouponErrorCode.NOT_FOUND
    title = "No such coupon"


def _moment(errors: FieldErrors, data: Mapping[str, Any], name: str) -> datetime | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            errors.add(f"/{name}", "a date-time (ISO 8601 with its offset)", "format")
            return None
    else:
        errors.add(f"/{name}", "a date-time (ISO 8601 with its offset)", "type")
        return None
    if parsed.tzinfo is None:
        errors.add(f"/{name}", "a date-time with its offset, e.g. 2026-12-01T00:00:00+08:00",
                   "format")
        return None
    return parsed


def _ids(errors: FieldErrors, data: Mapping[str, Any], name: str) -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list) or len(value) > MAX_IDS or any(
            isinstance(i, bool) or not isinstance(i, int) or not 1 <= i < 2**63 for i in value):
        errors.add(f"/{name}", f"a list of at most {MAX_IDS} ids", "type")
        return []
    return sorted(set(value))


def clean_template(data: Any, current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The template's fields from ``data`` (on top of ``current`` when editing), every
    wrong field named in one 422."""
    errors = FieldErrors()
    if not isinstance(data, Mapping):
        errors.add("", "an object", "type")
        errors.raise_if_any()
        return {}
    errors.unknown(data, FIELDS)
    merged = {**DEFAULTS, **(current or {}), **data}
    out: dict[str, Any] = {}
    out["name"] = errors.text(merged, "name", 40)
    out["description"] = errors.text(merged, "description", 200, required=False) or ""
    if merged.get("kind") not in tuple(CouponKind):
        errors.add("/kind", "amount (满减券) or percent (折扣券)", "enum")
    out["kind"] = merged.get("kind")
    for name in ("amount_fen", "min_spend_fen", "max_discount_fen"):
        out[name] = errors.integer(merged, name, 0, MAX_FEN)
    out["discount_percent"] = errors.integer(merged, "discount_percent", 1, 100)
    if out["kind"] == CouponKind.AMOUNT and out["amount_fen"] is not None:
        errors.check(out["amount_fen"] >= 1, "/amount_fen", "at least 1 fen off", "range")
    if out["kind"] == CouponKind.PERCENT and out["discount_percent"] is not None:
        errors.check(out["discount_percent"] <= 99, "/discount_percent",
                     "1-99: the percent the buyer pays (85 = 8.5 折)", "range")
    if merged.get("scope") not in tuple(CouponScope):
        errors.add("/scope", "all, products, categories or except_products", "enum")
    out["scope"] = merged.get("scope")
    out["product_ids"] = _ids(errors, merged, "product_ids")
    out["category_ids"] = _ids(errors, merged, "category_ids")
    if out["scope"] in (CouponScope.PRODUCTS, CouponScope.EXCEPT_PRODUCTS):
        errors.check(bool(out["product_ids"]), "/product_ids", "pick at least one product",
                     "required")
    if out["scope"] == CouponScope.CATEGORIES:
        errors.check(bool(out["category_ids"]), "/category_ids",
                     "pick at least one category", "required")
    out["level_ids"] = _ids(errors, merged, "level_ids")
    for name in ("only_original_price", "starts_next_day", "claimable"):
        out[name] = errors.boolean(merged, name)
    if merged.get("validity") not in tuple(Validity):
        errors.add("/validity", "fixed or days", "enum")
    out["validity"] = merged.get("validity")
    out["valid_days"] = errors.integer(merged, "valid_days", 1, 3650)
    for name in ("valid_from", "valid_until", "claim_from", "claim_until"):
        out[name] = _moment(errors, merged, name)
    if out["validity"] == Validity.FIXED:
        if out["valid_from"] is None or out["valid_until"] is None:
            errors.add("/valid_until", "a fixed validity needs valid_from and valid_until",
                       "required")
        elif out["valid_until"] <= out["valid_from"]:
            errors.add("/valid_until", "must be after valid_from", "range")
    if out["claim_from"] and out["claim_until"] and out["claim_until"] <= out["claim_from"]:
        errors.add("/claim_until", "must be after claim_from", "range")
    out["total"] = errors.integer(merged, "total", -1, 10_000_000)
    out["per_member_limit"] = errors.integer(merged, "per_member_limit", 0, 1000)
    out["per_day_limit"] = errors.integer(merged, "per_day_limit", 0, 1000)
    errors.raise_if_any()
    return out


def get_template(session: Session, template_id: int, *, lock: bool = False) -> CouponTemplate:
    query = select(CouponTemplate).where(CouponTemplate.id == template_id)
    template = session.scalar(query.with_for_update() if lock else query)
    if template is None:
        raise CouponNotFound(f"no coupon {template_id}")
    return template


def _pages_changed(session: Session) -> None:
    """Published pages show templates (the strip, the coupon centre): after commit their
    cached outputs miss."""
    from runtime.db import current_shop_id
    from runtime.pages.cache import bump_data_version_after_commit

    shop_id = current_shop_id(session)
    assert shop_id is not None
    bump_data_version_after_commit(session, shop_id, "coupons")


def create_template(session: Session, data: Any) -> CouponTemplate:
    template = CouponTemplate(**clean_template(data))
    session.add(template)
    session.flush()
    _pages_changed(session)
    return template


def template_values(template: CouponTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in FIELDS}


def update_template(session: Session, template_id: int, data: Any) -> CouponTemplate:
    """Change a template; coupons already issued keep their validity. ``total`` cannot go
    below what was issued."""
    template = get_template(session, template_id, lock=True)
    values = clean_template(data, template_values(template))
    if values["total"] != -1 and values["total"] < template.issued:
        errors = FieldErrors()
        errors.add("/total", f"{template.issued} are already issued", "range")
        errors.raise_if_any()
    for name, value in values.items():
        setattr(template, name, value)
    session.flush()
    _pages_changed(session)
    return template


def set_status(session: Session, template_id: int, status: str) -> CouponTemplate:
    """``active`` or ``stopped`` (no more claims or gifts; coupons held stay usable)."""
    template = get_template(session, template_id, lock=True)
    if status not in ("active", "stopped"):
        raise ValueError(f"unknown template status {status!r}")
    template.status = status
    session.flush()
    _pages_changed(session)
    return template


def list_templates(session: Session) -> list[CouponTemplate]:
    return list(session.scalars(select(CouponTemplate).order_by(CouponTemplate.id.desc())))


@dataclass(frozen=True)
class Window:
    valid_from: datetime
    valid_until: datetime


def validity_window(template: CouponTemplate, now: datetime, zone: ZoneInfo) -> Window:
    """When a coupon issued ``now`` can be used: the template's fixed window, or
    ``valid_days`` shop-local days starting today (from now) or tomorrow (from midnight)."""
    if template.validity == Validity.FIXED:
        assert template.valid_from is not None and template.valid_until is not None
        return Window(template.valid_from.astimezone(UTC), template.valid_until.astimezone(UTC))
    today = local_today(zone, now)
    first = today + timedelta(days=1) if template.starts_next_day else today
    start = local_midnight(zone, first) if template.starts_next_day else now
    end = local_midnight(zone, first + timedelta(days=template.valid_days))
    return Window(start.astimezone(UTC), end.astimezone(UTC))


def claim_open(template: CouponTemplate, now: datetime) -> bool:
    return (template.status == "active"
            and (template.claim_from is None or template.claim_from <= now)
            and (template.claim_until is None or now < template.claim_until)
            and not (template.validity == Validity.FIXED and template.valid_until is not None
                     and template.valid_until <= now))


def value_text(template: CouponTemplate) -> str:
    """¥10 / 8.5折."""
    if template.kind == CouponKind.PERCENT:
        return f"{template.discount_percent / 10:g}折"
    return f"¥{fen_text(template.amount_fen).removesuffix('.00')}"


def rule_text(template: CouponTemplate) -> str:
    """满100可用 / 无门槛, with the percent coupon's cap."""
    rule = (f"满{fen_text(template.min_spend_fen).removesuffix('.00')}可用"
            if template.min_spend_fen else "无门槛")
    if template.kind == CouponKind.PERCENT and template.max_discount_fen:
        rule += f"，最多减{fen_text(template.max_discount_fen).removesuffix('.00')}"
    return rule


def validity_text(template: CouponTemplate, zone: ZoneInfo) -> str:
    if template.validity == Validity.FIXED and template.valid_from and template.valid_until:
        last = (template.valid_until - timedelta(seconds=1)).astimezone(zone)
        return (f"{template.valid_from.astimezone(zone):%Y.%m.%d}-{last:%Y.%m.%d}")
    start = "次日起" if template.starts_next_day else "领取后"
    return f"{start}{template.valid_days}天内有效"


def card(template: CouponTemplate, zone: ZoneInfo) -> dict[str, Any]:
    """What the coupon strip, the coupon centre and the API show of a template."""
    return {"id": template.id, "title": template.name, "description": template.description,
            "kind": "discount" if template.kind == CouponKind.PERCENT else "amount",
            "value_fen": template.amount_fen if template.kind == CouponKind.AMOUNT else None,
            "discount_percent": (template.discount_percent
                                 if template.kind == CouponKind.PERCENT else None),
            "max_discount_fen": template.max_discount_fen or None,
            "threshold_fen": template.min_spend_fen, "scope": template.scope,
            "only_original_price": template.only_original_price,
            "value_text": value_text(template), "rule_text": rule_text(template),
            "valid_text": validity_text(template, zone),
            "left": None if template.total == -1 else max(template.total - template.issued, 0),
            "per_member_limit": template.per_member_limit}
