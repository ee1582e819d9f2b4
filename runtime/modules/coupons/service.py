"""Coupons (优惠券): issuing (claims, keyed gifts, pushes), the coupons members hold, and
their life with orders.

Rules (``docs/modules/coupons.md`` has a worked example):

- Issuing locks the member's row first (so one member's claims apply one at a time: the
  per-member limits hold under any concurrency), then takes one from the template's
  ``total`` by a conditional UPDATE (``issued < total``), so 200 racing claims for 50
  coupons issue exactly 50. Every change writes a :class:`CouponEvent` under a unique key.
- A coupon is UNUSED → USED when an order using it is created (``order_created``) → UNUSED
  again only when that order closes unpaid (``order_closed``) or is wholly refunded
  (``order_refunded``), keeping its original expiry (one whose expiry has passed is
  EXPIRED instead). A partial refund keeps it used.
- A daily job per shop (``coupons-day-<shop>-<date>``, scheduled when a coupon is issued)
  reminds members the day before a coupon ends and expires it when it has; the hourly
  sweeper does the same for any day whose job was lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, Forbidden, NotFound, ValidationFailed
from runtime.modules.coupons.models import (
    CouponEvent,
    CouponStatus,
    CouponTemplate,
    MemberCoupon,
)
from runtime.modules.coupons.templates import (
    CouponErrorCode,
    CouponNotFound,
    card,
    claim_open,
    validity_window,
)
from runtime.shoptime import local_midnight, local_today, shop_zone
from runtime.upsert import upsert

MODULE_ID = "coupons"
STATUSES = tuple(CouponStatus)


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE_ID):
        raise NotFound("coupons are not available in this shop", code=CouponErrorCode.MODULE_OFF)


def _event(session: Session, coupon: MemberCoupon, kind: str, key: str,
           order_id: int | None = None, **detail: Any) -> bool:
    """Write a ledger row once per key; False when the key was used before."""
    now = utcnow()
    result = upsert(session, CouponEvent, {
        "shop_id": current_shop_id(session), "member_coupon_id": coupon.id, "kind": kind,
        "key": key[:160], "order_id": order_id, "detail": detail, "created_at": now,
        "updated_at": now}, conflict=("shop_id", "key"), returning=(CouponEvent.id,))
    return result.first() is not None


# --- issuing ------------------------------------------------------------------------------


class CouponRefused(Conflict):
    title = "The coupon cannot be issued"


def _take_stock(session: Session, template_id: int) -> bool:
    """One coupon from the template's total (−1: unlimited); False when none is left."""
    result = session.execute(
        update(CouponTemplate)
        .where(CouponTemplate.id == template_id, CouponTemplate.status == "active",
               or_(CouponTemplate.total == -1, CouponTemplate.issued < CouponTemplate.total))
        .values(issued=CouponTemplate.issued + 1)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)


def _held_counts(session: Session, template_id: int, member_id: int, today: date
                 ) -> tuple[int, int]:
    """(coupons of the template the member ever got, of those issued today); revoked gifts
    do not count."""
    row = session.execute(select(
        func.count(), func.coalesce(func.sum(case((MemberCoupon.claimed_on == today, 1),
                                                  else_=0)), 0))
        .where(MemberCoupon.template_id == template_id, MemberCoupon.member_id == member_id,
               MemberCoupon.status != CouponStatus.REVOKED)).one()
    return int(row[0]), int(row[1])


