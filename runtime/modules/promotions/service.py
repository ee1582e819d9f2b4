"""Promotions: limited-time discounts (限时折扣) and full reductions (满减/满折) — saving them
(every rule checked, problems with JSON pointers), their schedule (start / end timers and
the sweeper) and what the shopper is shown. Rules: ``docs/modules/promotions.md``.

- A SKU is in at most one live (scheduled or active) discount whose window overlaps:
  saving a second is 422 on ``/items/<i>/sku_id`` naming the other discount. Saves take
  the shop's promotions lock first, so two racing saves cannot both pass the check.
- ``closed`` (by the merchant) and ``ended`` are final: such an activity is never edited or
  reopened (409 ``activity_final``).
- Start and end are timers (``promotions-start|end-<shop>-<kind>-<id>``, queue default)
  that move the status and bump the page data (cached layouts show prices and
  countdowns); the ``promotions-sweep`` job applies any timer that was lost. Pricing reads
  the window itself, so a late timer never mis-prices an order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, text
from sqlalchemy.orm import Session

from runtime import jobs
from runtime.clock import utcnow
from runtime.db import current_shop_id, platform_access
from runtime.errors import Conflict, NotFound
from runtime.modules.catalog.models import Sku
from runtime.modules.catalog.validation import MISSING, Checker
from runtime.modules.promotions.models import (
    ActivityStatus,
    DiscountItem,
    FullReduction,
    LimitedDiscount,
)
from runtime.pricing import percent_of
from runtime.upsert import upsert

MODULE = "promotions"
DATA_TOPIC = "promotions"
MAX_ITEMS = 200
MAX_TIERS = 5
DISCOUNT_MODES = ("percent", "price", "amount_off")
KINDS = ("discount", "full_reduction")
LOCK_SPACE = 0x50524F4D  # "PROM": the advisory-lock key space of promotion saves


class PromotionsErrorCode:
    MODULE_OFF = "module_disabled"
    NOT_FOUND = "promotion_not_found"
    FINAL = "activity_final"
    OVERLAP = "sku_in_another_discount"


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE):
        raise NotFound("promotions are not available in this shop",
                       code=PromotionsErrorCode.MODULE_OFF)


# --- prices ----------------------------------------------------------------------------------


def discounted_price(mode: str, value: int, price_fen: int) -> int:
    """A SKU's price under a discount item (never below 1 fen, never above the price)."""
    if mode == "percent":
        price = percent_of(price_fen, value)
    elif mode == "price":
        price = value
    else:
        price = price_fen - value
    return max(1, min(price, price_fen))


def status_at(starts_at: datetime, ends_at: datetime, status: str, now: datetime) -> str:
    """What the status should be at ``now`` (a final status stays)."""
    if status in ActivityStatus.FINAL:
        return status
    if now >= ends_at:
        return ActivityStatus.ENDED
    if now >= starts_at:
        return ActivityStatus.ACTIVE
    return ActivityStatus.SCHEDULED


# --- the shop lock ----------------------------------------------------------------------------


