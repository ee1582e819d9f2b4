"""Merchant transfers (商家转账到零钱) through the shop's WeChat Pay merchant: sending a
bill, asking about it, and applying WeChat's verified ``MCHTRANSFER.BILL.FINISHED``
notification through the ``transfer_finished`` hook (the module that sent the bill, found by
its ``out_bill_no``, moves its own money). The bill number is the caller's idempotency key:
sending it again is safe, WeChat answers with the same bill."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules.loader import hooks
from runtime.modules.payments.accounts import shop_wechat
from runtime.modules.payments.service import Outcome, _already_recorded, _record
from runtime.shops.models import Shop
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.objects import Notification, TransferBill


def client_for(session: Session, shop_id: int) -> WechatPayClient:
    """The WeChat Pay client of the shop's merchant (the simulator's when it stands in)."""
    shop = session.get(Shop, shop_id)
    assert shop is not None
    return shop_wechat(session, shop_id, shop.slug).pay_client()


def send_transfer(session: Session, shop_id: int, *, out_bill_no: str, openid: str,
                  amount_fen: int, remark: str) -> TransferBill:
    """Ask WeChat Pay to transfer ``amount_fen`` to ``openid``'s change (佣金报酬 scene)."""
    return client_for(session, shop_id).transfer_bill(
        out_bill_no=out_bill_no, openid=openid, amount_fen=amount_fen, remark=remark,
        scene_id="1005", scene_report=(("岗位类型", "分销员"), ("报酬说明", "分销佣金")))


def query_transfer(session: Session, shop_id: int, out_bill_no: str) -> TransferBill:
    return client_for(session, shop_id).query_transfer_bill(out_bill_no)


def apply_transfer(session: Session, bill: TransferBill, *,
                   notification: Notification | None = None) -> Outcome:
    """A finished bill (notification or query answer), applied once by its owner."""
    if _already_recorded(session, notification):
        return Outcome.DUPLICATE
    handled = hooks(session).transfer_finished(session=session, bill=bill)
    _record(session, notification, out_refund_no=bill.out_bill_no, payment_id=None)
    return Outcome.APPLIED if handled else Outcome.IGNORED