def _issue(session: Session, template: CouponTemplate, member_id: int, *, source: str,
           key: str | None = None, slot: int = 0) -> MemberCoupon:
    """Issue one coupon of ``template`` (the member's row is already locked): per-member
    limits, then the stock, then the row, its ledger entry and its day's timers."""
    now = utcnow()
    zone = shop_zone(session)
    today = local_today(zone, now)
    held, held_today = _held_counts(session, template.id, member_id, today)
    if template.per_member_limit and held >= template.per_member_limit:
        raise CouponRefused(f"at most {template.per_member_limit} per member",
                            code=CouponErrorCode.LIMIT,
                            extra={"per_member_limit": template.per_member_limit})
    if template.per_day_limit and held_today >= template.per_day_limit:
        raise CouponRefused(f"at most {template.per_day_limit} a day",
                            code=CouponErrorCode.DAY_LIMIT,
                            extra={"per_day_limit": template.per_day_limit})
    if not _take_stock(session, template.id):
        raise CouponRefused("this coupon is all given out", code=CouponErrorCode.SOLD_OUT)
    window = validity_window(template, now, zone)
    coupon = MemberCoupon(template_id=template.id, member_id=member_id, source=source[:24],
                          issue_key=key, issue_slot=slot, claimed_on=today,
                          valid_from=window.valid_from, valid_until=window.valid_until)
    session.add(coupon)
    session.flush()
    _event(session, coupon, "issue", f"issue-{coupon.id}", source=source)
    schedule_days(session, coupon.valid_until)
    return coupon


def _lock_member(session: Session, member_id: int) -> None:
    from runtime.modules.members.service import lock_member

    lock_member(session, member_id)


def claim(session: Session, member_id: int, template_id: int) -> MemberCoupon:
    """A member claims a coupon (coupon centre, strip): it must be claimable now, for the
    member's level, within the limits and the stock."""
    from runtime.modules.members.levels import member_benefits

    _lock_member(session, member_id)
    template = session.scalar(select(CouponTemplate).where(CouponTemplate.id == template_id,
                                                            CouponTemplate.claimable.is_(True)))
    if template is None:
        raise CouponNotFound(f"no coupon {template_id} to claim")
    if not claim_open(template, utcnow()):
        raise CouponRefused("this coupon cannot be claimed now", code=CouponErrorCode.NOT_OPEN)
    if template.level_ids and member_benefits(session, member_id).level_id \
            not in template.level_ids:
        raise Forbidden("this coupon is for other member levels", code=CouponErrorCode.LEVEL)
    return _issue(session, template, member_id, source="claim")


def issue_by_key(session: Session, member_id: int, template_ids: Sequence[int], source: str,
                 key: str) -> list[int]:
    """One coupon of each template, once per ``key`` (the ``issue_coupons`` hook, pushes,
    the new-member gift): with coupons under the key already, their ids and nothing more.
    A template that is stopped, sold out, over a limit or unknown is skipped."""
    if not key or len(key) > 160:
        raise ValueError("an idempotency key of 1-160 characters")
    _lock_member(session, member_id)
    existing = list(session.scalars(select(MemberCoupon.id).where(
        MemberCoupon.issue_key == key).order_by(MemberCoupon.issue_slot)))
    if existing:
        return existing
    templates = {t.id: t for t in session.scalars(select(CouponTemplate).where(
        CouponTemplate.id.in_(set(template_ids))))}
    issued: list[int] = []
    for slot, template_id in enumerate(template_ids):
        template = templates.get(template_id)
        if template is None or template.status != "active":
            continue
        try:
            with session.begin_nested():
                issued.append(_issue(session, template, member_id, source=source, key=key,
                                     slot=slot).id)
        except CouponRefused:
            continue
    return issued


def revoke_by_key(session: Session, key: str) -> int:
    """Take back the unused coupons issued under ``key``; their stock goes back."""
    coupons = list(session.scalars(select(MemberCoupon).where(
        MemberCoupon.issue_key == key, MemberCoupon.status == CouponStatus.UNUSED)
        .with_for_update()))
    for coupon in coupons:
        coupon.status = CouponStatus.REVOKED
        session.execute(update(CouponTemplate).where(CouponTemplate.id == coupon.template_id,
                                                     CouponTemplate.issued > 0)
                        .values(issued=CouponTemplate.issued - 1)
                        .execution_options(synchronize_session=False))
        _event(session, coupon, "revoke", f"revoke-{coupon.id}")
    session.flush()
    return len(coupons)


def give_signup_gift(session: Session, member_id: int) -> list[int]:
    from runtime.modules.coupons.settings import coupon_settings

    ids = coupon_settings(session).signup_template_ids
    return issue_by_key(session, member_id, list(ids), "signup", f"signup-{member_id}") \
        if ids else []


