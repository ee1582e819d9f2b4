"""Getting paid orders to the buyer: express shipments (split by line), local delivery,
self-pickup codes verified exactly once, and the upload of each of these to WeChat's order
shipping management (发货信息管理) for mini-program payments, retried until accepted."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import segno
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.fulfilment.models import (
    PickupCode,
    Shipment,
    ShipmentLine,
    ShippingUpload,
    UploadStatus,
)
from runtime.modules.loader import hooks
from runtime.modules.orders import effects, state
from runtime.modules.orders.errors import InvalidTransition, OrderErrorCode
from runtime.modules.orders.models import Order, OrderLine, OrderStatus
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.pricing import FulfilmentMethod
from runtime.wechat.shipping import DeliveryMode, LogisticsType

PICKUP_CODE_DIGITS = 8
CARRIERS = {  # WeChat's express company codes (delivery_id) for the common carriers
    "SF": "顺丰速运", "ZTO": "中通快递", "YTO": "圆通速递", "STO": "申通快递", "YD": "韵达快递",
    "JD": "京东物流", "EMS": "EMS", "YZPY": "邮政快递包裹", "JTSD": "极兔速递", "DBL": "德邦快递",
}
TRACKING_NO = re.compile(r"^[A-Za-z0-9-]{4,40}$")


def _lock(session: Session, order_id: int) -> Order:
    from runtime.modules.orders.service import lock_order

    return lock_order(session, order_id)


def check_hold(session: Session, order: Order) -> None:
    """409 ``fulfilment_held`` with the reason a module gives (``fulfilment_hold`` hook,
    e.g. a group buy not yet full) before anything ships or is picked up."""
    reason = hooks(session).fulfilment_hold(session=session, order=order)
    if reason:
        raise Conflict(f"order {order.order_no} cannot leave yet: {reason}",
                       code=OrderErrorCode.FULFILMENT_HELD.value, extra={"reason": reason})


def _lines(session: Session, order_id: int) -> list[OrderLine]:
    return list(session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)
                                .order_by(OrderLine.id)))


def lines_not_to_ship(session: Session, order: Order) -> set[int]:
    """Ids of the order's lines that no longer leave the shop (``lines_not_to_ship`` hook,
    e.g. after-sales: refunded in full before shipping)."""
    answers = hooks(session).lines_not_to_ship(session=session, order=order)
    return {line_id for ids in answers for line_id in ids}


def _lines_to_ship(session: Session, order: Order) -> list[OrderLine]:
    """The order's lines less those no longer to ship."""
    withheld = lines_not_to_ship(session, order)
    return [line for line in _lines(session, order.id) if line.id not in withheld]


def _note(session: Session, order: Order, event: str, actor: Actor, message: str,
          data: dict[str, Any] | None = None) -> None:
    from runtime.modules.orders.service import add_note

    add_note(session, order, event, actor, message, data)


# --- on payment ------------------------------------------------------------------------------


def on_order_paid(session: Session, order: Order) -> None:
    """A self-pickup order gets its pickup code as soon as it is paid."""
    if order.fulfilment == FulfilmentMethod.PICKUP:
        issue_pickup_code(session, order)


def issue_pickup_code(session: Session, order: Order) -> PickupCode:
    existing = session.scalar(select(PickupCode).where(PickupCode.order_id == order.id))
    if existing is not None:
        return existing
    for _attempt in range(10):
        code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
        try:
            with session.begin_nested():
                row = PickupCode(order_id=order.id, pickup_point_id=order.pickup_point_id,
                                 code=code)
                session.add(row)
            return row
        except IntegrityError:
            continue
    raise Conflict("could not allocate a pickup code; try again", code="pickup_code_exhausted")


def pickup_code_of(session: Session, order_id: int) -> PickupCode | None:
    return session.scalar(select(PickupCode).where(PickupCode.order_id == order_id))


