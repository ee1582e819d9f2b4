"""Paying: the provider interface (WeChat Pay JSAPI, stored-value balance, cash on
delivery), applying WeChat Pay's answers exactly once, reconciliation by query, refunds.

Payments owns the payment tables and knows an order only as a :class:`Payable` (id, number,
amount, deadline); it never imports the orders module. Orders asks it (``start_payment``,
``close_pending``, ``collect_cash_on_delivery``) and hears back through hooks:
``payment_lock`` (lock the order before the payment row) and ``payment_succeeded``.

``apply_transaction`` / ``apply_refund`` are the one place a payment or refund changes
state; notifications and queries both go through them. A notification is recorded by its
WeChat id first, so a replay changes nothing; a wrong amount, another merchant's order or
an unknown order changes nothing at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, ValidationFailed
from runtime.jobs import enqueue_for_app_after_commit
from runtime.modules.loader import hooks
from runtime.modules.members.service import get_member
from runtime.modules.payments.errors import PaymentErrorCode, PaymentMismatch, UnknownPayment
from runtime.modules.payments.models import (
    NotificationOutcome,
    Payment,
    PaymentMethod,
    PaymentNotification,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.objects import Notification, Transaction
from runtime.wechat.pay.objects import Refund as WechatRefund

log = logging.getLogger(__name__)

PREPAY_TTL = timedelta(hours=2)
PREPAY_REUSE_MARGIN = timedelta(minutes=5)


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # this notification id was handled before
    ALREADY_APPLIED = "already_applied"
    PAID_AFTER_CLOSE = "paid_after_close"
    IGNORED = "ignored"


# --- the provider interface ------------------------------------------------------------------


@dataclass(frozen=True)
class Payable:
    """What is to be paid, as orders describes it: payments stores no more of the order."""

    order_id: int
    order_no: str
    member_id: int
    amount_fen: int
    deadline: datetime  # WeChat refuses payment after it
    description: str


@dataclass(frozen=True)
class PayContext:
    """What a provider needs besides the session: who pays, and the shop's WeChat setup."""

    shop_id: int
    member_id: int
    wechat: Callable[[], Any] | None = None  # -> accounts.ShopWechat, loaded on first use
    client_ip: str = ""  # the payer's browser, for WeChat Pay H5 (members without an openid)


@dataclass(frozen=True)
class PayStart:
    """The answer to "pay this order": paid already, or the parameters for the client."""

    method: str
    paid: bool
    payment: Payment
    params: dict[str, Any] = field(default_factory=dict)
    h5_url: str | None = None

    def as_dict(self, order_status: str) -> dict[str, Any]:
        return {"method": self.method, "paid": self.paid, "order_status": order_status,
                "amount_fen": self.payment.amount_fen, "payment_status": self.payment.status,
                "request_payment": self.params or None, "h5_url": self.h5_url,
                "simulated": self.payment.simulated}


class PaymentProvider(Protocol):
    """One way to pay. ``start`` owns its transactions (it may wait on WeChat)."""

    method: PaymentMethod

    def start(self, session: Session, payable: Payable, ctx: PayContext) -> PayStart: ...


def _payment_for(session: Session, payable: Payable, method: PaymentMethod,
                 status: PaymentStatus = PaymentStatus.PENDING) -> Payment:
    """The order's payment row for ``method`` (one per order and method), created race-safe."""
    query = select(Payment).where(Payment.order_id == payable.order_id,
                                  Payment.method == method.value)
    payment = session.scalar(query)
    if payment is not None:
        return payment
    out_trade_no = payable.order_no if method == PaymentMethod.WECHATPAY else \
        f"{payable.order_no}{method.value[:1].upper()}"
    try:
        with session.begin_nested():
            payment = Payment(order_id=payable.order_id, method=method.value,
                              out_trade_no=out_trade_no, amount_fen=payable.amount_fen,
                              status=status.value)
            session.add(payment)
        return payment
    except IntegrityError:
        found = session.scalar(query)
        assert found is not None
        return found


