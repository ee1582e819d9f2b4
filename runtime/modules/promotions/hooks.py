"""What promotions does when orders tell it something (hooks of
:mod:`runtime.modules.hookspecs`), each idempotent by order:

- ``order_created``: a discount with a per-member limit counts the order's units (a
  conditional UPDATE: racing orders never pass the limit; past it the order is refused);
- ``order_closed`` (unpaid) and ``order_refunded`` (wholly): the units are given back;
- ``order_paid``: the full-reduction tier's points and coupons are given
  (``promotions_gift_grants``, once per order and reduction); ``order_refunded`` takes
  them back (points as far as the balance allows, coupons through ``revoke_coupons``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict
from runtime.modules.hookspecs import hookimpl
from runtime.modules.promotions.models import (
    DiscountCounter,
    DiscountUse,
    GiftGrant,
    LimitedDiscount,
)
from runtime.upsert import upsert

DISCOUNT = "limited_discount:"
REDUCTION = "full_reduction:"


def _adjustments(order: Any, prefix: str) -> list[dict[str, Any]]:
    return [a for a in (order.pricing or {}).get("adjustments", [])
            if a["source"].startswith(prefix)]


def discount_units(order: Any, lines: list[Any]) -> dict[int, int]:
    """Units the order bought at each discount's price (lines the discount priced)."""
    units: dict[int, int] = {}
    for adj in _adjustments(order, DISCOUNT):
        discount_id = adj["meta"]["discount_id"]
        by_sku = adj["meta"].get("units", {})
        units[discount_id] = sum(by_sku.get(str(ln.sku_id), 0) for ln in lines
                                 if adj["source"] in (ln.adjustments or {}))
    return {d: n for d, n in units.items() if n > 0}


@hookimpl
def order_created(session: Session, order: Any, lines: list[Any]) -> None:
    units = discount_units(order, lines)
    if not units:
        return
    limits = dict(session.execute(select(LimitedDiscount.id, LimitedDiscount.per_member_limit)
                                  .where(LimitedDiscount.id.in_(units),
                                         LimitedDiscount.per_member_limit.is_not(None))).all())
    now = utcnow()
    shop_id = current_shop_id(session)
    for discount_id, limit in sorted(limits.items()):
        n = units[discount_id]
        upsert(session, DiscountCounter, {"shop_id": shop_id, "discount_id": discount_id,
                                          "member_id": order.member_id, "used": 0,
                                          "created_at": now, "updated_at": now},
               conflict=("shop_id", "discount_id", "member_id"))
        taken = session.execute(
            update(DiscountCounter)
            .where(DiscountCounter.discount_id == discount_id,
                   DiscountCounter.member_id == order.member_id,
                   DiscountCounter.used + n <= limit)
            .values(used=DiscountCounter.used + n, updated_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if not taken:
            raise Conflict(f"the limit of discount {discount_id} ({limit} per member) is "
                           "reached", code="discount_limit_reached",
                           extra={"discount_id": discount_id})
        session.add(DiscountUse(discount_id=discount_id, member_id=order.member_id,
                                order_id=order.id, qty=n))
    session.flush()


def release_units(session: Session, order: Any) -> int:
    """Give back what the order took of per-member limits (once: ``released_at``)."""
    now = utcnow()
    released = 0
    for use in session.scalars(select(DiscountUse).where(
            DiscountUse.order_id == order.id, DiscountUse.released_at.is_(None))
            .with_for_update()):
        session.execute(update(DiscountCounter)
                        .where(DiscountCounter.discount_id == use.discount_id,
                               DiscountCounter.member_id == use.member_id)
                        .values(used=DiscountCounter.used - use.qty, updated_at=now)
                        .execution_options(synchronize_session=False))
        use.released_at = now
        released += use.qty
    session.flush()
    return released


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    release_units(session, order)


@hookimpl
def order_paid(session: Session, order: Any) -> None:
    """The tier's gifts, once per order and reduction (key ``promotions-gift-<o>-<r>``)."""
    from runtime.modules.loader import hooks
    from runtime.modules.points import service as points

    for adj in _adjustments(order, REDUCTION):
        meta = adj["meta"]
        give_points, give_coupons = meta.get("give_points") or 0, meta.get("give_coupons") or []
        if not give_points and not give_coupons:
            continue
        grant = GiftGrant(order_id=order.id, member_id=order.member_id,
                          reduction_id=meta["reduction_id"], points=give_points)
        try:
            with session.begin_nested():
                session.add(grant)
                session.flush()
        except IntegrityError:
            continue  # granted already
        key = gift_key(order.id, meta["reduction_id"])
        if give_points:
            points.credit(session, order.member_id, give_points, reason="full_reduction_gift",
                          key=key, ref_type="order", ref_id=str(order.id))
        if give_coupons:
            issued = hooks(session).issue_coupons(
                session=session, member_id=order.member_id, template_ids=list(give_coupons),
                source="full_reduction", idempotency_key=key)
            grant.coupon_ids = [cid for ids in issued for cid in ids]
    session.flush()


def gift_key(order_id: int, reduction_id: int) -> str:
    return f"promotions-gift-{order_id}-{reduction_id}"


@hookimpl
def order_refunded(session: Session, order: Any) -> None:
    """Wholly refunded: the limits' units back, the gifts taken back."""
    from runtime.modules.loader import hooks
    from runtime.modules.points import service as points

    release_units(session, order)
    now = utcnow()
    for grant in session.scalars(select(GiftGrant).where(
            GiftGrant.order_id == order.id, GiftGrant.revoked_at.is_(None)).with_for_update()):
        key = gift_key(order.id, grant.reduction_id)
        if grant.points:
            back = min(grant.points, points.balance_of(session, grant.member_id))
            if back > 0:
                points.debit(session, grant.member_id, back, reason="full_reduction_gift_back",
                             key=f"{key}-back", kind=points.EntryKind.REVERSE,
                             ref_type="order", ref_id=str(order.id))
            grant.points_taken_back = back
        hooks(session).revoke_coupons(session=session, idempotency_key=key)
        grant.revoked_at = now
    session.flush()
