"""Orders as JSON for the mini-program API, the H5 pages and the console."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.media.models import MediaAsset
from runtime.media.refs import load_assets, media_url
from runtime.modules.orders.invoices import invoice_json
from runtime.modules.orders.models import (
    STATUS_LABELS,
    Order,
    OrderLine,
    OrderStatus,
    OrderTransition,
)
from runtime.modules.orders.service import timeline, transition_entry
from runtime.pricing import LINE_IMAGE_SIZE

FULFILMENT_LABELS = {"express": "快递发货", "pickup": "到店自提", "local": "同城配送"}
METHOD_LABELS = {"wechatpay": "微信支付", "wallet": "余额支付", "cod": "货到付款",
                 "none": "无需支付"}
PAYMENT_STATUS_LABELS = {"pending": "待支付", "succeeded": "已支付", "closed": "已关闭",
                         "cod_pending": "货到付款（待收款）", "collected": "已收款",
                         "processing": "退款中", "abnormal": "退款异常"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def line_dict(line: OrderLine, assets: Mapping[int, MediaAsset] | None = None
              ) -> dict[str, Any]:
    """The line; with ``assets`` (``load_assets`` over every line of the response, once) it
    also carries ``image_url``, the image to show."""
    data = {"id": line.id, "sku_id": line.sku_id, "product_id": line.product_id,
            "title": line.title, "spec_text": line.spec_text, "image": line.image,
            "unit_price_fen": line.unit_price_fen, "qty": line.qty,
            "total_fen": line.total_fen, "discount_fen": line.discount_fen,
            "payable_fen": line.payable_fen, "adjustments": dict(line.adjustments or {}),
            "shipped_qty": line.shipped_qty}
    if assets is not None:
        data["image_url"] = media_url(line.image, size=LINE_IMAGE_SIZE, assets=assets)
    return data


def order_summary(order: Order, lines: list[OrderLine], *,
                  assets: Mapping[int, MediaAsset] | None = None) -> dict[str, Any]:
    """See :func:`line_dict` for ``assets``."""
    return {
        "id": order.id, "order_no": order.order_no, "status": order.status,
        "status_label": STATUS_LABELS[OrderStatus(order.status)],
        "fulfilment": order.fulfilment,
        "fulfilment_label": FULFILMENT_LABELS.get(order.fulfilment, order.fulfilment),
        "payment_method": order.payment_method, "item_count": order.item_count,
        "goods_total_fen": order.goods_total_fen, "discount_fen": order.discount_fen,
        "shipping_fen": order.shipping_fen, "points_used": order.points_used,
        "points_deduction_fen": order.points_deduction_fen, "payable_fen": order.payable_fen,
        "paid_fen": order.paid_fen, "created_at": _iso(order.created_at),
        "pay_deadline_at": _iso(order.pay_deadline_at), "paid_at": _iso(order.paid_at),
        "shipped_at": _iso(order.shipped_at), "completed_at": _iso(order.completed_at),
        "closed_at": _iso(order.closed_at), "close_reason": order.close_reason,
        "activity": ({"kind": order.activity_kind, "id": order.activity_id}
                     if order.activity_kind else None),
        "lines": [line_dict(line, assets) for line in lines],
    }


@dataclass(frozen=True)
class Fresh:
    """What the answer to a submit knows of the order it just created, so it reads nothing
    back: its lines' image URLs (from the quote) and its creation transition; it has no
    payment yet."""

    image_urls: Sequence[str | None]
    creation: OrderTransition


def order_detail(session: Session, order: Order, lines: Sequence[OrderLine], *,
                 for_merchant: bool = False, fresh: Fresh | None = None) -> dict[str, Any]:
    from runtime.modules.loader import hooks
    from runtime.modules.payments.service import payment_dicts

    if fresh is None:
        data = order_summary(order, list(lines),
                             assets=load_assets(session, [ln.image for ln in lines]))
        payments = payment_dicts(session, order.id)
        entries = timeline(session, order.id)
    else:
        data = order_summary(order, list(lines))
        for line, url in zip(data["lines"], fresh.image_urls, strict=True):
            line["image_url"] = url
        payments, entries = [], [transition_entry(fresh.creation)]
    data.update({
        "pricing": order.pricing, "address": order.address,
        "pickup_point": order.pickup_point, "buyer_remark": order.buyer_remark,
        "invoice": invoice_json(order), "auto_confirm_at": _iso(order.auto_confirm_at),
        "payments": payments,
        "timeline": [e.as_dict() for e in entries],
    })
    for part in hooks(session).order_details(session=session, order=order,
                                             for_merchant=for_merchant):
        data.update(part)
    if for_merchant:
        data["merchant_remark"] = order.merchant_remark
        data["member_id"] = order.member_id
    return data
