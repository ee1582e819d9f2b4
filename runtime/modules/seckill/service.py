"""Seckill slots and activities: validation, storage, and when an activity's price holds.

Rules (``docs/modules/seckill.md`` has a worked example):

- A slot (场次) is ``HH:MM``-``HH:MM`` in shop time, start before end, never crossing
  midnight (``24:00`` may end the day); slots never overlap (touching is fine: 10:00-12:00
  and 12:00-14:00). A slot used by an activity cannot be deleted.
- An activity runs on the shop days ``starts_on``..``ends_on`` in its slots. Its SKU table
  gives each SKU a ``seckill_price_fen`` (below the SKU's price), an activity stock (at most
  the SKU's stock when saved), ``per_order_limit`` (default 1) and ``per_user_limit`` (units
  in the member's orders that are neither closed nor refunded).
- The price holds only while the activity is on, today is in its range and now is within one
  of its slots; :func:`window_at` says which window runs, or the next one (not started) or
  that none is left (ended).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import FieldError, NotFound
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.seckill.errors import SeckillErrorCode, SeckillRefused, module_off
from runtime.modules.seckill.models import (
    SeckillActivity,
    SeckillActivitySlot,
    SeckillOrder,
    SeckillSku,
    SeckillSlot,
)
from runtime.modules.seckill.settings import MODULE_ID
from runtime.shoptime import shop_zone

HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
MAX_SKUS = 50
MAX_TIMEOUT_MINUTES = 120


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE_ID):
        raise module_off()


# --- slots ---------------------------------------------------------------------------------


def minute_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute(errors: FieldErrors, data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    match = HHMM.match(value) if isinstance(value, str) else None
    if match is None:
        errors.add(f"/{name}", "a time HH:MM from 00:00 to 24:00", "format")
        return None
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def slot_json(slot: SeckillSlot) -> dict[str, Any]:
    return {"id": slot.id, "name": slot.name, "start": minute_text(slot.start_minute),
            "end": minute_text(slot.end_minute)}


def list_slots(session: Session) -> list[SeckillSlot]:
    return list(session.scalars(select(SeckillSlot).order_by(SeckillSlot.start_minute)))


def get_slot(session: Session, slot_id: Any) -> SeckillSlot:
    slot = session.get(SeckillSlot, slot_id) if isinstance(slot_id, int) else None
    if slot is None:
        raise NotFound("no such slot")
    return slot


def save_slot(session: Session, data: Mapping[str, Any], slot_id: int | None = None
              ) -> SeckillSlot:
    """Create (or update) a slot: ``{"name", "start": "HH:MM", "end": "HH:MM"}``; 422 on a
    bad field, 409 ``seckill_slot_overlap`` naming the slot it overlaps."""
    errors = FieldErrors()
    errors.unknown(data, ("name", "start", "end"))
    name = data.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 20:
        errors.add("/name", "a name of 1-20 characters", "length")
    start, end = _minute(errors, data, "start"), _minute(errors, data, "end")
    if start is not None and end is not None and start >= end:
        errors.add("/end", "the slot must end after it starts, the same day", "range")
    errors.raise_if_any()
    assert isinstance(name, str) and start is not None and end is not None
    slot = get_slot(session, slot_id) if slot_id is not None else SeckillSlot()
    others = [s for s in list_slots(session) if s.id != slot.id]
    for other in others:
        if other.name == name.strip():
            raise SeckillRefused(f"a slot is already called {other.name}",
                                 code="seckill_slot_name_taken",
                                 extra={"errors": [{"pointer": "/name", "code": "unique",
                                                    "message": "name already used"}]})
        if start < other.end_minute and other.start_minute < end:
            raise SeckillRefused(f"overlaps slot {other.name} ({minute_text(other.start_minute)}"
                                 f"-{minute_text(other.end_minute)})",
                                 code=SeckillErrorCode.SLOT_OVERLAP,
                                 extra={"slot_id": other.id})
    slot.name, slot.start_minute, slot.end_minute = name.strip(), start, end
    session.add(slot)
    session.flush()
    return slot


def delete_slot(session: Session, slot_id: int) -> None:
    slot = get_slot(session, slot_id)
    used = session.scalar(select(func.count()).select_from(SeckillActivitySlot)
                          .where(SeckillActivitySlot.slot_id == slot.id))
    if used:
        raise SeckillRefused(f"slot {slot.name} is used by {used} activities",
                             code=SeckillErrorCode.SLOT_IN_USE)
    session.delete(slot)
    session.flush()


# --- when an activity runs -----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One run of an activity: a slot on one shop day, ``[starts_at, ends_at)`` in UTC."""

    slot_id: int
    day: date
    starts_at: datetime
    ends_at: datetime

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class Timing:
    """Where an activity stands at ``now``: ``running`` (``window`` is the current one),
    ``not_started`` (``window`` is the next), ``ended`` (``window`` the last, or None) or
    ``off``."""

    state: str
    window: Window | None

    def as_dict(self) -> dict[str, Any]:
        w = self.window
        return {"state": self.state, "slot_id": w.slot_id if w else None,
                "starts_at": w.starts_at.isoformat() if w else None,
                "ends_at": w.ends_at.isoformat() if w else None}