def _succeeded(session: Session, payment: Payment, by: str) -> bool:
    """Tell the payment's owner (``payment_succeeded``); False when it no longer wants it."""
    return bool(hooks(session).payment_succeeded(session=session, payment=payment, by=by))


class WalletProvider:
    """储值余额: the whole payable comes off the member's balance (the wallet module, through
    the ``take_payment`` hook), at once. The caller holds the order's lock."""

    method = PaymentMethod.WALLET

    def start(self, session: Session, payable: Payable, ctx: PayContext) -> PayStart:
        payment = _payment_for(session, payable, self.method)
        taken = hooks(session).take_payment(session=session, payment=payment,
                                            member_id=payable.member_id)
        if not any(taken):
            raise ValidationFailed.single("/method", "paying with balance is not available",
                                          PaymentErrorCode.PAYMENT_METHOD_UNAVAILABLE.value)
        payment.status = PaymentStatus.SUCCEEDED.value
        payment.paid_at = utcnow()
        _succeeded(session, payment, "member")
        session.commit()
        return PayStart(self.method.value, True, payment)


class CashOnDeliveryProvider:
    """货到付款: the order ships now; the money is collected on delivery
    (:func:`collect_cash_on_delivery`). The caller holds the order's lock."""

    method = PaymentMethod.COD

    def start(self, session: Session, payable: Payable, ctx: PayContext) -> PayStart:
        payment = _payment_for(session, payable, self.method, PaymentStatus.COD_PENDING)
        _succeeded(session, payment, "member")
        session.commit()
        return PayStart(self.method.value, True, payment)


class WechatPayProvider:
    """WeChat Pay JSAPI for the mini-program: prepay, then ``wx.requestPayment`` params; for
    a member without an openid (H5 phone login), WeChat Pay H5: the cashier's ``h5_url``.

    The prepay call goes to WeChat outside any row lock: the payment row is committed
    first, then WeChat is asked, then the ``prepay_id`` is stored. The prepay carries the
    order's payment deadline as ``time_expire``, so WeChat refuses payment after it.
    """

    method = PaymentMethod.WECHATPAY

    def start(self, session: Session, payable: Payable, ctx: PayContext) -> PayStart:
        assert ctx.wechat is not None
        wechat = ctx.wechat()
        openid = get_member(session, payable.member_id).openid or ""
        if not openid:
            return self._start_h5(session, payable, ctx, wechat)
        payment = _payment_for(session, payable, self.method)
        client: WechatPayClient = wechat.pay_client()
        now = utcnow()
        reusable = (payment.prepay_id and payment.prepay_expires_at
                    and payment.prepay_expires_at > now + PREPAY_REUSE_MARGIN
                    and payment.mchid == wechat.config.mchid)
        if not reusable:
            payment.mchid, payment.appid = wechat.config.mchid, wechat.config.appid
            payment.simulated = wechat.simulator
            payment.payer_openid = openid
            deadline = payable.deadline
            session.commit()
            prepay_id = client.jsapi_prepay(
                out_trade_no=payment.out_trade_no, description=payable.description,
                amount_fen=payment.amount_fen, payer_openid=openid,
                notify_url=wechat.config.notify_url, attach=f"shop:{ctx.shop_id}",
                time_expire=deadline)
            payment.prepay_id = prepay_id
            payment.prepay_expires_at = min(now + PREPAY_TTL, deadline)
            session.commit()
        params = client.jsapi_payment_params(payment.prepay_id).as_dict()
        return PayStart(self.method.value, False, payment, params)

    def _start_h5(self, session: Session, payable: Payable, ctx: PayContext, wechat: Any
                  ) -> PayStart:
        if not ctx.client_ip:
            raise ValidationFailed.single("/method", "WeChat Pay needs a member who logged in "
                                          "with WeChat, or a browser",
                                          PaymentErrorCode.WECHAT_LOGIN_REQUIRED.value)
        payment = _payment_for(session, payable, self.method)
        payment.mchid, payment.appid = wechat.config.mchid, wechat.config.appid
        payment.simulated = wechat.simulator
        session.commit()
        h5_url = wechat.pay_client().h5_prepay(
            out_trade_no=payment.out_trade_no, description=payable.description,
            amount_fen=payment.amount_fen, payer_client_ip=ctx.client_ip,
            notify_url=wechat.config.notify_url, attach=f"shop:{ctx.shop_id}",
            time_expire=payable.deadline)
        return PayStart(self.method.value, False, payment, h5_url=h5_url)


