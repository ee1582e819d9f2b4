"""A member's purchases: what the members module does on the ``order_paid`` and
``line_refunded`` hooks (:mod:`runtime.modules.members.hooks`).

:func:`on_order_paid` records the purchase (member stats, category spend for tag rules)
and adds growth; :func:`on_order_refunded` takes them back in proportion to the share
refunded (the points module does the same for points on the same hooks). Both are keyed by
order (and refund), so a retried call changes nothing. They run inside the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules.members.levels import add_growth
from runtime.modules.members.models import (
    GrowthEntry,
    LevelChange,
    LifecycleStage,
    Member,
    Purchase,
    PurchaseCategory,
)
from runtime.modules.members.service import lock_member
from runtime.modules.members.settings import MemberSettings, member_settings


@dataclass(frozen=True)
class PaidOrder:
    """A paid order as the members module needs it. ``paid_fen`` is what the buyer paid
    (WeChat Pay and balance, after discounts and points); ``category_fen`` splits it by
    catalog category (category id -> fen) for "bought from category X" tags."""

    member_id: int
    order_id: int
    paid_fen: int
    paid_at: datetime
    category_fen: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderRewards:
    growth: int
    level_change: LevelChange | None
    recorded: bool  # False when this order had been recorded before


def lifecycle_stage(last_purchase_at: datetime | None, now: datetime,
                    settings: MemberSettings) -> LifecycleStage:
    """new: never bought; active / dormant: last purchase within ``active_days`` /
    ``dormant_days``; lost: longer ago."""
    if last_purchase_at is None:
        return LifecycleStage.NEW
    days = (now - last_purchase_at).total_seconds() / 86400
    if days <= settings.active_days:
        return LifecycleStage.ACTIVE
    if days <= settings.dormant_days:
        return LifecycleStage.DORMANT
    return LifecycleStage.LOST


def growth_for_paid(paid_fen: int, per_yuan: int) -> int:
    return paid_fen * per_yuan // 100


def _check(order: PaidOrder) -> None:
    if isinstance(order.paid_fen, bool) or not isinstance(order.paid_fen, int) \
            or order.paid_fen < 0:
        raise ValidationFailed.single("/paid_fen", "a whole number of fen, 0 or more")
    for category_id, amount in order.category_fen.items():
        if not isinstance(category_id, int) or not isinstance(amount, int) or amount < 0:
            raise ValidationFailed.single("/category_fen", "category id -> fen, 0 or more")


def record_purchase(session: Session, order: PaidOrder,
                    settings: MemberSettings | None = None) -> bool:
    """Add a paid order to the member's stats once; False when it had been recorded."""
    _check(order)
    settings = settings or member_settings(session)
    member = lock_member(session, order.member_id)
    if session.scalar(select(Purchase.id).where(Purchase.order_id == order.order_id)):
        return False
    purchase = Purchase(member_id=member.id, order_id=order.order_id, paid_fen=order.paid_fen,
                        paid_at=order.paid_at)
    session.add(purchase)
    session.flush()
    session.add_all(PurchaseCategory(purchase_id=purchase.id, member_id=member.id,
                                     category_id=cid, amount_fen=amount)
                    for cid, amount in sorted(order.category_fen.items()))
    member.order_count += 1
    member.total_spent_fen += order.paid_fen
    if member.last_purchase_at is None or order.paid_at > member.last_purchase_at:
        member.last_purchase_at = order.paid_at
    member.lifecycle_stage = lifecycle_stage(member.last_purchase_at, utcnow(), settings)
    session.flush()
    return True


def on_order_paid(session: Session, order: PaidOrder) -> OrderRewards:
    """Record the purchase and add growth (``growth_per_yuan``; key
    ``order-growth-<order>``)."""
    settings = member_settings(session)
    recorded = record_purchase(session, order, settings)
    member = session.get(Member, order.member_id)
    assert member is not None
    growth = growth_for_paid(order.paid_fen, settings.growth_per_yuan)
    change = None
    if growth > 0:
        result = add_growth(session, member.id, growth, reason="order_paid",
                            key=f"order-growth-{order.order_id}", ref_type="order",
                            ref_id=str(order.order_id))
        growth, change = result.entry.delta, result.change
    return OrderRewards(growth, change, recorded)


def on_order_refunded(session: Session, *, member_id: int, order_id: int,
                      refund_id: int | str, paid_fen: int,
                      refunded_total_fen: int) -> int:
    """A refund of ``order_id`` succeeded; ``refunded_total_fen`` is everything refunded so
    far (this refund included) of ``paid_fen``. Spend stats drop by this refund, and growth
    is taken back in proportion (a full refund takes back exactly everything); returns the
    growth taken back."""
    if refunded_total_fen < 0 or (paid_fen and refunded_total_fen > paid_fen):
        raise ValidationFailed.single("/refunded_total_fen", "between 0 and the paid amount")
    member = lock_member(session, member_id)
    purchase = session.scalar(select(Purchase).where(Purchase.order_id == order_id)
                              .with_for_update())
    if purchase is not None and refunded_total_fen > purchase.refunded_fen:
        member.total_spent_fen -= refunded_total_fen - purchase.refunded_fen
        purchase.refunded_fen = refunded_total_fen
    share = Decimal(min(refunded_total_fen, paid_fen)) / paid_fen if paid_fen else Decimal(1)
    entries = list(session.scalars(select(GrowthEntry).where(
        GrowthEntry.member_id == member_id, GrowthEntry.ref_type == "order",
        GrowthEntry.ref_id == str(order_id))))
    earned = sum(e.delta for e in entries if e.reason == "order_paid")
    reversed_before = -sum(e.delta for e in entries if e.reason == "order_refund")
    target = int((earned * share).to_integral_value(rounding=ROUND_FLOOR))
    growth_reversed = 0
    key = f"order-growth-reverse-{order_id}-{refund_id}"
    already = next((e for e in entries if e.idempotency_key == key), None)
    if already is not None:
        growth_reversed = -already.delta
    elif target > reversed_before:
        result = add_growth(session, member_id, -(target - reversed_before),
                            reason="order_refund", key=key, ref_type="order",
                            ref_id=str(order_id))
        growth_reversed = -result.entry.delta
    session.flush()
    return growth_reversed