def _lock_shop(session: Session) -> None:
    """Serialise the shop's promotion saves, so the overlap check sees every other save:
    a transaction-scoped advisory lock on PostgreSQL (SQLite's BEGIN IMMEDIATE already
    serialises writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                        {"a": LOCK_SPACE, "b": current_shop_id(session)})


# --- limited-time discounts -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    sku_id: int
    mode: str
    value: int
    index: int  # its place in the request's ``items`` (for pointers)


def _window(check: Checker, data: Mapping[str, Any], current: Any = None
            ) -> tuple[datetime | None, datetime | None]:
    starts = check.moment(data, "starts_at", "")
    ends = check.moment(data, "ends_at", "")
    if starts is MISSING or starts is None:
        starts = current.starts_at if current is not None else None
        if starts is None and "starts_at" not in {e.pointer[1:] for e in check.errors}:
            check.add("/starts_at", "is required", "required")
    if ends is MISSING or ends is None:
        ends = current.ends_at if current is not None else None
        if ends is None and "ends_at" not in {e.pointer[1:] for e in check.errors}:
            check.add("/ends_at", "is required", "required")
    if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
        check.add("/ends_at", "must be after starts_at", "range")
    return starts, ends


def _items(session: Session, check: Checker, value: Any) -> list[ItemInput]:
    if not isinstance(value, list) or not value or len(value) > MAX_ITEMS:
        check.add("/items", f"must be a list of 1 to {MAX_ITEMS} SKUs", "type")
        return []
    items: list[ItemInput] = []
    seen: set[int] = set()
    for i, raw in enumerate(value):
        pointer = f"/items/{i}"
        if not isinstance(raw, Mapping):
            check.add(pointer, "must be an object", "type")
            continue
        sku_id = check.integer(raw, "sku_id", pointer, required=True, minimum=1)
        mode = check.choice(raw, "mode", pointer, DISCOUNT_MODES, required=True)
        amount = check.integer(raw, "value", pointer, required=True, minimum=1)
        if sku_id is MISSING or mode is MISSING or amount is MISSING:
            continue
        if sku_id in seen:
            check.add(f"{pointer}/sku_id", "this SKU is listed twice", "duplicate")
            continue
        seen.add(sku_id)
        if mode == "percent" and amount > 99:
            check.add(f"{pointer}/value", "a percent is 1 to 99 (80 = 八折)", "maximum")
            continue
        items.append(ItemInput(sku_id, mode, amount, i))
    skus = {s.id: s for s in session.scalars(select(Sku).where(
        Sku.id.in_([it.sku_id for it in items]), Sku.retired_at.is_(None)))} if items else {}
    for it in items:
        pointer = f"/items/{it.index}"
        sku = skus.get(it.sku_id)
        if sku is None:
            check.add(f"{pointer}/sku_id", "no such SKU in this shop", "not_found")
        elif it.mode != "percent" and it.value >= sku.price_fen:
            check.add(f"{pointer}/value", f"must be below the SKU's price ({sku.price_fen} fen)",
                      "maximum")
    return items


def _check_overlap(session: Session, check: Checker,
                   items: Sequence[ItemInput], starts: datetime, ends: datetime,
                   own_id: int | None) -> None:
    """A SKU may be in one live discount at a time: 422 on the item naming the other."""
    rows = session.execute(
        select(DiscountItem.sku_id, LimitedDiscount.id, LimitedDiscount.name)
        .join(LimitedDiscount, LimitedDiscount.id == DiscountItem.discount_id)
        .where(DiscountItem.sku_id.in_([it.sku_id for it in items]),
               LimitedDiscount.status.not_in(ActivityStatus.FINAL),
               LimitedDiscount.starts_at < ends, LimitedDiscount.ends_at > starts,
               LimitedDiscount.id != (own_id or 0))).all()
    other = {sku_id: (did, name) for sku_id, did, name in rows}
    for it in items:
        if it.sku_id in other:
            did, name = other[it.sku_id]
            check.add(f"/items/{it.index}/sku_id",
                      f"this SKU is already in discount {did} ({name}) at that time",
                      PromotionsErrorCode.OVERLAP)


def get_discount(session: Session, discount_id: int) -> LimitedDiscount:
    row = session.get(LimitedDiscount, discount_id) if isinstance(discount_id, int) else None
    if row is None:
        raise NotFound(f"no discount {discount_id}", code=PromotionsErrorCode.NOT_FOUND)
    return row


def discount_items(session: Session, discount_ids: Iterable[int]) -> dict[int, list[DiscountItem]]:
    ids = list(discount_ids)
    result: dict[int, list[DiscountItem]] = {i: [] for i in ids}
    if ids:
        for item in session.scalars(select(DiscountItem).where(
                DiscountItem.discount_id.in_(ids)).order_by(DiscountItem.id)):
            result[item.discount_id].append(item)
    return result


def _refuse_final(row: LimitedDiscount | FullReduction) -> None:
    if row.status in ActivityStatus.FINAL:
        raise Conflict(f"this activity is {row.status} and cannot change or reopen",
                       code=PromotionsErrorCode.FINAL)


def save_discount(session: Session, data: Mapping[str, Any],
                  discount_id: int | None = None) -> LimitedDiscount:
    """Create (``discount_id`` None) or replace a discount: name, window, limit and items."""
    _lock_shop(session)
    current = get_discount(session, discount_id) if discount_id is not None else None
    if current is not None:
        _refuse_final(current)
    check = Checker()
    name = check.text(data, "name", "", required=True, blank=False, max_len=60)
    tag = check.text(data, "tag", "", max_len=12, default="限时折扣") or "限时折扣"
    limit = check.integer(data, "per_member_limit", "", nullable=True, minimum=1,
                          maximum=10_000, default=None)
    starts, ends = _window(check, data, current)
    raw_items = data.get("items", MISSING)
    items = _items(session, check, raw_items) if raw_items is not MISSING or current is None \
        else None
    if items and isinstance(starts, datetime) and isinstance(ends, datetime):
        _check_overlap(session, check, items, starts, ends,
                       current.id if current else None)
    check.done()
    assert isinstance(starts, datetime) and isinstance(ends, datetime)
    row = current or LimitedDiscount()
    row.name, row.tag, row.per_member_limit = name, tag, limit
    row.starts_at, row.ends_at = starts, ends
    row.status = status_at(starts, ends, ActivityStatus.SCHEDULED, utcnow())
    if current is None:
        session.add(row)
    session.flush()
    if items is not None:
        _replace_items(session, row.id, items)
    _after_change(session, "discount", row)
    return row


def _replace_items(session: Session, discount_id: int, items: Sequence[ItemInput]) -> None:
    skus = {s.id: s.product_id for s in session.scalars(
        select(Sku).where(Sku.id.in_([it.sku_id for it in items])))}
    session.execute(delete(DiscountItem).where(DiscountItem.discount_id == discount_id))
    now = utcnow()
    upsert(session, DiscountItem, [
        {"shop_id": current_shop_id(session), "discount_id": discount_id,
         "sku_id": it.sku_id, "product_id": skus[it.sku_id], "mode": it.mode,
         "value": it.value, "created_at": now, "updated_at": now} for it in items],
           conflict=("shop_id", "discount_id", "sku_id"))


def close_activity(session: Session, kind: str, activity_id: int
                   ) -> LimitedDiscount | FullReduction:
    """The merchant stops an activity now; final (it never reopens)."""
    _lock_shop(session)
    row = get_discount(session, activity_id) if kind == "discount" \
        else get_full_reduction(session, activity_id)
    _refuse_final(row)
    row.status = ActivityStatus.CLOSED
    row.closed_at = utcnow()
    session.flush()
    _after_change(session, kind, row)
    return row


# --- full reductions --------------------------------------------------------------------------


def get_full_reduction(session: Session, reduction_id: int) -> FullReduction:
    row = session.get(FullReduction, reduction_id) if isinstance(reduction_id, int) else None
    if row is None:
        raise NotFound(f"no full reduction {reduction_id}", code=PromotionsErrorCode.NOT_FOUND)
    return row


def _tiers(check: Checker, value: Any, condition: str, repeat: bool) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or len(value) > MAX_TIERS:
        check.add("/tiers", f"must be a list of 1 to {MAX_TIERS} tiers", "type")
        return []
    tiers: list[dict[str, Any]] = []
    for i, raw in enumerate(value):
        pointer = f"/tiers/{i}"
        if not isinstance(raw, Mapping):
            check.add(pointer, "must be an object", "type")
            continue
        threshold = check.integer(raw, "threshold", pointer, required=True, minimum=1,
                                  maximum=100_000_000 if condition == "amount" else 10_000)
        off = check.integer(raw, "discount_fen", pointer, nullable=True, minimum=1,
                            maximum=100_000_000, default=None)
        pct = check.integer(raw, "discount_pct", pointer, nullable=True, minimum=1,
                            maximum=99, default=None)
        free = check.boolean(raw, "free_shipping", pointer, default=False)
        points = check.integer(raw, "give_points", pointer, minimum=0, maximum=1_000_000,
                               default=0)
        coupons = check.id_list(raw, "give_coupons", pointer, max_items=10)
        if off is not None and pct is not None:
            check.add(f"{pointer}/discount_pct", "give discount_fen or discount_pct, not both",
                      "exclusive")
            continue
        if repeat and off is None:
            check.add(f"{pointer}/discount_fen", "每满 (repeat) needs an amount off", "required")
            continue
        if off is None and pct is None and not free and not points and not coupons:
            check.add(pointer, "a tier must give something", "empty")
            continue
        if condition == "amount" and off is not None and threshold is not MISSING \
                and off >= threshold:
            check.add(f"{pointer}/discount_fen", "must be below the threshold", "maximum")
            continue
        if threshold is MISSING:
            continue
        tiers.append({"threshold": threshold, "discount_fen": off, "discount_pct": pct,
                      "free_shipping": free, "give_points": points,
                      "give_coupons": [] if coupons is MISSING else coupons})
    thresholds = [t["threshold"] for t in tiers]
    if len(set(thresholds)) != len(thresholds):
        check.add("/tiers", "two tiers have the same threshold", "duplicate")
    if repeat and len(value) != 1:
        check.add("/tiers", "每满 (repeat) takes exactly one tier", "max_items")
    return sorted(tiers, key=lambda t: t["threshold"])


def save_full_reduction(session: Session, data: Mapping[str, Any],
                        reduction_id: int | None = None) -> FullReduction:
    """Create or replace a full reduction (满减/满折)."""
    _lock_shop(session)
    current = get_full_reduction(session, reduction_id) if reduction_id is not None else None
    if current is not None:
        _refuse_final(current)
    check = Checker()
    name = check.text(data, "name", "", required=True, blank=False, max_len=60)
    starts, ends = _window(check, data, current)
    condition = check.choice(data, "condition", "", ("amount", "count"), default="amount")
    scope = check.choice(data, "scope", "", ("all", "include", "exclude"), default="all")
    product_ids = check.id_list(data, "product_ids", "", max_items=500)
    product_ids = [] if product_ids is MISSING else product_ids
    if scope in ("include", "exclude") and not product_ids:
        check.add("/product_ids", "name the products to include or exclude", "required")
    repeat = check.boolean(data, "repeat", "", default=False)
    cap = check.integer(data, "max_discount_fen", "", nullable=True, minimum=1,
                        maximum=100_000_000, default=None)
    tiers = _tiers(check, data.get("tiers"), condition if condition is not MISSING
                   else "amount", bool(repeat))
    check.done()
    assert isinstance(starts, datetime) and isinstance(ends, datetime)
    row = current or FullReduction()
    row.name, row.condition, row.scope = name, condition, scope
    row.product_ids = product_ids if scope != "all" else []
    row.tiers, row.repeat, row.max_discount_fen = tiers, repeat, cap if repeat else None
    row.starts_at, row.ends_at = starts, ends
    row.status = status_at(starts, ends, ActivityStatus.SCHEDULED, utcnow())
    if current is None:
        session.add(row)
    session.flush()
    _after_change(session, "full_reduction", row)
    return row


# --- schedule ---------------------------------------------------------------------------------


MODELS: dict[str, type[LimitedDiscount] | type[FullReduction]] = {
    "discount": LimitedDiscount, "full_reduction": FullReduction}


def timer_job_id(shop_id: int, kind: str, activity_id: int, edge: str) -> str:
    return jobs.job_id("promotions", edge, shop_id, kind, activity_id)


def _after_change(session: Session, kind: str, row: LimitedDiscount | FullReduction) -> None:
    """After commit: page data bumped; start and end timers (re)scheduled or cancelled."""
    from runtime.modules.promotions.jobs import apply_activity_schedule
    from runtime.pages.cache import bump_data_version_after_commit

    shop_id = current_shop_id(session)
    bump_data_version_after_commit(session, shop_id, DATA_TOPIC)
    connection = jobs.app_redis()
    if connection is None:
        return
    now = utcnow()
    for edge, moment in (("start", row.starts_at), ("end", row.ends_at)):
        jid = timer_job_id(shop_id, kind, row.id, edge)
        if row.status in ActivityStatus.FINAL or moment <= now:
            jobs.on_commit(session, functools.partial(jobs.cancel, connection, jid))
        else:
            jobs.enqueue_after_commit(session, connection, apply_activity_schedule, shop_id,
                                      kind, row.id, jid=jid, at=moment, replace=True)


def apply_due(session: Session, kind: str, activity_id: int, now: datetime) -> bool:
    """Move one activity to the status its window gives at ``now``; True when it changed
    (the page data is bumped after commit)."""
    model = MODELS[kind]
    row = session.scalar(select(model).where(model.id == activity_id).with_for_update())
    if row is None:
        return False
    status = status_at(row.starts_at, row.ends_at, row.status, now)
    if status == row.status:
        return False
    row.status = status
    session.flush()
    from runtime.pages.cache import bump_data_version_after_commit

    bump_data_version_after_commit(session, row.shop_id, DATA_TOPIC)
    return True


def due_activities(session: Session, now: datetime) -> list[tuple[int, str, int]]:
    """``(shop_id, kind, id)`` of every activity, in any shop, whose status is behind."""
    due: list[tuple[int, str, int]] = []
    with platform_access(session, "promotions: sweep due start/end timers"):
        for kind, model in MODELS.items():
            due.extend((shop_id, kind, rid) for shop_id, rid in session.execute(
                select(model.shop_id, model.id).where(or_(
                    (model.status == ActivityStatus.SCHEDULED) & (model.starts_at <= now),
                    (model.status.in_([ActivityStatus.SCHEDULED, ActivityStatus.ACTIVE]))
                    & (model.ends_at <= now)))
                .order_by(model.shop_id, model.id)))
    return due


# --- what shoppers see ------------------------------------------------------------------------


def live_discounts(session: Session, now: datetime, *, upcoming: bool = False
                   ) -> list[LimitedDiscount]:
    """Discounts running at ``now`` (with ``upcoming``: also those still to start)."""
    query = select(LimitedDiscount).where(LimitedDiscount.status.not_in(ActivityStatus.FINAL),
                                          LimitedDiscount.ends_at > now)
    if not upcoming:
        query = query.where(LimitedDiscount.starts_at <= now)
    return list(session.scalars(query.order_by(LimitedDiscount.starts_at, LimitedDiscount.id)))


def live_full_reductions(session: Session, now: datetime) -> list[FullReduction]:
    return list(session.scalars(select(FullReduction).where(
        FullReduction.status.not_in(ActivityStatus.FINAL), FullReduction.starts_at <= now,
        FullReduction.ends_at > now).order_by(FullReduction.id)))


def discount_json(row: LimitedDiscount, items: Sequence[DiscountItem],
                  prices: Mapping[int, int] | None = None, now: datetime | None = None
                  ) -> dict[str, Any]:
    """A discount for the API and blocks; with ``prices`` (SKU id -> price) each item
    carries its ``price_fen`` and ``discount_price_fen``."""
    now = now or utcnow()
    data: dict[str, Any] = {
        "id": row.id, "name": row.name, "tag": row.tag,
        "starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat(),
        "status": status_at(row.starts_at, row.ends_at, row.status, now),
        "per_member_limit": row.per_member_limit, "items": []}
    for item in items:
        entry: dict[str, Any] = {"sku_id": item.sku_id, "product_id": item.product_id,
                                 "mode": item.mode, "value": item.value}
        if prices is not None and item.sku_id in prices:
            entry["price_fen"] = prices[item.sku_id]
            entry["discount_price_fen"] = discounted_price(item.mode, item.value,
                                                           prices[item.sku_id])
        data["items"].append(entry)
    return data


def full_reduction_json(row: FullReduction, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {"id": row.id, "name": row.name, "starts_at": row.starts_at.isoformat(),
            "ends_at": row.ends_at.isoformat(),
            "status": status_at(row.starts_at, row.ends_at, row.status, now),
            "condition": row.condition, "scope": row.scope, "product_ids": list(row.product_ids),
            "tiers": [dict(t) for t in row.tiers], "repeat": row.repeat,
            "max_discount_fen": row.max_discount_fen, "summary": tier_summary(row)}


def tier_summary(row: FullReduction) -> str:
    """The rule in words, e.g. 满199减30 / 每满100减10，最多减30 / 满3件打9折."""
    text = "，".join(tier_label(row.condition, row.repeat, t) for t in row.tiers)
    if row.repeat and row.max_discount_fen:
        text += f"，最多减{_yuan(row.max_discount_fen)}"
    return text


def tier_label(condition: str, repeat: bool, tier: Mapping[str, Any]) -> str:
    """One tier in words: 满150减20, 每满100减10, 满3件打9折, 满99包邮送100积分."""
    n = f"{tier['threshold']}件" if condition == "count" else _yuan(tier["threshold"])
    text = f"{'每满' if repeat else '满'}{n}"
    if tier.get("discount_fen"):
        text += f"减{_yuan(tier['discount_fen'])}"
    if tier.get("discount_pct"):
        text += f"打{_rate(tier['discount_pct'])}折"
    if tier.get("free_shipping"):
        text += "包邮"
    if tier.get("give_points"):
        text += f"送{tier['give_points']}积分"
    if tier.get("give_coupons"):
        text += "送券"
    return text


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen / 100:.2f}".rstrip("0")


def _rate(pct: int) -> str:
    return f"{pct // 10}" if pct % 10 == 0 else f"{pct / 10:g}"


def sku_prices(session: Session, sku_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Sku.id, Sku.price_fen).where(Sku.id.in_(ids))).all())


def shopper_discounts(session: Session, *, product_id: int | None = None,
                      preview_hours: int = 24, now: datetime | None = None
                      ) -> list[dict[str, Any]]:
    """Running discounts and those starting within ``preview_hours``, with each item's
    price and discount price (three queries), optionally only those of one product."""
    from datetime import timedelta

    now = now or utcnow()
    rows = [d for d in live_discounts(session, now, upcoming=True)
            if d.starts_at <= now + timedelta(hours=preview_hours)]
    items = discount_items(session, [d.id for d in rows])
    if product_id is not None:
        items = {k: [i for i in v if i.product_id == product_id] for k, v in items.items()}
        rows = [d for d in rows if items[d.id]]
    prices = sku_prices(session, (i.sku_id for v in items.values() for i in v))
    return [discount_json(d, items[d.id], prices, now) for d in rows]


def shopper_full_reductions(session: Session, *, product_id: int | None = None,
                            now: datetime | None = None) -> list[dict[str, Any]]:
    rows = live_full_reductions(session, now or utcnow())
    if product_id is not None:
        rows = [r for r in rows if r.scope == "all"
                or (r.scope == "include") == (product_id in r.product_ids)]
    return [full_reduction_json(r, now) for r in rows]
