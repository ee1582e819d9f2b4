"""Top-ups and payouts over WeChat Pay: prepay for a top-up, apply WeChat's answers
(notifications, queries) exactly once, send payouts of unused principal as refunds.

The wallet has its own notify URL (``/api/v1/shops/<shop>/wallet/wechatpay/notify``), so
its notifications never reach the order payments. WeChat is called outside row locks: a
top-up row is committed before its prepay, a payout row before its refund request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules.wallet import service
from runtime.modules.wallet.models import Payout, PayoutStatus, TopUp, TopUpStatus
from runtime.wechat.errors import TransactionNotFound, TransportError, WechatPayApiError
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.objects import Notification, Transaction
from runtime.wechat.pay.objects import Refund as WechatRefund

log = logging.getLogger(__name__)

PREPAY_TTL = timedelta(hours=2)
NOTIFY_PATH = "/api/v1/shops/{shop}/wallet/wechatpay/notify"
DESCRIPTION = "储值充值"


def wallet_notify_url(payments_notify_url: str, shop_slug: str) -> str:
    """The wallet's notify URL on the same public host as the shop's payment notify URL."""
    base = payments_notify_url.split("/api/v1/", 1)[0] if payments_notify_url else ""
    return base.rstrip("/") + NOTIFY_PATH.format(shop=shop_slug)


def start_topup(session: Session, member_id: int, openid: str | None, amount_fen: Any, *,
                wechat: Any, shop_id: int, shop_slug: str, client_ip: str = ""
                ) -> tuple[TopUp, dict[str, Any]]:
    """Create a top-up and its WeChat Pay order. Returns the top-up and how to pay it:
    ``{"request_payment": params}`` (JSAPI, a member with an openid) or ``{"h5_url": url}``
    (WeChat Pay H5, a member who logged in with a phone number in a browser)."""
    if not openid and not client_ip:
        raise ValidationFailed.single("/amount_fen", "topping up needs a member who logged in "
                                      "with WeChat, or a browser", "wechat_login_required")
    topup = service.create_topup(session, member_id, amount_fen)
    topup.mchid = wechat.config.mchid
    topup.simulated = wechat.simulator
    session.commit()
    client: WechatPayClient = wechat.pay_client()
    expires = utcnow() + PREPAY_TTL
    order = {"out_trade_no": topup.out_trade_no, "description": DESCRIPTION,
             "amount_fen": topup.amount_fen, "attach": f"shop:{shop_id}:topup",
             "time_expire": expires,
             "notify_url": wallet_notify_url(wechat.config.notify_url, shop_slug)}
    if not openid:
        h5_url = client.h5_prepay(payer_client_ip=client_ip, **order)
        topup.prepay_expires_at = expires
        session.commit()
        return topup, {"h5_url": h5_url}
    prepay_id = client.jsapi_prepay(payer_openid=openid, **order)
    topup.prepay_id = prepay_id
    topup.prepay_expires_at = expires
    session.commit()
    return topup, {"request_payment": client.jsapi_payment_params(prepay_id).as_dict()}


def apply_transaction(session: Session, tx: Transaction) -> TopUp | None:
    """WeChat's view of a top-up payment; credits the balance once when it is paid."""
    topup = session.scalar(select(TopUp).where(TopUp.out_trade_no == tx.out_trade_no))
    if topup is None:
        raise ValidationFailed.single("/out_trade_no", f"no top-up {tx.out_trade_no} in this "
                                      "shop", "unknown")
    if topup.mchid and tx.mchid != topup.mchid:
        raise ValidationFailed.single("/mchid", "the payment belongs to another merchant",
                                      "mismatch")
    if not tx.paid:
        return None
    return service.confirm_topup(session, tx.out_trade_no, paid_fen=tx.total_fen,
                                 transaction_id=tx.transaction_id, paid_at=tx.success_time)


