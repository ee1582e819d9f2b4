"""Fulfilment's part in an order's life (pluggy hooks of :mod:`runtime.modules.hookspecs`):
a pickup code as soon as a self-pickup order is paid, and shipments, pickup and the WeChat
shipping upload in the order's detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.fulfilment import shipping
from runtime.modules.hookspecs import hookimpl
from runtime.modules.orders.models import OrderStatus


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@hookimpl
def order_marked_paid(session: Session, order: Any) -> None:
    shipping.on_order_paid(session, order)


@hookimpl
def order_details(session: Session, order: Any, for_merchant: bool) -> dict[str, Any]:
    if order.status == OrderStatus.PENDING_PAYMENT:  # nothing is fulfilled before payment
        return {"shipments": [], "pickup": None,
                **({"shipping_upload": None} if for_merchant else {})}
    pickup = shipping.pickup_code_of(session, order.id)
    data: dict[str, Any] = {
        "shipments": [shipping.shipment_dict(s, lines)
                      for s, lines in shipping.shipments_of(session, order.id)],
        "pickup": ({"code": pickup.code, "verified_at": _iso(pickup.verified_at)}
                   if pickup else None),
        "lines_not_to_ship": sorted(shipping.lines_not_to_ship(session, order)),
    }
    if for_merchant:
        upload = shipping.upload_of(session, order.id)
        data["shipping_upload"] = ({"status": upload.status, "attempts": upload.attempts,
                                    "last_error": upload.last_error,
                                    "accepted_at": _iso(upload.accepted_at)}
                                   if upload else None)
    return data