# --- what members see -----------------------------------------------------------------------


def claimable(session: Session, ids: Iterable[int] | None = None, limit: int = 50
              ) -> list[CouponTemplate]:
    """Templates open for claiming now (the coupon centre; ``ids``: the strip's picks, in
    their order)."""
    now = utcnow()
    query = (select(CouponTemplate).where(
        CouponTemplate.claimable.is_(True), CouponTemplate.status == "active",
        or_(CouponTemplate.claim_from.is_(None), CouponTemplate.claim_from <= now),
        or_(CouponTemplate.claim_until.is_(None), CouponTemplate.claim_until > now),
        or_(CouponTemplate.valid_until.is_(None), CouponTemplate.valid_until > now))
        .order_by(CouponTemplate.id.desc()).limit(limit))
    if ids is not None:
        wanted = list(ids)
        rows = {t.id: t for t in session.scalars(query.where(CouponTemplate.id.in_(wanted)))}
        return [rows[i] for i in wanted if i in rows]
    return list(session.scalars(query))


def claim_states(session: Session, member_id: int | None, template_ids: Sequence[int]
                 ) -> dict[int, dict[str, Any]]:
    """Per template: ``claimed`` (the member holds one), ``can_claim`` (limit not reached)
    and ``left`` — the per-member state the cached strip leaves out."""
    templates = {t.id: t for t in session.scalars(select(CouponTemplate).where(
        CouponTemplate.id.in_(template_ids)))}
    counts: dict[int, int] = {}
    if member_id is not None and templates:
        counts = dict(session.execute(select(MemberCoupon.template_id, func.count())
                                      .where(MemberCoupon.member_id == member_id,
                                             MemberCoupon.template_id.in_(templates),
                                             MemberCoupon.status != CouponStatus.REVOKED)
                                      .group_by(MemberCoupon.template_id)).all())
    out = {}
    for tid, t in templates.items():
        held = counts.get(tid, 0)
        left = None if t.total == -1 else max(t.total - t.issued, 0)
        out[tid] = {"id": tid, "claimed": held > 0, "held": held, "left": left,
                    "can_claim": (left is None or left > 0) and (
                        not t.per_member_limit or held < t.per_member_limit)}
    return out


def coupon_cards(session: Session, templates: Sequence[CouponTemplate]) -> list[dict[str, Any]]:
    zone = shop_zone(session)
    return [card(t, zone) for t in templates]


def member_coupons(session: Session, member_id: int, status: str | None = None
                   ) -> list[tuple[MemberCoupon, CouponTemplate]]:
    """The member's coupons (all, or of one status; a coupon past its end still marked
    unused is shown as expired)."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed.single("/status", "unused, used, expired or revoked", "enum")
    now = utcnow()
    query = (select(MemberCoupon, CouponTemplate)
             .join(CouponTemplate, CouponTemplate.id == MemberCoupon.template_id)
             .where(MemberCoupon.member_id == member_id)
             .order_by(MemberCoupon.valid_until, MemberCoupon.id))
    if status == CouponStatus.UNUSED:
        query = query.where(MemberCoupon.status == status, MemberCoupon.valid_until > now)
    elif status == CouponStatus.EXPIRED:
        query = query.where(or_(MemberCoupon.status == status, and_(
            MemberCoupon.status == CouponStatus.UNUSED, MemberCoupon.valid_until <= now)))
    elif status is not None:
        query = query.where(MemberCoupon.status == status)
    return [(c, t) for c, t in session.execute(query.limit(200)).all()]


def usable_counts(session: Session, member_ids: Sequence[int]) -> dict[int, int]:
    """How many unused, unexpired coupons each of these members holds (members with none
    left out): the user card's 优惠券 figure."""
    rows = session.execute(
        select(MemberCoupon.member_id, func.count())
        .where(MemberCoupon.member_id.in_(member_ids),
               MemberCoupon.status == CouponStatus.UNUSED, MemberCoupon.valid_until > utcnow())
        .group_by(MemberCoupon.member_id))
    return {member_id: count for member_id, count in rows}