def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The wall-clock time ``minute`` minutes after ``day``'s midnight in ``zone``, in UTC."""
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def windows_on(day: date, slots: Sequence[SeckillSlot], zone: ZoneInfo) -> list[Window]:
    return sorted((Window(s.id, day, _at(day, s.start_minute, zone),
                          _at(day, s.end_minute, zone)) for s in slots),
                  key=lambda w: w.starts_at)


def timing(activity: SeckillActivity, slots: Sequence[SeckillSlot], zone: ZoneInfo,
           now: datetime | None = None) -> Timing:
    """The activity's current, next or last window at ``now`` (a switched-off activity is
    ``off`` with the window it would have)."""
    now = now or utcnow()
    found = Timing("ended", None)
    day = max(activity.starts_on, now.astimezone(zone).date() - timedelta(days=1))
    while day <= activity.ends_on and found.state == "ended":
        for window in windows_on(day, slots, zone):
            if window.contains(now):
                found = Timing("running", window)
                break
            if window.starts_at > now:
                found = Timing("not_started", window)
                break
            found = Timing("ended", window)
        day += timedelta(days=1)
    if found.window is None and slots:
        found = Timing("ended", windows_on(activity.ends_on, slots, zone)[-1])
    return found if activity.enabled else Timing("off", found.window)


def refuse_unless_running(t: Timing) -> Window:
    """409 ``seckill_not_started`` / ``seckill_ended`` (with the window's times) unless the
    activity runs now."""
    if t.state == "running" and t.window is not None:
        return t.window
    if t.state == "not_started":
        raise SeckillRefused("the seckill has not started yet", code=SeckillErrorCode.NOT_STARTED,
                             extra=t.as_dict())
    raise SeckillRefused("the seckill has ended", code=SeckillErrorCode.ENDED, extra=t.as_dict())


# --- activities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityView:
    """An activity with its slots and SKU rows, as the services and API use it."""

    activity: SeckillActivity
    slots: tuple[SeckillSlot, ...]
    skus: tuple[SeckillSku, ...]

    def timing(self, zone: ZoneInfo, now: datetime | None = None) -> Timing:
        return timing(self.activity, self.slots, zone, now)

    def sku(self, sku_id: int) -> SeckillSku | None:
        return next((row for row in self.skus if row.sku_id == sku_id), None)


def load_activities(session: Session, ids: Iterable[int] | None = None) -> list[ActivityView]:
    """Activities (all, or ``ids``) with their slots and SKUs, in three queries."""
    query = select(SeckillActivity).order_by(SeckillActivity.starts_on.desc(),
                                             SeckillActivity.id.desc())
    if ids is not None:
        query = query.where(SeckillActivity.id.in_(list(ids)))
    activities = list(session.scalars(query))
    if not activities:
        return []
    act_ids = [a.id for a in activities]
    slot_rows = session.execute(
        select(SeckillActivitySlot.activity_id, SeckillSlot)
        .join(SeckillSlot, SeckillSlot.id == SeckillActivitySlot.slot_id)
        .where(SeckillActivitySlot.activity_id.in_(act_ids))
        .order_by(SeckillSlot.start_minute)).all()
    sku_rows = session.scalars(select(SeckillSku).where(SeckillSku.activity_id.in_(act_ids))
                               .order_by(SeckillSku.id)).all()
    return [ActivityView(a, tuple(s for aid, s in slot_rows if aid == a.id),
                         tuple(r for r in sku_rows if r.activity_id == a.id))
            for a in activities]


def get_activity(session: Session, activity_id: Any) -> ActivityView:
    found = load_activities(session, [activity_id]) if isinstance(activity_id, int) \
        and not isinstance(activity_id, bool) else []
    if not found:
        raise NotFound("no such seckill activity")
    return found[0]


def _date(errors: FieldErrors, data: Mapping[str, Any], name: str) -> date | None:
    value = data.get(name)
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.add(f"/{name}", "a date YYYY-MM-DD", "format")
    return None


