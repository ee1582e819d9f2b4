"""Stored value (储值): the ledger verbs — top-up credit, paying an order, refunding to the
balance, paying unused principal back out, manual adjustment — and the reconciliation.

Every verb locks the member's wallet account, returns the earlier entry when its
idempotency key was used before, writes one ledger row and moves ``principal_fen`` and
``bonus_fen`` in step. A payment takes principal and bonus in proportion to what the
account holds; a refund of that payment gives them back in the proportion it took them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.wallet import locks
from runtime.modules.wallet.errors import InsufficientBalance, WalletErrorCode
from runtime.modules.wallet.models import (
    Payout,
    PayoutStatus,
    Reconciliation,
    TopUp,
    TopUpStatus,
    WalletAccount,
    WalletEntry,
    WalletEntryKind,
)
from runtime.modules.wallet.settings import WalletSettings, wallet_settings

ORDER = "order"
TOPUP = "topup"


@dataclass(frozen=True)
class WalletBalance:
    principal_fen: int
    bonus_fen: int

    @property
    def balance_fen(self) -> int:
        return self.principal_fen + self.bonus_fen

    def as_dict(self) -> dict[str, int]:
        return {"balance_fen": self.balance_fen, "principal_fen": self.principal_fen,
                "bonus_fen": self.bonus_fen}


@dataclass(frozen=True)
class WalletCharge:
    """What paying with balance took: the entry, and its principal and bonus parts."""

    entry: WalletEntry
    applied: bool
    principal_fen: int
    bonus_fen: int

    @property
    def amount_fen(self) -> int:
        return self.principal_fen + self.bonus_fen


def _check_key(key: str) -> None:
    if not key or len(key) > 120:
        raise ValueError("an idempotency key of 1-120 characters is required")


def _existing(session: Session, key: str, member_id: int) -> WalletEntry | None:
    entry = session.scalar(select(WalletEntry).where(WalletEntry.idempotency_key == key))
    if entry is not None and entry.member_id != member_id:
        raise Conflict(f"idempotency key {key!r} belongs to another member",
                       code=WalletErrorCode.IDEMPOTENCY_KEY_REUSED.value)
    return entry


def account_for_update(session: Session, member_id: int) -> WalletAccount:
    return locks.accounts_for_update(session, [member_id])[0]


def balance_of(session: Session, member_id: int) -> WalletBalance:
    row = session.execute(select(WalletAccount.principal_fen, WalletAccount.bonus_fen)
                          .where(WalletAccount.member_id == member_id)).first()
    return WalletBalance(*row) if row else WalletBalance(0, 0)


def balances_of(session: Session, member_ids: list[int]) -> dict[int, WalletBalance]:
    """Balances of several members at once (members without an account are left out)."""
    return {m: WalletBalance(p, b) for m, p, b in session.execute(
        select(WalletAccount.member_id, WalletAccount.principal_fen, WalletAccount.bonus_fen)
        .where(WalletAccount.member_id.in_(member_ids)))}


def _write(session: Session, account: WalletAccount, principal_delta: int, bonus_delta: int,
           *, kind: str, reason: str, key: str, ref_type: str = "", ref_id: str = "",
           detail: dict[str, Any] | None = None) -> WalletEntry:
    account.principal_fen += principal_delta
    account.bonus_fen += bonus_delta
    if account.principal_fen < 0 or account.bonus_fen < 0:
        raise RuntimeError("a wallet write would leave a negative part; callers must check")
    entry = WalletEntry(member_id=account.member_id, kind=kind,
                        principal_delta_fen=principal_delta, bonus_delta_fen=bonus_delta,
                        principal_after_fen=account.principal_fen,
                        bonus_after_fen=account.bonus_fen, reason=reason, ref_type=ref_type,
                        ref_id=ref_id, idempotency_key=key, detail=detail or {})
    session.add(entry)
    session.flush()
    return entry


def split(principal_fen: int, bonus_fen: int, amount_fen: int) -> tuple[int, int]:
    """(principal part, bonus part) of ``amount_fen`` taken in proportion to the balance; the
    bonus part is rounded down, so taking the whole balance takes exactly both parts."""
    total = principal_fen + bonus_fen
    if amount_fen > total:
        raise ValueError("amount exceeds the balance")
    bonus_part = amount_fen * bonus_fen // total if total else 0
    return amount_fen - bonus_part, bonus_part


# --- paying orders --------------------------------------------------------------------------


def _charge(session: Session, member_id: int, amount_fen: int, *, key: str, reason: str,
            ref_type: str, ref_id: str) -> WalletCharge:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed.single("/amount_fen", "a positive whole number of fen")
    _check_key(key)
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return WalletCharge(existing, False, -existing.principal_delta_fen,
                            -existing.bonus_delta_fen)
    if account.balance_fen < amount_fen:
        raise InsufficientBalance(account.balance_fen, amount_fen)
    principal, bonus = split(account.principal_fen, account.bonus_fen, amount_fen)
    entry = _write(session, account, -principal, -bonus, kind=WalletEntryKind.PAY,
                   reason=reason, key=key, ref_type=ref_type, ref_id=ref_id)
    return WalletCharge(entry, True, principal, bonus)


def pay_for_order(session: Session, member_id: int, order_id: int,
                  amount_fen: int) -> WalletCharge:
    """Pay an order with balance (key ``order-pay-<order>``); :class:`InsufficientBalance`
    when the balance does not cover it. Safe to retry."""
    return _charge(session, member_id, amount_fen, key=f"order-pay-{order_id}",
                   reason="order_payment", ref_type=ORDER, ref_id=str(order_id))


def pay_for_card(session: Session, member_id: int, *, key: str, amount_fen: int,
                 plan_id: int) -> WalletCharge:
    """Pay a membership card with balance, once per ``key``."""
    return _charge(session, member_id, amount_fen, key=key, reason="card_purchase",
                   ref_type="card_plan", ref_id=str(plan_id))


def refund_to_balance(session: Session, member_id: int, order_id: int, refund_id: int | str,
                      amount_fen: int) -> WalletEntry:
    """Refund part or all of a balance-paid order back to the balance (key
    ``order-refund-<order>-<refund>``). Principal and bonus come back in the proportion
    the payment took them, rounded on the running total so a full refund restores both
    exactly; never more than the order paid with balance."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed.single("/amount_fen", "a positive whole number of fen")
    key = f"order-refund-{order_id}-{refund_id}"
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return existing
    rows = list(session.scalars(select(WalletEntry).where(
        WalletEntry.member_id == member_id, WalletEntry.ref_type == ORDER,
        WalletEntry.ref_id == str(order_id))))
    paid = [e for e in rows if e.kind == WalletEntryKind.PAY]
    refunds = [e for e in rows if e.kind == WalletEntryKind.REFUND]
    charged_principal = -sum(e.principal_delta_fen for e in paid)
    charged_bonus = -sum(e.bonus_delta_fen for e in paid)
    charged = charged_principal + charged_bonus
    refunded_bonus = sum(e.bonus_delta_fen for e in refunds)
    refunded = sum(e.delta_fen for e in refunds)
    if charged == 0:
        raise Conflict(f"order {order_id} was not paid with balance",
                       code=WalletErrorCode.REFUND_EXCEEDS_CHARGE.value)
    if refunded + amount_fen > charged:
        raise Conflict(f"at most {charged - refunded} fen of order {order_id} is left to refund "
                       "to the balance", code=WalletErrorCode.REFUND_EXCEEDS_CHARGE.value,
                       extra={"refundable_fen": charged - refunded})
    bonus_target = charged_bonus * (refunded + amount_fen) // charged
    bonus = bonus_target - refunded_bonus
    return _write(session, account, amount_fen - bonus, bonus, kind=WalletEntryKind.REFUND,
                  reason="order_refund", key=key, ref_type=ORDER, ref_id=str(order_id),
                  detail={"refund_id": str(refund_id)})