def pickup_qr_svg(content: str, scale: int = 5) -> str:
    """The pickup code as an SVG QR code (segno), for the buyer to show at the store."""
    buffer = io.BytesIO()
    segno.make(content, error="m").save(buffer, kind="svg", scale=scale, border=2,
                                        xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def code_from_scan(text: Any) -> str:
    """A typed code, or the code out of a scanned pickup URL (``...?code=12345678``)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed.single("/code", "the pickup code is required", "required")
    text = text.strip()
    if "://" in text or "?" in text:
        values = parse_qs(urlsplit(text).query).get("code", [])
        text = values[0] if values else ""
    if not re.fullmatch(rf"\d{{{PICKUP_CODE_DIGITS}}}", text):
        raise ValidationFailed.single("/code", f"a pickup code is {PICKUP_CODE_DIGITS} digits",
                                      "pattern")
    return text


def verify_pickup(session: Session, code_text: Any, actor: Actor) -> Order:
    """核销: the buyer collected the order. A code verifies exactly once: a second attempt
    (or a concurrent one) gets 409 ``pickup_already_verified``."""
    code = code_from_scan(code_text)
    row = session.scalar(select(PickupCode).where(PickupCode.code == code))
    if row is None:
        raise NotFound("no order has this pickup code",
                       code=OrderErrorCode.PICKUP_CODE_NOT_FOUND.value)
    order = _lock(session, row.order_id)
    row = session.scalar(select(PickupCode).where(PickupCode.id == row.id).with_for_update()
                         .execution_options(populate_existing=True))
    assert row is not None
    if row.verified_at is not None:
        when = row.verified_at.strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"this pickup code was already verified at {when} UTC",
                       code=OrderErrorCode.PICKUP_ALREADY_VERIFIED.value,
                       extra={"order_id": order.id, "verified_at": row.verified_at.isoformat()})
    if order.status != OrderStatus.PAID:
        raise InvalidTransition(f"order {order.order_no} is {order.status}; it cannot be "
                                "picked up", extra={"status": order.status})
    check_hold(session, order)
    now = utcnow()
    row.verified_at = now
    row.verified_by = (actor.name or str(actor.id or ""))[:80]
    shipment = Shipment(order_id=order.id, kind=FulfilmentMethod.PICKUP.value, shipped_at=now,
                        delivered_at=now)
    session.add(shipment)
    session.flush()
    for line in _lines_to_ship(session, order):
        session.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line.id, qty=line.qty))
        line.shipped_qty = line.qty
    state.transition(session, order, OrderEvent.PICKED_UP, actor, f"pickup code {code}")
    queue_upload(session, order, LogisticsType.SELF_PICKUP, [shipment])
    session.flush()
    return order


# --- express ---------------------------------------------------------------------------------


def _parse_ship_lines(lines: Any, order_lines: list[OrderLine]) -> dict[int, int]:
    """``None`` ships everything not yet shipped; else ``[{"order_line_id", "qty"}]``
    (``order_lines``: the lines still to ship, so a refunded line is "not a line to ship")."""
    remaining = {line.id: line.qty - line.shipped_qty for line in order_lines}
    if lines is None:
        chosen = {lid: qty for lid, qty in remaining.items() if qty > 0}
        if not chosen:
            raise Conflict("every line is already shipped",
                           code=OrderErrorCode.NOTHING_TO_SHIP.value)
        return chosen
    errors = FieldErrors()
    chosen = {}
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed.single("/lines", "a non-empty list of lines to ship", "required")
    for i, item in enumerate(lines):
        lid = item.get("order_line_id") if isinstance(item, Mapping) else None
        qty = item.get("qty") if isinstance(item, Mapping) else None
        if lid not in remaining:
            errors.append(FieldError(f"/lines/{i}/order_line_id",
                                     "not a line of this order still to ship", "not_found"))
        elif lid in chosen:
            errors.append(FieldError(f"/lines/{i}/order_line_id", "each line once"))
        elif qty is None:
            if remaining[lid] <= 0:
                errors.append(FieldError(f"/lines/{i}", "this line is already shipped"))
            else:
                chosen[lid] = remaining[lid]
        elif isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= remaining[lid]:
            errors.append(FieldError(f"/lines/{i}/qty",
                                     f"a whole number from 1 to {max(remaining[lid], 0)}"))
        else:
            chosen[lid] = qty
    errors.raise_if_any()
    return chosen


def ship(session: Session, order_id: int, *, carrier_code: Any, tracking_no: Any,
         actor: Actor, lines: Any = None, carrier_name: Any = None) -> Shipment:
    """Ship some or all lines in one parcel. The order becomes 待收货 when every line still
    to ship is shipped (a line refunded in full is not); each parcel is on the timeline."""
    errors = FieldErrors()
    if not isinstance(carrier_code, str) or not re.fullmatch(r"[A-Za-z0-9_]{1,32}",
                                                             carrier_code):
        errors.append(FieldError("/carrier_code", "a carrier code such as SF or ZTO",
                                 "required"))
    if not isinstance(tracking_no, str) or not TRACKING_NO.match(tracking_no.strip()):
        errors.append(FieldError("/tracking_no", "a tracking number of 4-40 letters or digits",
                                 "required"))
    if carrier_name is not None and (not isinstance(carrier_name, str)
                                     or len(carrier_name) > 40):
        errors.append(FieldError("/carrier_name", "at most 40 characters"))
    errors.raise_if_any()
    order = _lock(session, order_id)
    if order.fulfilment != FulfilmentMethod.EXPRESS:
        raise Conflict(f"order {order.order_no} is {order.fulfilment}, not express",
                       code="wrong_fulfilment")
    if order.status != OrderStatus.PAID:
        raise InvalidTransition(f"order {order.order_no} is {order.status}; only a paid order "
                                "ships", extra={"status": order.status})
    check_hold(session, order)
    order_lines = _lines_to_ship(session, order)
    chosen = _parse_ship_lines(lines, order_lines)
    code = carrier_code.upper()
    shipment = Shipment(order_id=order.id, kind=FulfilmentMethod.EXPRESS.value,
                        carrier_code=code,
                        carrier_name=(carrier_name or CARRIERS.get(code, code))[:40],
                        tracking_no=tracking_no.strip(), shipped_at=utcnow())
    session.add(shipment)
    session.flush()
    for line in order_lines:
        if line.id in chosen:
            session.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line.id,
                                     qty=chosen[line.id]))
            line.shipped_qty += chosen[line.id]
    all_shipped = all(line.shipped_qty >= line.qty for line in order_lines)
    _note(session, order, "shipment", actor,
          f"{shipment.carrier_name} {shipment.tracking_no}"
          + ("" if all_shipped else " (部分发货)"),
          {"shipment_id": shipment.id, "lines": {str(k): v for k, v in chosen.items()}})
    if all_shipped:
        from runtime.modules.orders.service import set_auto_confirm

        state.transition(session, order, OrderEvent.SHIPPED, actor,
                         f"{shipment.carrier_name} {shipment.tracking_no}")
        set_auto_confirm(session, order)
        shipments = list(session.scalars(select(Shipment).where(Shipment.order_id == order.id)
                                         .order_by(Shipment.id)))
        queue_upload(session, order, LogisticsType.EXPRESS, shipments)
    session.flush()
    return shipment


# --- local delivery --------------------------------------------------------------------------


def dispatch_local(session: Session, order_id: int, *, courier_name: Any = "",
                   courier_phone: Any = "", actor: Actor) -> Shipment:
    """同城配送: the order leaves with a courier; it becomes 待收货."""
    errors = FieldErrors()
    for name, value, limit in (("courier_name", courier_name, 40),
                               ("courier_phone", courier_phone, 20)):
        if not isinstance(value, str) or len(value) > limit:
            errors.append(FieldError(f"/{name}", f"at most {limit} characters"))
    errors.raise_if_any()
    order = _lock(session, order_id)
    if order.fulfilment != FulfilmentMethod.LOCAL:
        raise Conflict(f"order {order.order_no} is {order.fulfilment}, not local delivery",
                       code="wrong_fulfilment")
    if order.status != OrderStatus.PAID:
        raise InvalidTransition(f"order {order.order_no} is {order.status}; only a paid order "
                                "is dispatched", extra={"status": order.status})
    check_hold(session, order)
    shipment = Shipment(order_id=order.id, kind=FulfilmentMethod.LOCAL.value,
                        courier_name=courier_name.strip(), courier_phone=courier_phone.strip(),
                        shipped_at=utcnow())
    session.add(shipment)
    session.flush()
    for line in _lines_to_ship(session, order):
        session.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line.id, qty=line.qty))
        line.shipped_qty = line.qty
    from runtime.modules.orders.service import set_auto_confirm

    state.transition(session, order, OrderEvent.SHIPPED, actor,
                     f"同城配送 {courier_name} {courier_phone}".strip())
    set_auto_confirm(session, order)
    queue_upload(session, order, LogisticsType.LOCAL_DELIVERY, [shipment])
    session.flush()
    return shipment


def mark_delivered(session: Session, order_id: int, actor: Actor) -> Order:
    """The courier handed a local delivery over."""
    order = _lock(session, order_id)
    if order.fulfilment != FulfilmentMethod.LOCAL:
        raise Conflict(f"order {order.order_no} is not a local delivery",
                       code="wrong_fulfilment")
    state.transition(session, order, OrderEvent.DELIVERED, actor)
    from runtime.modules.orders.service import settle_cash_on_delivery

    settle_cash_on_delivery(session, order)
    for shipment in session.scalars(select(Shipment).where(Shipment.order_id == order.id,
                                                           Shipment.delivered_at.is_(None))):
        shipment.delivered_at = utcnow()
    session.flush()
    return order


def shipments_of(session: Session, order_id: int) -> list[tuple[Shipment, list[ShipmentLine]]]:
    shipments = list(session.scalars(select(Shipment).where(Shipment.order_id == order_id)
                                     .order_by(Shipment.id)))
    lines: dict[int, list[ShipmentLine]] = {s.id: [] for s in shipments}
    if shipments:
        for line in session.scalars(select(ShipmentLine).where(
                ShipmentLine.shipment_id.in_(list(lines))).order_by(ShipmentLine.id)):
            lines[line.shipment_id].append(line)
    return [(s, lines[s.id]) for s in shipments]


def shipment_dict(shipment: Shipment, lines: Sequence[ShipmentLine]) -> dict[str, Any]:
    return {"id": shipment.id, "kind": shipment.kind, "carrier_code": shipment.carrier_code,
            "carrier_name": shipment.carrier_name, "tracking_no": shipment.tracking_no,
            "courier_name": shipment.courier_name, "courier_phone": shipment.courier_phone,
            "shipped_at": shipment.shipped_at.isoformat(),
            "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
            "lines": [{"order_line_id": x.order_line_id, "qty": x.qty} for x in lines]}


# --- WeChat shipping management --------------------------------------------------------------


RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2), timedelta(hours=6))


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(max(attempts - 1, 0), len(RETRY_DELAYS) - 1)]


def upload_job_id(shop_id: int, order_id: int) -> str:
    from runtime.jobs import job_id

    return job_id("ship-upload", shop_id, order_id)


def queue_upload(session: Session, order: Order, logistics_type: LogisticsType,
                 shipments: Sequence[Shipment]) -> ShippingUpload | None:
    """Record what to tell WeChat about this order's delivery, and send it after commit.

    Only orders paid with WeChat Pay in the mini-program are managed by WeChat."""
    from runtime.modules.payments.models import Payment, PaymentStatus

    payment = session.scalar(select(Payment).where(
        Payment.order_id == order.id, Payment.method == "wechatpay",
        Payment.status == PaymentStatus.SUCCEEDED))
    if payment is None or not payment.transaction_id or not payment.payer_openid:
        return None  # nothing to tell the mini-program: no payment, or paid in an H5 browser
    existing = session.scalar(select(ShippingUpload).where(ShippingUpload.order_id == order.id))
    if existing is not None:
        return existing
    description = "、".join(line.title for line in _lines(session, order.id))[:120] or "商品"
    items: list[dict[str, Any]] = []
    if logistics_type == LogisticsType.EXPRESS:
        phone = (order.address or {}).get("phone", "")
        for shipment in shipments[:15]:
            items.append({"item_desc": description, "tracking_no": shipment.tracking_no,
                          "express_company": shipment.carrier_code,
                          "receiver_contact": (f"{phone[:3]}****{phone[-4:]}"
                                               if shipment.carrier_code == "SF" and phone
                                               else "")})
    else:
        items.append({"item_desc": description})
    split = len(items) > 1
    payload = {"payer_openid": payment.payer_openid, "logistics_type": int(logistics_type),
               "items": items, "mchid": payment.mchid, "out_trade_no": payment.out_trade_no,
               "transaction_id": payment.transaction_id,
               "delivery_mode": int(DeliveryMode.SPLIT if split else DeliveryMode.UNIFIED),
               "is_all_delivered": True if split else None}
    upload = ShippingUpload(order_id=order.id, logistics_type=int(logistics_type), payload=payload,
                            status=UploadStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    session.add(upload)
    session.flush()
    shop_id = current_shop_id(session)
    assert shop_id is not None
    from runtime.modules.fulfilment.jobs import send_shipping_upload

    effects.enqueue_after_commit(session, send_shipping_upload, shop_id, order.id,
                                 jid=upload_job_id(shop_id, order.id))
    return upload


def upload_of(session: Session, order_id: int) -> ShippingUpload | None:
    return session.scalar(select(ShippingUpload).where(ShippingUpload.order_id == order_id))
