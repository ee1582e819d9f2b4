"""Withdrawals to WeChat change (零钱) by WeChat Pay's merchant transfer (商家转账).

Approval queues :func:`transfer_job`, which sends the bill (its ``out_bill_no`` is the
withdrawal's number, so a retry never pays twice) and applies what WeChat answers. The
bill's final state comes back by the verified ``MCHTRANSFER.BILL.FINISHED`` notification
(payments' ``transfer_finished`` hook), or from a query by :func:`transfer_sweeper` for
bills without one; WeChat never having received a bill makes the sweeper send it again.
SUCCESS moves the frozen amount to withdrawn (PAID); FAIL / CANCELLED returns it (FAILED).
Each outcome is applied once: the withdrawal row is locked and must still be APPROVED.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict
from runtime.jobs import enqueue_for_app_after_commit, for_each_shop, job_id, job_session
from runtime.modules.distribution import withdrawals
from runtime.modules.distribution.models import Withdrawal, WithdrawalMethod, WithdrawalStatus
from runtime.modules.payments import transfers as payments
from runtime.modules.payments.errors import PaymentMismatch
from runtime.modules.switches import is_enabled
from runtime.wechat.errors import TransactionNotFound, WechatPayApiError
from runtime.wechat.pay.objects import TransferBill

log = logging.getLogger(__name__)
REMARK = "分销佣金提现"
ASK_AFTER = timedelta(minutes=5)
"""The sweeper asks WeChat about a bill approved at least this long ago."""


def queue_transfer(session: Session, row: Withdrawal) -> None:
    """Send the transfer once the approval commits (one job per withdrawal)."""
    shop_id = current_shop_id(session)
    enqueue_for_app_after_commit(session, transfer_job, shop_id, row.id,
                                 jid=job_id("distribution-transfer", shop_id, row.id))


def _approved(session: Session, withdrawal_id: int) -> Withdrawal | None:
    row = session.get(Withdrawal, withdrawal_id)
    if row is None or row.status != WithdrawalStatus.APPROVED \
            or row.method != WithdrawalMethod.WECHAT:
        return None
    return row


def send(session: Session, withdrawal_id: int) -> str:
    """Send (or send again) the approved withdrawal's bill and apply the answer. A refusal
    by WeChat (4xx other than 429) fails the withdrawal; anything else leaves it for the
    sweeper."""
    row = _approved(session, withdrawal_id)
    if row is None:
        return "nothing to send"
    shop_id = current_shop_id(session)
    assert shop_id is not None
    try:
        bill = payments.send_transfer(session, shop_id, out_bill_no=row.no,
                                      openid=row.account.get("openid", ""),
                                      amount_fen=row.net_fen, remark=REMARK)
    except WechatPayApiError as error:
        if error.http_status >= 500 or error.http_status == 429:
            raise
        return apply(session, row.no, TransferBill(row.no, "", "FAIL", row.net_fen,
                                                   error.detail[:150], {}))
    return apply(session, row.no, bill)


def apply(session: Session, out_bill_no: str, bill: TransferBill) -> str:
    """WeChat's word on the bill: final states move the money once; others are noted."""
    row = session.scalar(select(Withdrawal).where(Withdrawal.no == out_bill_no,
                                                  Withdrawal.method == WithdrawalMethod.WECHAT))
    if row is None:
        return "unknown"
    if bill.amount_fen and bill.amount_fen != row.net_fen:
        log.error("transfer %s: %s fen reported, %s fen sent", row.no, bill.amount_fen,
                  row.net_fen)
        raise PaymentMismatch(f"transfer {row.no}: amount {bill.amount_fen} fen does not match")
    try:
        row = withdrawals._locked(session, row.id, WithdrawalStatus.APPROVED)
    except Conflict:
        return f"already {row.status}"
    row.transfer_bill_no = bill.transfer_bill_no or row.transfer_bill_no
    row.transfer_state = bill.state[:24]
    if bill.succeeded:
        withdrawals._paid(session, row)
        return "paid"
    if bill.failed:
        withdrawals._returned(session, row, WithdrawalStatus.FAILED,
                              f"微信转账失败：{bill.fail_reason or bill.state}")
        return "failed"
    session.flush()
    return bill.state.lower() or "sent"


def transfer_finished(session: Session, bill: TransferBill) -> bool | None:
    """The hook: a verified notification of a bill; None when it is not a withdrawal's."""
    return None if apply(session, bill.out_bill_no, bill) == "unknown" else True


def transfer_job(shop_id: int, withdrawal_id: int) -> str:
    """``distribution-transfer-<shop>-<withdrawal>``: send the approved transfer."""
    with job_session(shop_id) as session:
        if not is_enabled(session, "distribution"):
            return "module off"
        return send(session, withdrawal_id)


def sweep_shop(session: Session, now: Any = None) -> dict[str, str]:
    """Ask WeChat about approved transfers without a final answer; send again those it
    never received."""
    if not is_enabled(session, "distribution"):
        return {}
    cutoff = (now or utcnow()) - ASK_AFTER
    shop_id = current_shop_id(session)
    assert shop_id is not None
    rows = list(session.scalars(select(Withdrawal).where(
        Withdrawal.status == WithdrawalStatus.APPROVED,
        Withdrawal.method == WithdrawalMethod.WECHAT, Withdrawal.decided_at <= cutoff)
        .order_by(Withdrawal.id).limit(200)))
    done = {}
    for row in rows:
        try:
            bill = payments.query_transfer(session, shop_id, row.no)
        except TransactionNotFound:
            done[row.no] = send(session, row.id)
            continue
        done[row.no] = apply(session, row.no, bill)
    return done


def transfer_sweeper() -> dict[int, Any]:
    return for_each_shop(sweep_shop, "distribution transfers")