SKU_FIELDS = ("sku_id", "seckill_price_fen", "stock", "per_order_limit", "per_user_limit")


def _sku_rows(session: Session, errors: FieldErrors, raw: Any,
              current: Mapping[int, SeckillSku]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SKUS:
        errors.add("/skus", f"1-{MAX_SKUS} SKU rows", "length")
        return []
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        at = f"/skus/{i}"
        if not isinstance(item, Mapping):
            errors.add(at, "an object", "type")
            continue
        errors.unknown(item, SKU_FIELDS, at)
        row = {"sku_id": errors.integer(item, "sku_id", 1, 2**62, at=at),
               "seckill_price_fen": errors.integer(item, "seckill_price_fen", 0, 10**10, at=at),
               "stock": errors.integer(item, "stock", 1, 10**7, at=at),
               "per_order_limit": errors.integer(item, "per_order_limit", 1, 999, at=at,
                                                 required=False) or 1,
               "at": at}
        row["per_user_limit"] = errors.integer(item, "per_user_limit", 1, 9999, at=at,
                                               required=False) or max(row["per_order_limit"], 1)
        if row["per_user_limit"] < row["per_order_limit"]:
            errors.add(f"{at}/per_user_limit", "at least the per-order limit", "range")
        rows.append(row)
    ids = [r["sku_id"] for r in rows if r["sku_id"] is not None]
    if len(ids) != len(set(ids)):
        errors.add("/skus", "a SKU is listed twice", "unique")
    skus = {sku.id: (sku, product) for sku, product in session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(ids)))} if ids else {}
    for row in rows:
        found = skus.get(row["sku_id"]) if row["sku_id"] is not None else None
        if row["sku_id"] is not None and (found is None or found[0].retired_at is not None
                                          or found[1].deleted_at is not None):
            errors.add(f"{row['at']}/sku_id", f"no SKU {row['sku_id']} in this shop",
                       "not_found")
            continue
        if found is None:
            continue
        sku, product = found
        row["product_id"] = product.id
        price = row["seckill_price_fen"]
        if price is not None and price >= sku.price_fen:
            errors.add(f"{row['at']}/seckill_price_fen",
                       f"below the SKU's price ({sku.price_fen} fen)", "range")
        sold = (current[sku.id].total_stock - current[sku.id].stock) if sku.id in current else 0
        wanted = row["stock"]
        if wanted is not None and wanted - sold > sku.stock:
            errors.add(f"{row['at']}/stock", f"at most the SKU's stock ({sku.stock + sold})",
                       SeckillErrorCode.STOCK_ABOVE_SKU)
        if wanted is not None and wanted < sold:
            errors.add(f"{row['at']}/stock", f"at least what is sold already ({sold})", "range")
    return rows