PROVIDERS: dict[str, PaymentProvider] = {
    p.method.value: p for p in (WechatPayProvider(), WalletProvider(), CashOnDeliveryProvider())
}


def start_payment(session: Session, payable: Payable, method: PaymentMethod,
                  ctx: PayContext) -> PayStart:
    """Pay ``payable`` with ``method``; the caller (orders) checked the order may be paid
    this way, and holds its lock for the methods that settle at once."""
    return PROVIDERS[method.value].start(session, payable, ctx)


def close_pending(session: Session, order_id: int) -> None:
    """What is for ``order_id`` closed unpaid (or was paid another way): its payments still
    waiting for money can no longer be paid."""
    session.execute(update(Payment).where(Payment.order_id == order_id,
                                          Payment.status == PaymentStatus.PENDING)
                    .values(status=PaymentStatus.CLOSED)
                    .execution_options(synchronize_session=False))


def collect_cash_on_delivery(session: Session, order_id: int, amount_fen: int,
                             at: datetime) -> None:
    """The courier collected a cash-on-delivery order's money."""
    session.execute(update(Payment).where(Payment.order_id == order_id, Payment.method == "cod",
                                          Payment.status == PaymentStatus.COD_PENDING)
                    .values(status=PaymentStatus.COLLECTED, paid_at=at, amount_fen=amount_fen)
                    .execution_options(synchronize_session=False))


# --- applying WeChat Pay's answers -------------------------------------------------------------


