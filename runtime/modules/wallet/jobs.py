"""Periodic work of the wallet: reconciliation, payouts to WeChat Pay, stale top-ups."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.jobs import for_each_shop, job_session
from runtime.modules.wallet import service, wechatpay
from runtime.shops.models import Shop


def _wechat(session: Session) -> Any:
    from runtime.modules.payments.accounts import shop_wechat

    shop = session.get(Shop, current_shop_id(session))
    assert shop is not None
    return shop, shop_wechat(session, shop.id, shop.slug)


def reconcile_job() -> dict[int, Any]:
    return for_each_shop(lambda s: service.reconcile(s).ok, "wallet reconciliation")


def _send_payouts(session: Session) -> int:
    from sqlalchemy import select

    from runtime.modules.wallet.models import Payout, PayoutStatus

    if session.scalar(select(Payout.id).where(Payout.status == PayoutStatus.PENDING).limit(1)) \
            is None:
        return 0
    shop, wechat = _wechat(session)
    return wechatpay.send_payouts(session, wechat.pay_client(),
                                  wechatpay.wallet_notify_url(wechat.config.notify_url,
                                                              shop.slug))


def send_payouts_for_shop(shop_id: int) -> int:
    """Enqueued after a payout is requested; the periodic sweep catches a lost enqueue."""
    with job_session(shop_id) as session:
        return _send_payouts(session)


def payouts_job() -> dict[int, Any]:
    return for_each_shop(_send_payouts, "wallet payouts")


def _settle(session: Session) -> dict[str, int]:
    from sqlalchemy import select

    from runtime.modules.wallet.models import TopUp, TopUpStatus

    if session.scalar(select(TopUp.id).where(TopUp.status == TopUpStatus.PENDING).limit(1)) \
            is None:
        return {"paid": 0, "closed": 0}
    _shop, wechat = _wechat(session)
    return wechatpay.settle_stale_topups(session, wechat.pay_client())


def stale_topups_job() -> dict[int, Any]:
    return for_each_shop(_settle, "wallet stale top-ups")