def save_activity(session: Session, data: Mapping[str, Any], activity_id: int | None = None
                  ) -> ActivityView:
    """Create or replace an activity: ``{"title", "enabled", "starts_on", "ends_on",
    "slot_ids", "unpaid_timeout_minutes", "skus": [{"sku_id", "seckill_price_fen", "stock",
    "per_order_limit", "per_user_limit"}]}``. One 422 names every bad field. Editing keeps
    what is sold: the stock left moves by the change of the activity stock (the gate too,
    after commit)."""
    from runtime.modules.seckill import gate

    errors = FieldErrors()
    errors.unknown(data, ("title", "enabled", "starts_on", "ends_on", "slot_ids",
                          "unpaid_timeout_minutes", "skus"))
    errors.require(data, ("title", "starts_on", "ends_on", "slot_ids", "skus"))
    view = get_activity(session, activity_id) if activity_id is not None else None
    title = data.get("title")
    if "title" in data and (not isinstance(title, str) or not 1 <= len(title.strip()) <= 40):
        errors.add("/title", "a title of 1-40 characters", "length")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        errors.add("/enabled", "true or false", "type")
    starts_on = _date(errors, data, "starts_on") if "starts_on" in data else None
    ends_on = _date(errors, data, "ends_on") if "ends_on" in data else None
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("/ends_on", "on or after starts_on", "range")
    timeout = errors.integer(data, "unpaid_timeout_minutes", 1, MAX_TIMEOUT_MINUTES,
                             required=False) or 10
    slot_ids = data.get("slot_ids")
    slots: list[SeckillSlot] = []
    if "slot_ids" in data:
        if not isinstance(slot_ids, list) or not slot_ids or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in slot_ids):
            errors.add("/slot_ids", "a non-empty list of slot ids", "type")
        else:
            known = {s.id: s for s in list_slots(session)}
            for i, sid in enumerate(slot_ids):
                if sid not in known:
                    errors.add(f"/slot_ids/{i}", f"no slot {sid}", "not_found")
                elif known[sid] not in slots:
                    slots.append(known[sid])
    current = {row.sku_id: row for row in view.skus} if view else {}
    rows = _sku_rows(session, errors, data.get("skus"), current) if "skus" in data else []
    errors.raise_if_any()
    assert isinstance(title, str) and starts_on and ends_on

    activity = view.activity if view else SeckillActivity()
    activity.title, activity.enabled = title.strip(), enabled
    activity.starts_on, activity.ends_on = starts_on, ends_on
    activity.unpaid_timeout_minutes = timeout
    session.add(activity)
    session.flush()
    session.execute(delete(SeckillActivitySlot)
                    .where(SeckillActivitySlot.activity_id == activity.id))
    session.add_all(SeckillActivitySlot(activity_id=activity.id, slot_id=s.id) for s in slots)
    kept = {row["sku_id"] for row in rows}
    for sku_id, old in current.items():
        if sku_id not in kept:
            if old.total_stock != old.stock:
                raise SeckillRefused(f"SKU {sku_id} has sold {old.total_stock - old.stock}; "
                                     "it stays in the activity", code="seckill_sku_sold",
                                     extra={"errors": [FieldError("/skus", "keep sold SKUs",
                                                                  "required").as_dict()]})
            session.delete(old)
            gate.forget_after_commit(session, activity.id, sku_id)
    for row in rows:
        existing = current.get(row["sku_id"])
        if existing is None:
            existing = SeckillSku(activity_id=activity.id, sku_id=row["sku_id"],
                                  product_id=row["product_id"], total_stock=row["stock"],
                                  stock=row["stock"])
            session.add(existing)
        else:
            delta = row["stock"] - existing.total_stock
            existing.total_stock += delta
            existing.stock += delta
            if delta:
                gate.adjust_after_commit(session, activity.id, row["sku_id"], delta)
        existing.seckill_price_fen = row["seckill_price_fen"]
        existing.per_order_limit = row["per_order_limit"]
        existing.per_user_limit = row["per_user_limit"]
    session.flush()
    saved = get_activity(session, activity.id)
    gate.rules_after_commit(session, saved)
    return saved


def delete_activity(session: Session, activity_id: int) -> None:
    """Delete an activity that sold nothing; one that did can only be switched off."""
    from runtime.modules.seckill import gate

    view = get_activity(session, activity_id)
    if session.scalar(select(func.count()).select_from(SeckillOrder)
                      .where(SeckillOrder.activity_id == view.activity.id)):
        raise SeckillRefused("an activity with orders can only be switched off",
                             code="seckill_activity_has_orders")
    for row in view.skus:
        gate.forget_after_commit(session, view.activity.id, row.sku_id)
    session.delete(view.activity)
    session.flush()


def activity_json(session: Session, view: ActivityView, zone: ZoneInfo,
                  now: datetime | None = None, *, products: bool = True) -> dict[str, Any]:
    """An activity for the API and console: timing (``state``, ``starts_at``, ``ends_at``),
    slots and SKU rows with sold/left from the database."""
    info: dict[int, tuple[Sku, Product]] = {}
    if products and view.skus:
        info = {sku.id: (sku, product) for sku, product in session.execute(
            select(Sku, Product).join(Product, Product.id == Sku.product_id)
            .where(Sku.id.in_([r.sku_id for r in view.skus])))}
    a = view.activity
    return {
        "id": a.id, "title": a.title, "enabled": a.enabled,
        "starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat(),
        "unpaid_timeout_minutes": a.unpaid_timeout_minutes,
        "slots": [slot_json(s) for s in view.slots],
        **view.timing(zone, now).as_dict(),
        "skus": [{
            "sku_id": r.sku_id, "product_id": r.product_id,
            "title": info[r.sku_id][1].title if r.sku_id in info else "",
            "spec_text": " ".join(info[r.sku_id][0].spec_values or []) if r.sku_id in info else "",
            "price_fen": info[r.sku_id][0].price_fen if r.sku_id in info else None,
            "seckill_price_fen": r.seckill_price_fen, "stock": r.total_stock,
            "sold": r.total_stock - r.stock, "left": r.stock,
            "per_order_limit": r.per_order_limit, "per_user_limit": r.per_user_limit,
        } for r in view.skus],
    }


def zone(session: Session) -> ZoneInfo:
    return shop_zone(session)


def shop_id_of(session: Session) -> int:
    shop_id = current_shop_id(session)
    assert shop_id is not None
    return shop_id