def credit_income(session: Session, member_id: int, amount_fen: int, *, key: str,
                  reason: str, ref_type: str, ref_id: str) -> WalletEntry:
    """Credit money the member earned in the shop (e.g. commission withdrawn to the
    balance) as principal, once per ``key``."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed.single("/amount_fen", "a positive whole number of fen")
    _check_key(key)
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return existing
    return _write(session, account, amount_fen, 0, kind=WalletEntryKind.INCOME, reason=reason,
                  key=key, ref_type=ref_type, ref_id=ref_id)


@dataclass(frozen=True)
class Adjustment:
    entry: WalletEntry
    applied: bool  # False: the key had been used before and nothing changed


def adjust(session: Session, member_id: int, *, principal_delta_fen: int = 0,
           bonus_delta_fen: int = 0, key: str) -> Adjustment:
    """A merchant's manual change of either part (the caller writes the audit entry)."""
    _check_key(key)
    errors = FieldErrors()
    for name, value in (("principal_delta_fen", principal_delta_fen),
                        ("bonus_delta_fen", bonus_delta_fen)):
        if isinstance(value, bool) or not isinstance(value, int) \
                or abs(value) > 100_000_000:
            errors.append(FieldError(f"/{name}", "a whole number of fen", "type"))
    if not errors and principal_delta_fen == 0 and bonus_delta_fen == 0:
        errors.append(FieldError("/principal_delta_fen", "give a non-zero change", "range"))
    errors.raise_if_any()
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        return Adjustment(existing, False)
    if account.principal_fen + principal_delta_fen < 0 or account.bonus_fen + bonus_delta_fen < 0:
        raise InsufficientBalance(account.balance_fen,
                                  -(min(principal_delta_fen, 0) + min(bonus_delta_fen, 0)))
    return Adjustment(_write(session, account, principal_delta_fen, bonus_delta_fen,
                             kind=WalletEntryKind.ADJUST, reason="manual_adjustment", key=key),
                      True)


