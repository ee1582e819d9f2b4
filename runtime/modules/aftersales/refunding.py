"""The money of an after-sale: WAIT_REFUND -> REFUNDING -> COMPLETE.

WeChat Pay refunds go through the payments module under ``out_refund_no`` = the request's
number (a retry after WeChat closed one gets ``<no>-2`` ...); they are sent by a job, never
inside a request's transaction, at least a minute after the payment's previous refund. The
line counts as refunded only when payments applies a ``REFUND.SUCCESS`` matching the
refund's amount and numbers (the ``refund_settled`` hook, :mod:`.hooks`); ``CLOSED`` puts the
request back to WAIT_REFUND with an alert, ``ABNORMAL`` waits for the merchant. A balance
payment goes back to the wallet, and cash on delivery is recorded as settled by hand, both
at once. Completing fires ``line_refunded`` (and ``order_refunded`` when every line is
refunded, which also closes the order) in the same transaction, keyed by the request's id.

An order paid with nothing due (a points-only exchange: payment method ``none``, 0 fen)
has no payment: each of its lines is refunded once, for 0 fen, completing at once with no
money moving; the hooks give back what the order took (points, exchange stock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict
from runtime.modules.aftersales import effects, ledger, states
from runtime.modules.aftersales.errors import AfterSaleErrorCode
from runtime.modules.aftersales.models import AfterSale, AfterSaleKind, AfterSaleStatus, Alert
from runtime.modules.aftersales.states import Event
from runtime.modules.loader import hooks
from runtime.modules.orders.models import Order
from runtime.modules.orders.refunds import close_refunded, get_line
from runtime.modules.orders.service import NOTHING_DUE, order_lines
from runtime.modules.orders.state import Actor
from runtime.modules.payments import service as payments
from runtime.modules.payments.models import Payment, PaymentMethod, Refund, RefundStatus

log = logging.getLogger(__name__)
S = AfterSaleStatus


@dataclass(frozen=True)
class LineRefund:
    """What ``line_refunded`` / ``order_refunded`` are told (see their hookspecs)."""

    id: int  # the after-sale's id: subscribers key on it
    no: str
    amount_fen: int
    order_refunded_fen: int
    restock_qty: int
    kind: str
    qty: int = 0  # the units of the line this refund covers (the after-sale's qty)


NOTHING_DUE_TEXT = "无需退款（未付现金），退回积分等"


def nothing_due(order: Order) -> bool:
    """Paid with nothing to pay (a points-only exchange): refunds of it are 0 fen."""
    return order.payment_method == NOTHING_DUE and order.paid_fen == 0 \
        and order.payable_fen == 0


def zero_refunded_lines(session: Session, order_id: int) -> list[int]:
    """Lines of a nothing-due order refunded already (a completed refund or return)."""
    from sqlalchemy import select

    return list(session.scalars(
        select(AfterSale.line_id).where(AfterSale.order_id == order_id,
                                        AfterSale.status == S.COMPLETE.value,
                                        AfterSale.kind != AfterSaleKind.EXCHANGE.value)
        .order_by(AfterSale.line_id)))


def start(session: Session, order: Order, aftersale: AfterSale, actor: Actor) -> None:
    """Send the request's money back (the order is locked, the request is WAIT_REFUND)."""
    payment = payments.payment_of_order(session, order.id)
    if payment is None and not nothing_due(order):
        raise Conflict(f"order {order.order_no} has no payment to refund",
                       code=AfterSaleErrorCode.NOTHING_TO_REFUND.value)
    attempt = aftersale.refund_attempts + 1
    no = aftersale.no if attempt <= 1 else f"{aftersale.no}-{attempt}"
    text = _method_text(payment) if payment is not None else NOTHING_DUE_TEXT
    states.transition(session, aftersale, Event.REFUND_SENT, S.REFUNDING, actor, text,
                      refund_attempts=attempt, refund_no=no,
                      refund_method=payment.method if payment is not None else NOTHING_DUE,
                      alert=Alert.NONE.value)
    ledger.moved(session, aftersale)
    if payment is None:  # nothing was paid: nothing moves but what the hooks give back
        complete(session, order, aftersale, Event.REFUNDED, actor, text)
        return
    reason = f"售后 {aftersale.no}"
    if payment.method == PaymentMethod.WECHATPAY:
        refund = payments.create_refund(session, payment, aftersale.total_fen, reason,
                                        out_refund_no=no)
        effects.schedule_send(session, aftersale,
                              payments.next_send_at(session, refund) or utcnow())
        return
    payments.refund_without_wechat(session, payment, aftersale.total_fen, reason,
                                   out_refund_no=no, member_id=order.member_id)
    event = Event.REFUNDED if payment.method == PaymentMethod.WALLET else Event.SETTLED_BY_HAND
    complete(session, order, aftersale, event, actor, _method_text(payment))