def coupon_view(coupon: MemberCoupon, template: CouponTemplate, zone: Any,
                now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    status = coupon.status
    if status == CouponStatus.UNUSED and coupon.valid_until <= now:
        status = CouponStatus.EXPIRED
    return {**card(template, zone), "id": coupon.id, "template_id": template.id,
            "status": str(status), "source": coupon.source,
            "valid_from": coupon.valid_from.isoformat(),
            "valid_until": coupon.valid_until.isoformat(),
            "usable_now": status == CouponStatus.UNUSED and coupon.valid_from <= now,
            "order_id": coupon.order_id, "product_ids": list(template.product_ids or ()),
            "category_ids": list(template.category_ids or ())}


# --- with orders ----------------------------------------------------------------------------


def coupon_ids_of(adjustments: Iterable[Any]) -> list[int]:
    """The member coupon ids named by an order's adjustments (``coupon:<id>``)."""
    ids = []
    for adjustment in adjustments:
        source = adjustment["source"] if isinstance(adjustment, dict) else adjustment.source
        prefix, _, rest = str(source).partition(":")
        if prefix == "coupon" and rest.isdigit():
            ids.append(int(rest))
    return ids


def use_for_order(session: Session, order: Any) -> None:
    """Mark the order's coupon used (inside the submit transaction); a coupon that is not
    the member's, no longer unused or out of its window refuses the order (409)."""
    adjustments = (order.pricing or {}).get("adjustments", [])
    for coupon_id in coupon_ids_of(adjustments):
        amount = next(a["amount_fen"] for a in adjustments
                      if a["source"] == f"coupon:{coupon_id}")
        coupon = session.scalar(select(MemberCoupon).where(MemberCoupon.id == coupon_id)
                                .with_for_update())
        now = utcnow()
        if coupon is not None and coupon.order_id == order.id:
            continue
        if (coupon is None or coupon.member_id != order.member_id
                or coupon.status != CouponStatus.UNUSED
                or not coupon.valid_from <= now < coupon.valid_until):
            raise Conflict("the coupon cannot be used any more; ask for a new quote",
                           code=CouponErrorCode.UNAVAILABLE, extra={"coupon_id": coupon_id})
        coupon.status = CouponStatus.USED
        coupon.order_id = order.id
        coupon.used_at = now
        coupon.discount_fen = amount
        _event(session, coupon, "use", f"use-{order.id}-{coupon.id}", order.id,
               discount_fen=amount)
    session.flush()


def return_for_order(session: Session, order: Any, reason: str) -> int:
    """The order closed unpaid or was wholly refunded: its coupon is unused again with its
    original expiry (expired when that has passed). Once per order."""
    now = utcnow()
    returned = 0
    for coupon in session.scalars(select(MemberCoupon).where(
            MemberCoupon.order_id == order.id, MemberCoupon.status == CouponStatus.USED)
            .with_for_update()):
        if not _event(session, coupon, "return", f"return-{order.id}-{coupon.id}", order.id,
                      reason=reason):
            continue
        coupon.status = (CouponStatus.UNUSED if coupon.valid_until > now
                         else CouponStatus.EXPIRED)
        coupon.order_id = None
        coupon.used_at = None
        coupon.discount_fen = 0
        coupon.order_paid_fen = 0
        returned += 1
    session.flush()
    return returned


def record_paid(session: Session, order: Any) -> None:
    """What the order using a coupon paid (the console's 用券成交额)."""
    session.execute(update(MemberCoupon).where(MemberCoupon.order_id == order.id,
                                               MemberCoupon.status == CouponStatus.USED)
                    .values(order_paid_fen=order.paid_fen)
                    .execution_options(synchronize_session=False))


# --- expiry ---------------------------------------------------------------------------------


def day_job_id(shop_id: int, day: date) -> str:
    from runtime.jobs import job_id

    return job_id("coupons-day", shop_id, day.isoformat())


def schedule_days(session: Session, valid_until: datetime) -> None:
    """After commit: the shop's daily job on the day before ``valid_until`` (the reminder)
    and at the first local midnight at or after it (the expiry). A job already scheduled
    for that day is kept."""
    from runtime.jobs import enqueue_for_app_after_commit
    from runtime.modules.coupons.jobs import run_day

    shop_id = current_shop_id(session)
    assert shop_id is not None
    zone = shop_zone(session)
    end_day = (valid_until - timedelta(microseconds=1)).astimezone(zone).date()
    for day in (end_day, end_day + timedelta(days=1)):
        at = local_midnight(zone, day)
        if at > utcnow():
            enqueue_for_app_after_commit(session, run_day, shop_id, day.isoformat(),
                                         jid=day_job_id(shop_id, day), at=at)


def expire_due(session: Session, now: datetime | None = None) -> int:
    """Unused coupons whose end has passed become EXPIRED (ledger row each)."""
    now = now or utcnow()
    coupons = list(session.scalars(select(MemberCoupon).where(
        MemberCoupon.status == CouponStatus.UNUSED, MemberCoupon.valid_until <= now)
        .with_for_update().limit(5000)))
    for coupon in coupons:
        coupon.status = CouponStatus.EXPIRED
        _event(session, coupon, "expire", f"expire-{coupon.id}")
    session.flush()
    return len(coupons)


def remind_due(session: Session, now: datetime | None = None) -> int:
    """A notice to each member holding an unused coupon that ends within ``remind_hours``,
    once per coupon."""
    from runtime.modules.coupons.settings import coupon_settings
    from runtime.modules.members.notices import notify

    hours = coupon_settings(session).remind_hours
    if not hours:
        return 0
    now = now or utcnow()
    rows = session.execute(
        select(MemberCoupon, CouponTemplate.name)
        .join(CouponTemplate, CouponTemplate.id == MemberCoupon.template_id)
        .where(MemberCoupon.status == CouponStatus.UNUSED, MemberCoupon.reminded_at.is_(None),
               MemberCoupon.valid_until > now,
               MemberCoupon.valid_until <= now + timedelta(hours=hours))
        .limit(5000)).all()
    zone = shop_zone(session)
    for coupon, name in rows:
        ends = coupon.valid_until.astimezone(zone)
        notify(session, coupon.member_id, kind="coupon_expiring", title="优惠券即将过期",
               body=f"你的「{name}」将于 {ends:%m月%d日 %H:%M} 过期，记得使用。",
               data={"member_coupon_id": coupon.id}, dedupe_key=f"coupon-expiring-{coupon.id}")
        coupon.reminded_at = now
    session.flush()
    return len(rows)


# --- the console ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateStats:
    claimed: int = 0
    used: int = 0
    discount_fen: int = 0
    paid_fen: int = 0


def template_stats(session: Session, template_ids: Sequence[int]) -> dict[int, TemplateStats]:
    """Per template: coupons issued (revoked left out), used, the discount they gave and
    what the orders using them paid — one query."""
    used = func.sum(case((MemberCoupon.status == CouponStatus.USED, 1), else_=0))
    rows = session.execute(
        select(MemberCoupon.template_id, func.count(), func.coalesce(used, 0),
               func.coalesce(func.sum(MemberCoupon.discount_fen), 0),
               func.coalesce(func.sum(MemberCoupon.order_paid_fen), 0))
        .where(MemberCoupon.template_id.in_(template_ids),
               MemberCoupon.status != CouponStatus.REVOKED)
        .group_by(MemberCoupon.template_id)).all()
    return {tid: TemplateStats(int(c), int(u), int(d), int(p)) for tid, c, u, d, p in rows}


def get_member_coupon(session: Session, coupon_id: int) -> MemberCoupon:
    coupon = session.scalar(select(MemberCoupon).where(MemberCoupon.id == coupon_id))
    if coupon is None:
        raise CouponNotFound(f"no coupon {coupon_id}")
    return coupon



def get_template_of(session: Session, coupon: MemberCoupon) -> CouponTemplate:
    template = session.scalar(select(CouponTemplate).where(
        CouponTemplate.id == coupon.template_id))
    assert template is not None
    return template