def history(session: Session, member_id: int, *, limit: int = 20,
            before_id: int | None = None) -> list[WalletEntry]:
    query = (select(WalletEntry).where(WalletEntry.member_id == member_id)
             .order_by(WalletEntry.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(WalletEntry.id < before_id)
    return list(session.scalars(query))


# --- top-ups --------------------------------------------------------------------------------


def check_topup_amount(settings: WalletSettings, amount_fen: Any) -> int:
    if not settings.topup_enabled:
        raise Conflict("top-ups are closed in this shop", code=WalletErrorCode.TOPUP_DISABLED)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise ValidationFailed.single("/amount_fen", "a whole number of fen", "type")
    if not settings.allow_custom_amount and \
            amount_fen not in {t.pay_fen for t in settings.topup_tiers}:
        raise ValidationFailed.single("/amount_fen", "choose one of the top-up tiers", "enum")
    if not settings.min_topup_fen <= amount_fen <= settings.max_topup_fen:
        raise ValidationFailed.single(
            "/amount_fen", f"from {settings.min_topup_fen} to {settings.max_topup_fen} fen",
            "range")
    return amount_fen


def new_out_trade_no() -> str:
    return "TU" + utcnow().strftime("%y%m%d%H%M%S") + secrets.token_hex(6)


def create_topup(session: Session, member_id: int, amount_fen: Any) -> TopUp:
    """A pending top-up; its bonus is fixed now from the tier the amount reaches."""
    settings = wallet_settings(session)
    amount = check_topup_amount(settings, amount_fen)
    topup = TopUp(member_id=member_id, out_trade_no=new_out_trade_no(), amount_fen=amount,
                  bonus_fen=settings.bonus_for(amount), status=TopUpStatus.PENDING)
    session.add(topup)
    session.flush()
    return topup


def get_topup(session: Session, topup_id: int, member_id: int | None = None) -> TopUp:
    query = select(TopUp).where(TopUp.id == topup_id)
    if member_id is not None:
        query = query.where(TopUp.member_id == member_id)
    topup = session.scalar(query)
    if topup is None:
        raise NotFound(f"no top-up {topup_id}", code=WalletErrorCode.TOPUP_NOT_FOUND.value)
    return topup


def confirm_topup(session: Session, out_trade_no: str, *, paid_fen: int, transaction_id: str,
                  paid_at: datetime | None = None) -> TopUp:
    """The payment of a top-up succeeded: credit principal and bonus (key ``topup-<id>``).
    Repeating it (a replayed notification, a query) changes nothing."""
    topup = locks.topup_for_update(session, out_trade_no)
    if topup is None:
        raise NotFound(f"no top-up {out_trade_no}", code=WalletErrorCode.TOPUP_NOT_FOUND.value)
    if paid_fen != topup.amount_fen:
        raise Conflict(f"paid {paid_fen} fen for a {topup.amount_fen} fen top-up",
                       code=WalletErrorCode.TOPUP_AMOUNT_MISMATCH.value)
    if topup.status == TopUpStatus.PAID:
        return topup
    account = account_for_update(session, topup.member_id)
    _write(session, account, topup.amount_fen, topup.bonus_fen, kind=WalletEntryKind.TOPUP,
           reason="topup_paid", key=f"topup-{topup.id}", ref_type=TOPUP, ref_id=str(topup.id),
           detail={"transaction_id": transaction_id})
    # paid even when it had been closed: the money arrived, so the member gets the credit
    topup.status = TopUpStatus.PAID
    topup.transaction_id = transaction_id
    topup.paid_at = paid_at or utcnow()
    session.flush()
    return topup


def close_topup(session: Session, out_trade_no: str) -> TopUp:
    topup = locks.topup_for_update(session, out_trade_no)
    if topup is None:
        raise NotFound(f"no top-up {out_trade_no}", code=WalletErrorCode.TOPUP_NOT_FOUND.value)
    if topup.status == TopUpStatus.PENDING:
        topup.status = TopUpStatus.CLOSED
        session.flush()
    return topup


# --- paying unused principal back out -------------------------------------------------------


@dataclass(frozen=True)
class PayoutPlan:
    entry: WalletEntry
    payouts: list[Payout]
    forfeited_bonus_fen: int
    kept_principal_fen: int  # principal that did not come from a refundable top-up


def refund_unused_principal(session: Session, member_id: int, *, key: str) -> PayoutPlan:
    """Pay the unused principal back through the top-ups it came from (latest first, each
    at most what is left of it); the bonus is forfeited. The ledger is debited now and one
    :class:`Payout` per top-up waits for the job that sends it to WeChat Pay."""
    _check_key(key)
    account = account_for_update(session, member_id)
    existing = _existing(session, key, member_id)
    if existing is not None:
        payouts = list(session.scalars(select(Payout).where(Payout.entry_id == existing.id)
                                       .order_by(Payout.id)))
        return PayoutPlan(existing, payouts, -existing.bonus_delta_fen,
                          int(existing.detail.get("kept_principal_fen", 0)))
    topups = list(session.scalars(
        select(TopUp).where(TopUp.member_id == member_id, TopUp.status == TopUpStatus.PAID,
                            TopUp.refunded_fen < TopUp.amount_fen)
        .order_by(TopUp.paid_at.desc(), TopUp.id.desc()).with_for_update()))
    left = account.principal_fen
    parts: list[tuple[TopUp, int]] = []
    for topup in topups:
        if left == 0:
            break
        part = min(topup.amount_fen - topup.refunded_fen, left)
        parts.append((topup, part))
        left -= part
    paid_out = account.principal_fen - left
    if paid_out == 0:
        raise Conflict("there is no refundable principal", code=WalletErrorCode.NOTHING_TO_REFUND,
                       extra={"principal_fen": account.principal_fen})
    bonus = account.bonus_fen
    entry = _write(session, account, -paid_out, -bonus, kind=WalletEntryKind.PAYOUT,
                   reason="unused_principal_refund", key=key,
                   detail={"forfeited_bonus_fen": bonus, "kept_principal_fen": left})
    payouts = []
    for n, (topup, part) in enumerate(parts, start=1):
        topup.refunded_fen += part
        payout = Payout(member_id=member_id, topup_id=topup.id, entry_id=entry.id,
                        out_refund_no=f"RW{entry.id}x{n}{secrets.token_hex(4)}"[:32],
                        amount_fen=part, status=PayoutStatus.PENDING)
        session.add(payout)
        payouts.append(payout)
    session.flush()
    return PayoutPlan(entry, payouts, bonus, left)


def payout_failed(session: Session, payout: Payout, error: str) -> None:
    """WeChat Pay refused or closed a payout: the principal goes back onto the balance
    (key ``payout-return-<id>``) and the top-up is refundable again."""
    if payout.status == PayoutStatus.FAILED:
        return
    account = account_for_update(session, payout.member_id)
    topup = session.scalar(select(TopUp).where(TopUp.id == payout.topup_id).with_for_update())
    payout.status = PayoutStatus.FAILED
    payout.error = error[:300]
    payout.finished_at = utcnow()
    if topup is not None:
        topup.refunded_fen -= payout.amount_fen
    _write(session, account, payout.amount_fen, 0, kind=WalletEntryKind.ADJUST,
           reason="payout_failed", key=f"payout-return-{payout.id}", ref_type="payout",
           ref_id=str(payout.id), detail={"error": error[:200]})


# --- reconciliation -------------------------------------------------------------------------


def reconcile(session: Session) -> Reconciliation:
    """Check every account of the shop against its ledger: the stored parts must equal the
    sums of the entries' deltas, and the last entry's ``*_after`` must equal them too. The
    run and every difference are recorded; differences are logged as errors."""
    import logging

    sums = {member_id: (int(p or 0), int(b or 0)) for member_id, p, b in session.execute(
        select(WalletEntry.member_id, func.sum(WalletEntry.principal_delta_fen),
               func.sum(WalletEntry.bonus_delta_fen)).group_by(WalletEntry.member_id))}
    last_ids = select(func.max(WalletEntry.id)).group_by(WalletEntry.member_id)
    last = {e.member_id: e for e in session.scalars(
        select(WalletEntry).where(WalletEntry.id.in_(last_ids)))}
    accounts = list(session.scalars(select(WalletAccount).order_by(WalletAccount.member_id)))
    differences: list[dict[str, Any]] = []
    seen = set()
    for account in accounts:
        seen.add(account.member_id)
        ledger_p, ledger_b = sums.get(account.member_id, (0, 0))
        tail = last.get(account.member_id)
        tail_p, tail_b = (tail.principal_after_fen, tail.bonus_after_fen) if tail else (0, 0)
        if (account.principal_fen, account.bonus_fen) != (ledger_p, ledger_b) or \
                (tail_p, tail_b) != (ledger_p, ledger_b):
            differences.append({
                "member_id": account.member_id,
                "account": {"principal_fen": account.principal_fen,
                            "bonus_fen": account.bonus_fen},
                "ledger": {"principal_fen": ledger_p, "bonus_fen": ledger_b},
                "last_entry": {"principal_fen": tail_p, "bonus_fen": tail_b}})
    for member_id, (ledger_p, ledger_b) in sums.items():
        if member_id not in seen:
            differences.append({"member_id": member_id, "account": None,
                                "ledger": {"principal_fen": ledger_p, "bonus_fen": ledger_b}})
    run = Reconciliation(accounts_checked=len(accounts), differences=differences,
                         ok=not differences)
    session.add(run)
    session.flush()
    if differences:
        logging.getLogger(__name__).error(
            "wallet reconciliation: %d account(s) differ from their ledger: %s",
            len(differences), [d["member_id"] for d in differences])
    return run