def _method_text(payment: Payment) -> str:
    return {PaymentMethod.WECHATPAY: "原路退回微信支付", PaymentMethod.WALLET: "退回余额",
            PaymentMethod.COD: "货到付款，线下退款"}.get(PaymentMethod(payment.method),
                                                     payment.method)


def restock_qty(aftersale: AfterSale, line_refunded_fen: int, line_payable_fen: int) -> int:
    """Goods back in the shop: a return's goods, or a line refunded in full before it
    shipped; goods that stayed with the buyer (refund only after shipping) do not."""
    if aftersale.kind == AfterSaleKind.RETURN:
        return aftersale.qty
    if aftersale.kind == AfterSaleKind.REFUND and not aftersale.goods_shipped \
            and line_refunded_fen >= line_payable_fen:
        return aftersale.qty
    return 0


def complete(session: Session, order: Order, aftersale: AfterSale, event: Event, actor: Actor,
             reason: str = "") -> None:
    """The money is back: the request completes, the line and order record it, and the
    subscribers reverse what the line earned, in this transaction."""
    states.transition(session, aftersale, event, S.COMPLETE, actor, reason,
                      alert=Alert.NONE.value)
    line = get_line(session, order.id, aftersale.line_id)
    assert line is not None
    before = ledger.line_state(session, order.id, line.id).refunded_fen
    back = restock_qty(aftersale, before + aftersale.amount_fen, line.payable_fen)
    ledger.closed(session, aftersale, refunded_fen=aftersale.amount_fen,
                  returned_qty=back if aftersale.kind == AfterSaleKind.RETURN else 0)
    paid = {row.id: row.payable_fen for row in order_lines(session, [order.id])[order.id]}
    summary = ledger.settle_order(
        session, order.id, paid, aftersale.total_fen,
        refunded_lines=zero_refunded_lines(session, order.id) if nothing_due(order) else None)
    facts = LineRefund(aftersale.id, aftersale.no, aftersale.total_fen, summary.refunded_fen,
                       back, aftersale.kind, aftersale.qty)
    hooks(session).line_refunded(session=session, order=order, line=line, refund=facts)
    if summary.refund_status == "ALL":
        hooks(session).order_refunded(session=session, order=order, refund=facts)
        close_refunded(session, order.id, Actor.system("aftersales"), "全部商品已退款")


def settled(session: Session, refund: Refund) -> None:
    """Payments applied WeChat's final answer for ``refund`` (the order is locked)."""
    from sqlalchemy import select

    aftersale = session.scalar(select(AfterSale).where(AfterSale.refund_no
                                                       == refund.out_refund_no))
    if aftersale is None:
        return  # not an after-sale's refund (e.g. money paid after the order closed)
    session.refresh(aftersale)
    if aftersale.status != S.REFUNDING:
        log.warning("refund %s settled as %s but after-sale %s is %s", refund.out_refund_no,
                    refund.status, aftersale.no, aftersale.status)
        return
    if refund.amount_fen != aftersale.total_fen:
        log.error("refund %s: %s fen refunded, after-sale %s asked %s fen: not applied",
                  refund.out_refund_no, refund.amount_fen, aftersale.no, aftersale.total_fen)
        return
    order = session.get(Order, aftersale.order_id)
    assert order is not None
    wechat = Actor.wechat()
    if refund.status == RefundStatus.SUCCEEDED:
        complete(session, order, aftersale, Event.REFUNDED, wechat,
                 f"微信退款成功 {refund.refund_id}")
    elif refund.status == RefundStatus.CLOSED:
        states.transition(session, aftersale, Event.REFUND_CLOSED, S.WAIT_REFUND, wechat,
                          "微信退款关闭，请重新发起退款", alert=Alert.REFUND_CLOSED.value)
        ledger.moved(session, aftersale)
        log.error("ALERT after-sale %s: WeChat Pay closed refund %s; back to wait_refund",
                  aftersale.no, refund.out_refund_no)
    elif refund.status == RefundStatus.ABNORMAL:
        aftersale.alert = Alert.REFUND_ABNORMAL.value
        states.record(session, aftersale, Event.REFUND_SENT, wechat,
                      "微信退款异常，等待商家处理", S.REFUNDING, S.REFUNDING)
        log.error("ALERT after-sale %s: WeChat Pay refund %s is abnormal; the merchant "
                  "decides", aftersale.no, refund.out_refund_no)
