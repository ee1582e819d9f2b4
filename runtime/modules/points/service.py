"""Points (积分): the ledger verbs every other module calls.

Each verb locks the member's account (:mod:`runtime.modules.points.locks`), returns the
existing entry when its idempotency key was used before, and otherwise writes one ledger
row and moves the balance in step. The balance never goes below zero: a debit that does
not fit raises :class:`InsufficientPoints`, except reversals after a refund, which take
what is there and record the shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules.points import locks
from runtime.modules.points.errors import InsufficientPoints, KeyReused, PointsErrorCode
from runtime.modules.points.models import EntryKind, PointAccount, PointEntry
from runtime.modules.points.settings import PointsSettings, points_settings
from runtime.shoptime import shop_zone

ORDER = "order"
_DEFAULT = object()


@dataclass(frozen=True)
class LedgerResult:
    entry: PointEntry
    applied: bool  # False: the key had been used before and nothing changed


@dataclass(frozen=True)
class DeductionOffer:
    """What checkout may deduct: ``points_per_yuan`` points are worth 100 fen, at most
    ``max_percent`` % of the goods (the fields of the orders pipeline's ``PointsOffer``)."""

    balance: int
    points_per_yuan: int
    max_percent: int
    enabled: bool


@dataclass(frozen=True)
class RefundPoints:
    """What a refund did to points: earned points taken back, spent points given back."""

    reversed: int
    returned: int
    shortfall: int  # earned points that could not be taken back (already spent)


def _check_key(key: str) -> None:
    if not key or len(key) > 120:
        raise ValueError("an idempotency key of 1-120 characters is required")


def _existing(session: Session, key: str, member_id: int) -> PointEntry | None:
    entry = session.scalar(select(PointEntry).where(PointEntry.idempotency_key == key))
    if entry is not None and entry.member_id != member_id:
        raise KeyReused(f"idempotency key {key!r} belongs to another member")
    return entry


def account_for_update(session: Session, member_id: int) -> PointAccount:
    return locks.accounts_for_update(session, [member_id])[0]


def balance_of(session: Session, member_id: int) -> int:
    return session.scalar(select(PointAccount.balance)
                          .where(PointAccount.member_id == member_id)) or 0


def balances_of(session: Session, member_ids: list[int]) -> dict[int, int]:
    """Points of several members at once (members without an account are left out)."""
    return dict(session.execute(select(PointAccount.member_id, PointAccount.balance)
                                .where(PointAccount.member_id.in_(member_ids))).all())


def get_account(session: Session, member_id: int) -> PointAccount | None:
    return session.scalar(select(PointAccount).where(PointAccount.member_id == member_id))


def _write(session: Session, account: PointAccount, delta: int, *, kind: str, reason: str,
           key: str, ref_type: str, ref_id: str, detail: dict[str, Any] | None,
           remaining: int = 0, expires_at: datetime | None = None) -> PointEntry:
    account.balance += delta
    entry = PointEntry(member_id=account.member_id, kind=kind, delta=delta,
                       balance_after=account.balance, reason=reason, ref_type=ref_type,
                       ref_id=ref_id, idempotency_key=key, remaining=remaining,
                       expires_at=expires_at, detail=detail or {})
    session.add(entry)
    session.flush()
    return entry


def credit(session: Session, member_id: int, points: int, *, reason: str, key: str,
           kind: str = EntryKind.EARN, ref_type: str = "", ref_id: str = "",
           detail: dict[str, Any] | None = None, expires_at: Any = _DEFAULT,
           settings: PointsSettings | None = None) -> LedgerResult:
    """Add ``points`` as a new lot that expires by the shop's policy (or at ``expires_at``)."""
    _check_key(key)
    if points <= 0:
        raise ValueError("credit needs a positive number of points")
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return LedgerResult(existing, False)
    if expires_at is _DEFAULT:
        settings = settings or points_settings(session)
        expires_at = settings.lot_expiry(utcnow(), shop_zone(session))
    if kind == EntryKind.EARN:
        account.earned_total += points
    entry = _write(session, account, points, kind=kind, reason=reason, key=key,
                   ref_type=ref_type, ref_id=ref_id, detail=detail, remaining=points,
                   expires_at=expires_at)
    return LedgerResult(entry, True)


def _open_lots(session: Session, member_id: int,
               prefer: tuple[str, str] | None) -> list[PointEntry]:
    lots = list(session.scalars(
        select(PointEntry).where(PointEntry.member_id == member_id, PointEntry.remaining > 0)
        .order_by(PointEntry.expires_at.is_(None), PointEntry.expires_at, PointEntry.id)))
    if prefer is not None:
        lots.sort(key=lambda lot: (lot.ref_type, lot.ref_id) != prefer)
    return lots


def _consume(session: Session, account: PointAccount, points: int,
             prefer: tuple[str, str] | None = None) -> dict[str, int]:
    """Take ``points`` out of the open lots, soonest-expiring first (``prefer``'s lots before
    all others); returns {lot id: points taken}."""
    taken: dict[str, int] = {}
    left = points
    for lot in _open_lots(session, account.member_id, prefer):
        if left == 0:
            break
        part = min(lot.remaining, left)
        lot.remaining -= part
        left -= part
        taken[str(lot.id)] = part
    if left:
        raise RuntimeError(f"point lots of member {account.member_id} hold {points - left} but "
                           f"the balance says {account.balance}; run the points reconciliation")
    return taken


def debit(session: Session, member_id: int, points: int, *, reason: str, key: str,
          kind: str = EntryKind.SPEND, ref_type: str = "", ref_id: str = "",
          detail: dict[str, Any] | None = None) -> LedgerResult:
    """Take ``points`` off the balance; :class:`InsufficientPoints` when it does not cover them."""
    _check_key(key)
    if points <= 0:
        raise ValueError("debit needs a positive number of points")
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return LedgerResult(existing, False)
    if account.balance < points:
        raise InsufficientPoints(account.balance, points)
    lots = _consume(session, account, points)
    if kind == EntryKind.SPEND:
        account.spent_total += points
    entry = _write(session, account, -points, kind=kind, reason=reason, key=key,
                   ref_type=ref_type, ref_id=ref_id, detail={**(detail or {}), "lots": lots})
    return LedgerResult(entry, True)


def adjust(session: Session, member_id: int, delta: int, *, key: str,
           reason: str = "manual_adjustment") -> LedgerResult:
    """A merchant's manual change (the caller writes the audit entry with the reason)."""
    if delta == 0:
        raise ValidationFailed.single("/delta", "must not be zero", "range")
    if delta > 0:
        return credit(session, member_id, delta, reason=reason, key=key, kind=EntryKind.ADJUST)
    return debit(session, member_id, -delta, reason=reason, key=key, kind=EntryKind.ADJUST)


# --- earning --------------------------------------------------------------------------------


def earn_for_action(session: Session, member_id: int, action: str, *, key: str,
                    settings: PointsSettings | None = None) -> LedgerResult | None:
    """The shop's reward for a one-off action (signup, bind_phone, complete_profile)."""
    settings = settings or points_settings(session)
    points = settings.points_for_action(action)
    if points <= 0:
        return None
    return credit(session, member_id, points, reason=action, key=key, settings=settings)


def points_for_paid(paid_fen: int, per_yuan: int, multiplier: Decimal) -> int:
    """Points for ``paid_fen``: ``per_yuan`` per whole yuan times the level multiplier, floored."""
    value = Decimal(paid_fen) * per_yuan * multiplier / 100
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def earn_for_order(session: Session, member_id: int, order_id: int, paid_fen: int,
                   multiplier: Decimal = Decimal("1"),
                   settings: PointsSettings | None = None) -> LedgerResult | None:
    """Points for a paid order (key ``order-earn-<order>``); None when the rule gives none."""
    settings = settings or points_settings(session)
    points = points_for_paid(paid_fen, settings.earn_points_per_yuan, multiplier)
    if points <= 0:
        return None
    return credit(session, member_id, points, reason="order_paid", key=f"order-earn-{order_id}",
                  ref_type=ORDER, ref_id=str(order_id), settings=settings,
                  detail={"paid_fen": paid_fen, "multiplier": str(multiplier),
                          "per_yuan": settings.earn_points_per_yuan})


# --- checkout deduction ---------------------------------------------------------------------


def deduction_offer(session: Session, member_id: int,
                    settings: PointsSettings | None = None) -> DeductionOffer:
    settings = settings or points_settings(session)
    return DeductionOffer(balance_of(session, member_id), settings.deduction_points_per_yuan,
                          settings.deduction_max_percent, settings.deduction_enabled)


def spend_for_order(session: Session, member_id: int, order_id: int, points: int,
                    amount_fen: int) -> LedgerResult:
    """Take the points a new order deducts (积分抵扣); key ``order-spend-<order>``."""
    settings = points_settings(session)
    if not settings.deduction_enabled:
        raise ValidationFailed.single("/use_points", "points deduction is switched off",
                                      PointsErrorCode.DEDUCTION_DISABLED.value)
    return debit(session, member_id, points, reason="order_deduction",
                 key=f"order-spend-{order_id}", ref_type=ORDER, ref_id=str(order_id),
                 detail={"amount_fen": amount_fen})


def _order_entries(session: Session, member_id: int, order_id: int) -> list[PointEntry]:
    return list(session.scalars(select(PointEntry).where(
        PointEntry.member_id == member_id, PointEntry.ref_type == ORDER,
        PointEntry.ref_id == str(order_id)).order_by(PointEntry.id)))


def release_for_order(session: Session, member_id: int, order_id: int) -> LedgerResult | None:
    """Give back every point an order deducted when it closes unpaid (key
    ``order-release-<order>``); None when it deducted none."""
    account_for_update(session, member_id)
    spent = sum(-e.delta for e in _order_entries(session, member_id, order_id)
                if e.reason == "order_deduction")
    if spent <= 0:
        return None
    return credit(session, member_id, spent, reason="order_closed", kind=EntryKind.REFUND,
                  key=f"order-release-{order_id}", ref_type=ORDER, ref_id=str(order_id))


def reverse_for_refund(session: Session, member_id: int, order_id: int, refund_id: int | str,
                       *, paid_fen: int, refunded_total_fen: int) -> RefundPoints:
    """After a refund: take back earned points and give back deducted points, each in
    proportion to the share of the order refunded so far (``refunded_total_fen`` of
    ``paid_fen``, this refund included). Rounding is on the running total, so a full
    refund always settles exactly. Keys ``order-reverse-<order>-<refund>`` and
    ``order-return-<order>-<refund>``; a retried refund changes nothing."""
    account = account_for_update(session, member_id)
    entries = _order_entries(session, member_id, order_id)
    reverse_key = f"order-reverse-{order_id}-{refund_id}"
    return_key = f"order-return-{order_id}-{refund_id}"
    done = {e.idempotency_key: e for e in entries if e.idempotency_key in
            (reverse_key, return_key)}
    marker_key = f"order-refund-{order_id}-{refund_id}"
    if done or _refund_seen(session, member_id, marker_key):
        rev = done.get(reverse_key)
        ret = done.get(return_key)
        return RefundPoints(-rev.delta if rev else 0, ret.delta if ret else 0,
                            int(rev.detail.get("shortfall", 0)) if rev else 0)
    share = Decimal(min(refunded_total_fen, paid_fen)) / paid_fen if paid_fen > 0 else Decimal(1)

    earned = sum(e.delta for e in entries if e.reason == "order_paid")
    reversed_before = sum(int(e.detail.get("target", 0)) for e in entries
                          if e.reason == "order_refund_reverse")
    reverse_target = int((earned * share).to_integral_value(rounding=ROUND_FLOOR))
    to_reverse = max(reverse_target - reversed_before, 0)

    spent = sum(-e.delta for e in entries if e.reason == "order_deduction")
    returned_before = sum(e.delta for e in entries if e.reason == "order_refund_return")
    return_target = int((spent * share).to_integral_value(rounding=ROUND_FLOOR))
    to_return = max(return_target - returned_before, 0)

    reversed_now = shortfall = returned_now = 0
    if to_return:
        credit(session, member_id, to_return, reason="order_refund_return",
               kind=EntryKind.REFUND, key=return_key, ref_type=ORDER, ref_id=str(order_id),
               detail={"refund_id": str(refund_id), "refunded_total_fen": refunded_total_fen})
        returned_now = to_return
    if to_reverse:
        take = min(to_reverse, account.balance)
        shortfall = to_reverse - take
        lots = _consume(session, account, take, prefer=(ORDER, str(order_id))) if take else {}
        _write(session, account, -take, kind=EntryKind.REVERSE, reason="order_refund_reverse",
               key=reverse_key, ref_type=ORDER, ref_id=str(order_id),
               detail={"refund_id": str(refund_id), "refunded_total_fen": refunded_total_fen,
                       "target": to_reverse, "shortfall": shortfall, "lots": lots})
        account.earned_total -= take
        reversed_now = take
    if not to_reverse and not to_return:
        _remember_refund(session, account, marker_key, order_id, refund_id)
    return RefundPoints(reversed_now, returned_now, shortfall)


def _refund_seen(session: Session, member_id: int, key: str) -> bool:
    return _existing(session, key, member_id) is not None


def _remember_refund(session: Session, account: PointAccount, key: str, order_id: int,
                     refund_id: int | str) -> None:
    """A refund that moved no points still leaves a zero row, so a retry is recognised."""
    _write(session, account, 0, kind=EntryKind.REVERSE, reason="order_refund_none", key=key,
           ref_type=ORDER, ref_id=str(order_id), detail={"refund_id": str(refund_id)})


# --- history --------------------------------------------------------------------------------


def history(session: Session, member_id: int, *, limit: int = 20,
            before_id: int | None = None) -> list[PointEntry]:
    query = (select(PointEntry).where(PointEntry.member_id == member_id, PointEntry.delta != 0)
             .order_by(PointEntry.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(PointEntry.id < before_id)
    return list(session.scalars(query))


def expiring_soon(session: Session, member_id: int, within_days: int) -> list[tuple[datetime, int]]:
    """(expiry instant, points) of the member's lots expiring within ``within_days``."""
    from datetime import timedelta

    now = utcnow()
    rows = session.execute(
        select(PointEntry.expires_at, func.sum(PointEntry.remaining))
        .where(PointEntry.member_id == member_id, PointEntry.remaining > 0,
               PointEntry.expires_at.is_not(None), PointEntry.expires_at > now,
               PointEntry.expires_at <= now + timedelta(days=within_days))
        .group_by(PointEntry.expires_at).order_by(PointEntry.expires_at))
    return [(at, int(total)) for at, total in rows]