def _record(session: Session, notification: Notification | None, *, out_trade_no: str = "",
            out_refund_no: str = "", payment_id: int | None) -> PaymentNotification | None:
    """Record the notification id; None when it was recorded before (a replay)."""
    if notification is None:
        return None
    row = PaymentNotification(notification_id=notification.id[:64],
                              event_type=notification.event_type[:40],
                              out_trade_no=out_trade_no[:32], out_refund_no=out_refund_no[:64],
                              payment_id=payment_id, outcome=NotificationOutcome.IGNORED.value,
                              resource=notification.resource, received_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
        return row
    except IntegrityError:
        return None


def _already_recorded(session: Session, notification: Notification | None) -> bool:
    return notification is not None and session.scalar(
        select(PaymentNotification.id).where(
            PaymentNotification.notification_id == notification.id[:64])) is not None


def apply_transaction(session: Session, tx: Transaction, *,
                      notification: Notification | None = None,
                      by: str = "wechat") -> Outcome:
    """Apply WeChat's view of a payment (a notification or a query answer), exactly once."""
    if _already_recorded(session, notification):
        return Outcome.DUPLICATE
    payment = session.scalar(select(Payment).where(Payment.out_trade_no == tx.out_trade_no,
                                                   Payment.method == "wechatpay"))
    if payment is None:
        raise UnknownPayment(f"no WeChat Pay payment {tx.out_trade_no} in this shop")
    if tx.mchid != payment.mchid or (payment.appid and tx.appid != payment.appid):
        raise PaymentMismatch(f"{tx.out_trade_no} belongs to merchant {tx.mchid}/{tx.appid}, "
                              f"not {payment.mchid}/{payment.appid}")
    if tx.paid and tx.total_fen != payment.amount_fen:
        log.error("WeChat Pay amount mismatch for %s: %s fen notified, %s fen expected",
                  tx.out_trade_no, tx.total_fen, payment.amount_fen)
        raise PaymentMismatch(f"amount {tx.total_fen} fen does not match the order's "
                              f"{payment.amount_fen} fen")
    hooks(session).payment_lock(session=session, payment=payment)
    payment = session.scalar(select(Payment).where(Payment.id == payment.id).with_for_update()
                             .execution_options(populate_existing=True))
    assert payment is not None
    record = _record(session, notification, out_trade_no=tx.out_trade_no,
                     payment_id=payment.id)
    if notification is not None and record is None:
        return Outcome.DUPLICATE
    outcome = _apply_paid(session, payment, tx, by)
    if record is not None:
        record.outcome = {Outcome.APPLIED: NotificationOutcome.APPLIED,
                          Outcome.ALREADY_APPLIED: NotificationOutcome.ALREADY_APPLIED,
                          Outcome.PAID_AFTER_CLOSE: NotificationOutcome.PAID_AFTER_CLOSE,
                          }.get(outcome, NotificationOutcome.IGNORED).value
    session.flush()
    return outcome


def _apply_paid(session: Session, payment: Payment, tx: Transaction, by: str) -> Outcome:
    if not tx.paid:
        return Outcome.IGNORED
    if payment.status == PaymentStatus.SUCCEEDED:
        return Outcome.ALREADY_APPLIED
    payment.status = PaymentStatus.SUCCEEDED.value
    payment.transaction_id = tx.transaction_id
    payment.payer_openid = tx.payer_openid or payment.payer_openid
    payment.paid_at = tx.success_time or utcnow()
    if _succeeded(session, payment, by):
        return Outcome.APPLIED
    shop_id = current_shop_id(session)
    assert shop_id is not None
    log.warning("%s was paid after its order closed: refunding", payment.out_trade_no)
    from runtime.modules.payments.jobs import refund_paid_after_close

    enqueue_for_app_after_commit(session, refund_paid_after_close, shop_id, payment.id,
                                 jid=f"refund-late-{shop_id}-{payment.id}")
    return Outcome.PAID_AFTER_CLOSE


REFUND_STATUS = {"SUCCESS": RefundStatus.SUCCEEDED, "CLOSED": RefundStatus.CLOSED,
                 "ABNORMAL": RefundStatus.ABNORMAL, "PROCESSING": RefundStatus.PROCESSING}


def apply_refund(session: Session, answer: WechatRefund, *,
                 notification: Notification | None = None) -> Outcome:
    """Apply WeChat's view of a refund (notification or query), exactly once."""
    if _already_recorded(session, notification):
        return Outcome.DUPLICATE
    refund = session.scalar(select(Refund).where(Refund.out_refund_no == answer.out_refund_no))
    if refund is None:
        raise UnknownPayment(f"no refund {answer.out_refund_no} in this shop")
    payment = session.get(Payment, refund.payment_id)
    assert payment is not None
    if answer.refund_fen and answer.refund_fen != refund.amount_fen:
        raise PaymentMismatch(f"refund amount {answer.refund_fen} fen does not match "
                              f"{refund.amount_fen} fen")
    hooks(session).payment_lock(session=session, payment=payment)
    payment = session.scalar(select(Payment).where(Payment.id == payment.id).with_for_update()
                             .execution_options(populate_existing=True))
    refund = session.scalar(select(Refund).where(Refund.id == refund.id).with_for_update()
                            .execution_options(populate_existing=True))
    assert payment is not None and refund is not None
    record = _record(session, notification, out_trade_no=payment.out_trade_no,
                     out_refund_no=refund.out_refund_no, payment_id=payment.id)
    if notification is not None and record is None:
        return Outcome.DUPLICATE
    target = REFUND_STATUS.get(answer.status)
    if target is None or target == RefundStatus.PROCESSING:
        outcome = Outcome.IGNORED
    elif refund.status != RefundStatus.PROCESSING:
        outcome = Outcome.ALREADY_APPLIED
    else:
        refund.status = target.value
        refund.refund_id = answer.refund_id or refund.refund_id
        if target == RefundStatus.SUCCEEDED:
            refund.succeeded_at = answer.success_time or utcnow()
            payment.refunded_fen += refund.amount_fen
        outcome = Outcome.APPLIED
        hooks(session).refund_settled(session=session, refund=refund, payment=payment)
    if record is not None:
        record.outcome = (NotificationOutcome.APPLIED if outcome == Outcome.APPLIED
                          else NotificationOutcome.ALREADY_APPLIED
                          if outcome == Outcome.ALREADY_APPLIED
                          else NotificationOutcome.IGNORED).value
    session.flush()
    return outcome


def handle_notification(session: Session, notification: Notification) -> Outcome:
    """A verified notification: a payment or a refund."""
    if notification.is_payment:
        return apply_transaction(session, notification.transaction(), notification=notification)
    if notification.is_refund:
        return apply_refund(session, notification.refund(), notification=notification)
    if notification.is_transfer:
        from runtime.modules.payments.transfers import apply_transfer

        return apply_transfer(session, notification.transfer_bill(), notification=notification)
    if not _already_recorded(session, notification):
        _record(session, notification, payment_id=None)
    return Outcome.IGNORED


# --- reconciliation and closing ----------------------------------------------------------------


def pending_wechat_payment(session: Session, order_id: int) -> Payment | None:
    return session.scalar(select(Payment).where(
        Payment.order_id == order_id, Payment.method == "wechatpay",
        Payment.status == PaymentStatus.PENDING, Payment.prepay_id != ""))


def reconcile(session: Session, payment: Payment, client: WechatPayClient) -> Outcome:
    """Ask WeChat about a payment whose notification never came, and apply the answer."""
    tx = client.query_by_out_trade_no(payment.out_trade_no)
    return apply_transaction(session, tx, by="reconcile")


def stale_pending_payments(session: Session, older_than: timedelta, limit: int = 200
                           ) -> list[tuple[int, int]]:
    """(shop_id, payment_id) of WeChat payments prepaid a while ago and still pending, across
    shops (the caller holds platform access)."""
    cutoff = utcnow() - older_than
    return [(shop_id, pid) for shop_id, pid in session.execute(
        select(Payment.shop_id, Payment.id)
        .where(Payment.method == "wechatpay", Payment.status == PaymentStatus.PENDING,
               Payment.prepay_id != "", Payment.updated_at <= cutoff)
        .order_by(Payment.id).limit(limit))]


# --- refunds -------------------------------------------------------------------------------------


MAX_REFUNDS_PER_PAYMENT = 50
"""WeChat Pay takes at most 50 partial refunds of one payment ..."""
REFUND_SPACING = timedelta(minutes=1)
"""... and wants them at least a minute apart."""


def _next_refund_no(session: Session, payment: Payment) -> str:
    count = len(session.scalars(select(Refund.id).where(Refund.payment_id == payment.id)).all())
    return f"RF{payment.out_trade_no}{count + 1:02d}"[:32]


def create_refund(session: Session, payment: Payment, amount_fen: int, reason: str, *,
                  out_refund_no: str | None = None) -> Refund:
    """Record a refund to send (PROCESSING); never more than what is left to refund, never
    more than WeChat's 50 refunds of one payment. ``out_refund_no`` is the caller's number
    (after-sales: the request's), so a retry finds the same refund."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed.single("/amount_fen", "a positive whole number of fen")
    if out_refund_no is not None:
        existing = session.scalar(select(Refund).where(Refund.out_refund_no == out_refund_no))
        if existing is not None:
            return existing
    rows = list(session.scalars(select(Refund).where(Refund.payment_id == payment.id)))
    if len(rows) >= MAX_REFUNDS_PER_PAYMENT:
        raise Conflict(f"{payment.out_trade_no} already has {len(rows)} refunds, WeChat Pay's "
                       "limit", code=PaymentErrorCode.REFUND_LIMIT_REACHED.value)
    pending = sum(r.amount_fen for r in rows
                  if r.status in (RefundStatus.PROCESSING, RefundStatus.SUCCEEDED,
                                  RefundStatus.ABNORMAL))
    if amount_fen > payment.amount_fen - pending:
        raise Conflict(f"at most {payment.amount_fen - pending} fen is left to refund",
                       code=PaymentErrorCode.REFUND_EXCEEDS_PAYMENT.value)
    refund = Refund(payment_id=payment.id, order_id=payment.order_id,
                    out_refund_no=out_refund_no or _next_refund_no(session, payment),
                    amount_fen=amount_fen, reason=reason[:80],
                    status=RefundStatus.PROCESSING.value)
    session.add(refund)
    session.flush()
    return refund


def next_send_at(session: Session, refund: Refund) -> datetime | None:
    """When ``refund`` may go to WeChat Pay: a minute after the payment's last refund sent
    (another refund's, or this one's previous try); None: now."""
    last = session.scalar(select(func.max(Refund.sent_at))
                          .where(Refund.payment_id == refund.payment_id))
    return last + REFUND_SPACING if last is not None else None


def send_refund(session: Session, refund: Refund, client: WechatPayClient) -> Outcome:
    """Ask WeChat to refund (safe to repeat: same ``out_refund_no``) and apply its answer.
    The send time is committed first; WeChat is asked holding no row lock."""
    payment = session.get(Payment, refund.payment_id)
    assert payment is not None
    refund.sent_at = utcnow()
    out_trade_no, total_fen = payment.out_trade_no, payment.amount_fen
    out_refund_no, amount_fen, reason = refund.out_refund_no, refund.amount_fen, refund.reason
    session.commit()
    answer = client.refund(out_trade_no=out_trade_no, out_refund_no=out_refund_no,
                           refund_fen=amount_fen, total_fen=total_fen, reason=reason)
    if answer.refund_id and not refund.refund_id:
        refund.refund_id = answer.refund_id
    return apply_refund(session, answer)


def refund_without_wechat(session: Session, payment: Payment, amount_fen: int, reason: str,
                          *, out_refund_no: str, member_id: int) -> Refund:
    """Refund a balance or cash-on-delivery payment at once, inside the caller's
    transaction: the balance goes back through the ``return_payment`` hook (wallet); cash
    on delivery is recorded as settled by hand. Idempotent by ``out_refund_no``."""
    existing = session.scalar(select(Refund).where(Refund.out_refund_no == out_refund_no))
    if existing is not None:
        return existing
    if payment.method == PaymentMethod.WECHATPAY:
        raise ValueError("WeChat Pay refunds go through create_refund and send_refund")
    refund = create_refund(session, payment, amount_fen, reason, out_refund_no=out_refund_no)
    if payment.method == PaymentMethod.WALLET:
        returned = hooks(session).return_payment(session=session, payment=payment,
                                                 member_id=member_id, amount_fen=amount_fen,
                                                 key=out_refund_no)
        if not any(returned):
            raise Conflict("no module takes balance refunds back",
                           code=PaymentErrorCode.PAYMENT_METHOD_UNAVAILABLE.value)
    refund.status = RefundStatus.SUCCEEDED.value
    refund.succeeded_at = utcnow()
    payment.refunded_fen += amount_fen
    session.flush()
    return refund


def payment_of_order(session: Session, order_id: int) -> Payment | None:
    """The payment that paid ``order_id`` (WeChat Pay, balance or cash on delivery)."""
    return session.scalar(select(Payment).where(
        Payment.order_id == order_id,
        Payment.status.in_([PaymentStatus.SUCCEEDED, PaymentStatus.COLLECTED,
                            PaymentStatus.COD_PENDING])).order_by(Payment.id))


def refund_by_no(session: Session, out_refund_no: str) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.out_refund_no == out_refund_no))


def payment_dicts(session: Session, order_id: int) -> list[dict[str, Any]]:
    payments = list(session.scalars(select(Payment).where(Payment.order_id == order_id)
                                    .order_by(Payment.id)))
    refunds = list(session.scalars(select(Refund).where(Refund.order_id == order_id)
                                   .order_by(Refund.id)))
    return [{"method": p.method, "status": p.status, "amount_fen": p.amount_fen,
             "out_trade_no": p.out_trade_no, "transaction_id": p.transaction_id,
             "paid_at": p.paid_at.isoformat() if p.paid_at else None,
             "refunded_fen": p.refunded_fen, "simulated": p.simulated,
             "refunds": [{"out_refund_no": r.out_refund_no, "amount_fen": r.amount_fen,
                          "status": r.status, "reason": r.reason}
                         for r in refunds if r.payment_id == p.id]} for p in payments]
