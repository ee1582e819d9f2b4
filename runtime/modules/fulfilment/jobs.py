"""Shipping-info uploads to WeChat, retried with back-off until accepted, plus a sweeper."""

from __future__ import annotations

import logging

from sqlalchemy import select

from runtime import extension, jobs
from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.errors import MallkitError
from runtime.jobs import job_session
from runtime.modules.fulfilment.models import ShippingUpload, UploadStatus
from runtime.modules.fulfilment.shipping import retry_delay, upload_job_id
from runtime.wechat import apps
from runtime.wechat.errors import WechatError
from runtime.wechat.shipping import DeliveryMode, LogisticsType, ShippingInfo, ShippingItem

log = logging.getLogger(__name__)


def shipping_info(upload: ShippingUpload) -> ShippingInfo:
    data = upload.payload
    return ShippingInfo(
        payer_openid=data["payer_openid"], logistics_type=LogisticsType(data["logistics_type"]),
        items=tuple(ShippingItem(**item) for item in data["items"]), mchid=data["mchid"],
        out_trade_no=data["out_trade_no"], transaction_id=data["transaction_id"],
        delivery_mode=DeliveryMode(data["delivery_mode"]),
        is_all_delivered=data.get("is_all_delivered"))


def send_shipping_upload(shop_id: int, order_id: int) -> str:
    """Send one upload; on failure count the attempt and schedule the next one."""
    from runtime.extension import state

    with job_session(shop_id) as session:
        upload = session.scalar(select(ShippingUpload).where(ShippingUpload.order_id == order_id)
                                .with_for_update())
        if upload is None or upload.status == UploadStatus.ACCEPTED:
            return "done"
        upload.attempts += 1
        try:
            client = apps.shop_mini_client(session, extension.current())
            if client is None:
                raise WechatError("the shop has no mini-program AppSecret configured")
            client.upload_shipping_info(shipping_info(upload))
        except MallkitError as exc:  # WeChat unreachable or refusing, or the shop misconfigured
            upload.last_error = exc.detail[:500]
            upload.next_attempt_at = utcnow() + retry_delay(upload.attempts)
            log.warning("shipping upload for order %s failed (attempt %s): %s", order_id,
                        upload.attempts, exc.detail)
            jobs.enqueue_after_commit(session, state().redis, send_shipping_upload, shop_id,
                                      order_id, jid=upload_job_id(shop_id, order_id),
                                      at=upload.next_attempt_at, replace=True)
            return "retry"
        upload.status = UploadStatus.ACCEPTED.value
        upload.accepted_at = utcnow()
        upload.last_error = ""
        upload.next_attempt_at = None
        return "accepted"


def sweep_shipping_uploads() -> int:
    """Send every pending upload whose next attempt is due (lost jobs included)."""
    with job_session() as session, platform_access(session, "fulfilment: upload sweeper"):
        due = list(session.execute(select(ShippingUpload.shop_id, ShippingUpload.order_id).where(
            ShippingUpload.status == UploadStatus.PENDING,
            ShippingUpload.next_attempt_at <= utcnow()).limit(200)))
    accepted = 0
    for shop_id, order_id in due:
        accepted += send_shipping_upload(shop_id, order_id) == "accepted"
    return accepted


