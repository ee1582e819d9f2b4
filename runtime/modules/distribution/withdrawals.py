"""Withdrawals (提现) of the available commission balance.

Applying checks the method is offered, ``amount_fen`` is at least ``withdraw_min_fen``, at
most the available balance (never while it is negative) and within the shop-day's
``withdraw_daily_limit_fen`` — each refusal a 422 at ``/amount_fen`` with nothing frozen —
then, with the distributor row locked, freezes the amount (``fee = floor(amount × fee %)``).
To the balance (``wallet``) it is paid at once through the wallet module; to a bank account
or WeChat change it waits for the merchant: AUDITING -> REJECTED (returned), or APPROVED ->
PAID | FAILED (returned) — by hand for a bank account (finance transferred it), by WeChat
Pay's merchant transfer for WeChat change (:mod:`runtime.modules.distribution.transfers`).
A withdrawal number given by the client makes the request idempotent: the same number
answers the same withdrawal.
"""

from __future__ import annotations

import re
import secrets
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.distribution import ledger
from runtime.modules.distribution.models import (
    DistributorStatus,
    LedgerKind,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from runtime.modules.distribution.service import ErrorCode, distributor_of
from runtime.modules.distribution.settings import DistributionSettings, distribution_settings
from runtime.modules.members.models import Member
from runtime.modules.wallet.service import credit_income
from runtime.shoptime import local_midnight, local_today, shop_zone

NO_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
W = WithdrawalStatus


def new_no() -> str:
    return "WD" + utcnow().strftime("%y%m%d%H%M%S") + secrets.token_hex(5)


def fee_of(settings: DistributionSettings, amount_fen: int) -> int:
    return int((Decimal(amount_fen) * settings.withdraw_fee_rate / 100)
               .to_integral_value(ROUND_FLOOR))


TRANSFER_MIN_FEN = 10
"""WeChat Pay transfers at least 0.10 yuan."""


def _methods(settings: DistributionSettings) -> list[str]:
    return [m for m, on in ((WithdrawalMethod.WALLET, settings.withdraw_to_wallet),
                            (WithdrawalMethod.WECHAT, settings.withdraw_to_wechat),
                            (WithdrawalMethod.BANK, settings.withdraw_to_bank)) if on]


def _wechat_account(errors: FieldErrors, session: Session, member_id: int) -> dict[str, str]:
    openid = session.scalar(select(Member.openid).where(Member.id == member_id))
    if not openid:
        errors.add("/method", "log in with WeChat to withdraw to WeChat change",
                   "openid_missing")
        return {}
    return {"openid": openid}


def _bank_account(errors: FieldErrors, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        errors.add("/account", "name, bank and card_no of the account", "required")
        return {}
    out = {}
    for key, limit in (("name", 32), ("bank", 64), ("card_no", 32)):
        text = value.get(key)
        if not isinstance(text, str) or not text.strip() or len(text) > limit:
            errors.add(f"/account/{key}", f"1 to {limit} characters", "required")
        else:
            out[key] = text.strip()
    if out.get("card_no") and not out["card_no"].replace(" ", "").isdigit():
        errors.add("/account/card_no", "digits only", "invalid")
    return out


def today_total(session: Session, member_id: int) -> int:
    """What the member asked to withdraw since the shop's midnight (not rejected or failed)."""
    zone = shop_zone(session)
    since = local_midnight(zone, local_today(zone, utcnow()))
    return int(session.scalar(select(func.coalesce(func.sum(Withdrawal.amount_fen), 0)).where(
        Withdrawal.member_id == member_id, Withdrawal.applied_at >= since,
        Withdrawal.status.not_in([W.REJECTED, W.FAILED]))) or 0)


def apply(session: Session, member_id: int, body: dict[str, Any]) -> Withdrawal:
    """Ask to withdraw ``amount_fen`` by ``method`` (``wallet`` | ``bank`` with
    ``account``); ``no`` optional (8-40 letters, digits, ``_``, ``-``) for idempotency."""
    settings = distribution_settings(session)
    errors = FieldErrors()
    errors.unknown(body, ("amount_fen", "method", "account", "no"))
    amount = errors.integer(body, "amount_fen", 1, 10**10)
    method = body.get("method")
    if method not in _methods(settings):
        errors.add("/method", f"one of {', '.join(_methods(settings)) or 'none offered'}",
                   "enum")
    no = body.get("no")
    if no is not None and (not isinstance(no, str) or not NO_RE.match(no)):
        errors.add("/no", "8 to 40 letters, digits, '_' or '-'", "pattern")
    elif no is not None and method == WithdrawalMethod.WECHAT and len(no) > 32:
        errors.add("/no", "at most 32 characters for WeChat change", "pattern")
    account = _bank_account(errors, body.get("account")) if method == WithdrawalMethod.BANK \
        else _wechat_account(errors, session, member_id) if method == WithdrawalMethod.WECHAT \
        else {}
    errors.raise_if_any()
    if no is not None:
        existing = session.scalar(select(Withdrawal).where(Withdrawal.no == no))
        if existing is not None:
            if existing.member_id != member_id:
                raise Conflict("this withdrawal number is taken", code="withdrawal_no_taken")
            return existing
    distributor = distributor_of(session, member_id)
    if distributor is None:
        raise NotFound("not a distributor of this shop", code=ErrorCode.NOT_DISTRIBUTOR)
    locked = ledger.lock_distributors(session, [member_id])[member_id]
    if locked.status != DistributorStatus.ACTIVE:
        raise Conflict(f"the distributor is {locked.status}: no withdrawal",
                       code="distributor_not_active", extra={"status": locked.status})
    assert amount is not None
    if amount < settings.withdraw_min_fen:
        raise ValidationFailed.single("/amount_fen", f"at least {settings.withdraw_min_fen} fen",
                                      "below_minimum")
    if locked.available_fen <= 0 or amount > locked.available_fen:
        raise ValidationFailed.single(
            "/amount_fen", f"at most the available {max(locked.available_fen, 0)} fen",
            "above_available")
    if method == WithdrawalMethod.WECHAT and amount - fee_of(settings, amount) < TRANSFER_MIN_FEN:
        raise ValidationFailed.single("/amount_fen", f"WeChat transfers at least "
                                      f"{TRANSFER_MIN_FEN} fen after the fee", "below_minimum")
    if today_total(session, member_id) + amount > settings.withdraw_daily_limit_fen:
        raise ValidationFailed.single(
            "/amount_fen", f"at most {settings.withdraw_daily_limit_fen} fen a day",
            "above_daily_limit")
    now = utcnow()
    row = Withdrawal(no=no or new_no(), member_id=member_id, method=method, amount_fen=amount,
                     fee_fen=fee_of(settings, amount), account=account, applied_at=now,
                     status=W.AUDITING)
    session.add(row)
    session.flush()
    ledger.post(session, locked, LedgerKind.WITHDRAW, f"w{row.id}-freeze", available=-amount,
                frozen=amount, withdrawal_id=row.id)
    if method == WithdrawalMethod.WALLET:
        row.status = W.APPROVED
        row.decided_at = now
        _paid(session, row)
    return row


def get_withdrawal(session: Session, withdrawal_id: Any, member_id: int | None = None
                   ) -> Withdrawal:
    row = session.get(Withdrawal, withdrawal_id) \
        if isinstance(withdrawal_id, int) and not isinstance(withdrawal_id, bool) else None
    if row is None or (member_id is not None and row.member_id != member_id):
        raise NotFound("no such withdrawal")
    return row


def _locked(session: Session, withdrawal_id: Any, expect: WithdrawalStatus) -> Withdrawal:
    row = get_withdrawal(session, withdrawal_id)
    ledger.lock_distributors(session, [row.member_id])
    row = session.scalar(select(Withdrawal).where(Withdrawal.id == row.id).with_for_update()
                         .execution_options(populate_existing=True))
    assert row is not None
    if row.status != expect:
        raise Conflict(f"the withdrawal is {row.status}", code="withdrawal_state",
                       extra={"status": row.status})
    return row


def _paid(session: Session, row: Withdrawal) -> None:
    distributor = ledger.lock_distributors(session, [row.member_id])[row.member_id]
    if row.method == WithdrawalMethod.WALLET and row.net_fen > 0:
        credit_income(session, row.member_id, row.net_fen, key=f"distribution-{row.no}",
                      reason="commission_withdrawal", ref_type="withdrawal", ref_id=row.no)
    ledger.post(session, distributor, LedgerKind.PAY_OUT, f"w{row.id}-paid",
                frozen=-row.amount_fen, withdrawn=row.amount_fen, withdrawal_id=row.id)
    row.status = W.PAID
    row.paid_at = utcnow()
    session.flush()


def _returned(session: Session, row: Withdrawal, status: WithdrawalStatus, reason: Any) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed.single("/reason", "say why", "required")
    distributor = ledger.lock_distributors(session, [row.member_id])[row.member_id]
    ledger.post(session, distributor, LedgerKind.RELEASE, f"w{row.id}-release",
                frozen=-row.amount_fen, available=row.amount_fen, withdrawal_id=row.id)
    row.status = status
    row.reason = reason.strip()[:200]
    row.decided_at = row.decided_at or utcnow()
    session.flush()


def approve(session: Session, withdrawal_id: Any) -> Withdrawal:
    """Approve; to WeChat change the transfer is sent by a job once this commits."""
    row = _locked(session, withdrawal_id, W.AUDITING)
    row.status = W.APPROVED
    row.decided_at = utcnow()
    session.flush()
    if row.method == WithdrawalMethod.WECHAT:
        from runtime.modules.distribution.transfers import queue_transfer

        queue_transfer(session, row)
    return row


def reject(session: Session, withdrawal_id: Any, reason: Any) -> Withdrawal:
    row = _locked(session, withdrawal_id, W.AUDITING)
    _returned(session, row, W.REJECTED, reason)
    return row


def _by_hand(session: Session, withdrawal_id: Any) -> Withdrawal:
    """An approved withdrawal finance settles by hand (never one WeChat Pay transfers)."""
    row = _locked(session, withdrawal_id, W.APPROVED)
    if row.method == WithdrawalMethod.WECHAT:
        raise Conflict("WeChat Pay reports this transfer's outcome", code="withdrawal_by_wechat")
    return row


def mark_paid(session: Session, withdrawal_id: Any) -> Withdrawal:
    """Finance transferred an approved bank withdrawal by hand."""
    row = _by_hand(session, withdrawal_id)
    _paid(session, row)
    return row


def mark_failed(session: Session, withdrawal_id: Any, reason: Any) -> Withdrawal:
    row = _by_hand(session, withdrawal_id)
    _returned(session, row, W.FAILED, reason)
    return row


def list_withdrawals(session: Session, *, member_id: int | None = None,
                     status: str | None = None, before: int | None = None,
                     limit: int = 20) -> list[Withdrawal]:
    query = select(Withdrawal).order_by(Withdrawal.id.desc()).limit(limit)
    if member_id is not None:
        query = query.where(Withdrawal.member_id == member_id)
    if status:
        query = query.where(Withdrawal.status == status)
    if before:
        query = query.where(Withdrawal.id < before)
    return list(session.scalars(query))


def as_dict(row: Withdrawal) -> dict[str, Any]:
    return {"id": row.id, "no": row.no, "method": row.method, "amount_fen": row.amount_fen,
            "fee_fen": row.fee_fen, "net_fen": row.net_fen, "status": row.status,
            "reason": row.reason, "transfer_state": row.transfer_state,
            "applied_at": row.applied_at.isoformat(),
            "paid_at": row.paid_at.isoformat() if row.paid_at else None}