def apply_refund(session: Session, answer: WechatRefund) -> Payout | None:
    """WeChat's view of a payout (a refund of a top-up): success, or failure that puts the
    principal back on the balance."""
    payout = session.scalar(select(Payout).where(Payout.out_refund_no == answer.out_refund_no)
                            .with_for_update())
    if payout is None:
        raise ValidationFailed.single("/out_refund_no", f"no payout {answer.out_refund_no} in "
                                      "this shop", "unknown")
    if payout.status in (PayoutStatus.SUCCEEDED, PayoutStatus.FAILED):
        return payout
    status = str(answer.status)
    if status == "SUCCESS":
        payout.status = PayoutStatus.SUCCEEDED
        payout.refund_id = answer.refund_id or payout.refund_id
        payout.finished_at = answer.success_time or utcnow()
    elif status in ("CLOSED", "ABNORMAL"):
        payout.refund_id = answer.refund_id or payout.refund_id
        service.payout_failed(session, payout, f"WeChat Pay refund {status}")
    else:
        payout.status = PayoutStatus.SUBMITTED
        payout.refund_id = answer.refund_id or payout.refund_id
    session.flush()
    return payout


def handle_notification(session: Session, notification: Notification) -> str:
    if notification.is_payment:
        applied = apply_transaction(session, notification.transaction())
        return "paid" if applied is not None else "ignored"
    if notification.is_refund:
        apply_refund(session, notification.refund())
        return "refund"
    return "ignored"


def send_payouts(session: Session, client: WechatPayClient, notify_url: str) -> int:
    """Send every pending payout of the shop as a WeChat Pay refund of its top-up (safe to
    repeat: the same ``out_refund_no``); returns how many were sent."""
    pending = list(session.scalars(select(Payout).where(Payout.status == PayoutStatus.PENDING)
                                   .order_by(Payout.id)))
    sent = 0
    for payout in pending:
        topup = session.get(TopUp, payout.topup_id)
        assert topup is not None
        session.commit()
        try:
            answer = client.refund(out_trade_no=topup.out_trade_no,
                                   out_refund_no=payout.out_refund_no,
                                   refund_fen=payout.amount_fen, total_fen=topup.amount_fen,
                                   reason="储值余额退款", notify_url=notify_url)
        except TransportError:
            log.warning("payout %s: WeChat Pay unreachable, will retry", payout.out_refund_no)
            continue
        except WechatPayApiError as exc:
            log.error("payout %s refused: %s", payout.out_refund_no, exc)
            service.payout_failed(session, payout, str(exc))
            session.commit()
            continue
        apply_refund(session, answer)
        session.commit()
        sent += 1
    return sent


def settle_stale_topups(session: Session, client: WechatPayClient,
                        older_than: timedelta = PREPAY_TTL) -> dict[str, int]:
    """Ask WeChat about top-ups still pending after their prepay expired: credit the paid
    ones (a lost notification), close the rest."""
    cutoff = utcnow() - older_than
    stale = list(session.scalars(select(TopUp).where(TopUp.status == TopUpStatus.PENDING,
                                                     TopUp.created_at <= cutoff)
                                 .order_by(TopUp.id).limit(200)))
    counts = {"paid": 0, "closed": 0}
    for topup in stale:
        session.commit()
        try:
            tx = client.query_by_out_trade_no(topup.out_trade_no) if topup.prepay_id else None
        except TransactionNotFound:
            tx = None
        except (TransportError, WechatPayApiError):
            log.warning("top-up %s: could not ask WeChat Pay, will retry", topup.out_trade_no)
            continue
        if tx is not None and tx.paid:
            apply_transaction(session, tx)
            counts["paid"] += 1
        else:
            if tx is not None:
                try:
                    client.close(topup.out_trade_no)
                except (TransportError, WechatPayApiError):
                    log.warning("top-up %s: close failed, will retry", topup.out_trade_no)
                    continue
            service.close_topup(session, topup.out_trade_no)
            counts["closed"] += 1
        session.commit()
    return counts
