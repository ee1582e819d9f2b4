"""Payment follow-ups: refund money that arrived for a closed order, and reconcile WeChat
payments whose notification never came (a periodic sweeper)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from runtime.db import platform_access
from runtime.errors import Conflict, MallkitError
from runtime.jobs import job_session
from runtime.modules.payments import accounts
from runtime.modules.payments.models import Payment, PaymentStatus, WechatPayAccount
from runtime.modules.payments.service import (
    create_refund,
    reconcile,
    send_refund,
    stale_pending_payments,
)
from runtime.shops.models import Shop
from runtime.wechat.errors import WechatError

log = logging.getLogger(__name__)

RECONCILE_AFTER = timedelta(minutes=5)


def _wechat(session, shop_id: int) -> accounts.ShopWechat:
    shop = session.get(Shop, shop_id)
    assert shop is not None
    return accounts.shop_wechat(session, shop_id, shop.slug)


def refund_paid_after_close(shop_id: int, payment_id: int) -> str:
    """The buyer paid after the order closed (e.g. at the deadline): give it all back."""
    with job_session(shop_id) as session:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.status != PaymentStatus.SUCCEEDED:
            return "nothing to refund"
        left = payment.amount_fen - payment.refunded_fen
        from sqlalchemy import select

        from runtime.modules.payments.models import Refund, RefundStatus

        refund = session.scalar(select(Refund).where(
            Refund.payment_id == payment.id, Refund.reason == "订单已关闭，自动退款"))
        if refund is None:
            if left <= 0:
                return "nothing to refund"
            refund = create_refund(session, payment, left, "订单已关闭，自动退款")
            session.commit()
        if refund.status != RefundStatus.PROCESSING:
            return refund.status
        send_refund(session, refund, _wechat(session, shop_id).pay_client())
        return refund.status


def reconcile_payment(shop_id: int, payment_id: int) -> str:
    with job_session(shop_id) as session:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.status != PaymentStatus.PENDING:
            return "settled"
        return str(reconcile(session, payment, _wechat(session, shop_id).pay_client()))


def sweep_pending_payments() -> int:
    """Query WeChat about prepaid payments still pending after a few minutes."""
    with job_session() as session, platform_access(session, "payments: reconcile sweeper"):
        stale = stale_pending_payments(session, RECONCILE_AFTER)
    done = 0
    for shop_id, payment_id in stale:
        try:
            done += reconcile_payment(shop_id, payment_id) == "applied"
        except WechatError as exc:
            log.warning("reconcile of payment %s (shop %s) failed: %s", payment_id, shop_id,
                        exc.detail)
    return done


def refresh_platform_certificates() -> int:
    """Download WeChat Pay's platform certificates again for every shop that verifies with
    them, so a successor is kept before the old one expires (WeChat suggests every 12 h)."""
    with job_session() as session, platform_access(session, "payments: certificate refresh"):
        shop_ids = list(session.scalars(select(WechatPayAccount.shop_id)
                                        .where(WechatPayAccount.enabled)))
    refreshed = 0
    for shop_id in shop_ids:
        with job_session(shop_id) as session:
            shop = session.get(Shop, shop_id)
            assert shop is not None
            try:
                accounts.refresh_certificates(session, shop_id, shop.slug)
            except Conflict:  # verifies with WeChat Pay's public key: nothing to download
                continue
            except MallkitError as exc:
                log.warning("platform certificates of shop %s not refreshed: %s", shop_id,
                            exc.detail)
                continue
            refreshed += 1
    return refreshed


