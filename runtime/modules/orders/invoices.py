"""Invoices requested at checkout (``order.invoice``: type, title, tax number, email) and
issued by the shop: the console's queue lists paid orders whose invoice is not issued yet;
issuing records the e-invoice number (数电发票号码) on the order, where the buyer sees it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules.orders.locks import order_for_update
from runtime.modules.orders.models import Order, OrderStatus

INVOICE_NUMBER = re.compile(r"^[0-9A-Za-z-]{8,32}$")
ISSUABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def queue(session: Session, limit: int = 100) -> list[Order]:
    """Paid orders (oldest first) whose requested invoice has not been issued."""
    rows = session.scalars(select(Order).where(Order.invoice.is_not(None),
                                               Order.status.in_(ISSUABLE))
                           .order_by(Order.paid_at, Order.id))
    return [o for o in rows if o.invoice and not o.invoice.get("number")][:limit]


def issue(session: Session, order_id: int, number: Any) -> Order:
    """Record the e-invoice number on the order (once; a second, different number is 409)."""
    if not isinstance(number, str) or not INVOICE_NUMBER.match(number.strip()):
        raise ValidationFailed.single("/number", "the e-invoice number: 8-32 letters, digits "
                                      "or '-'", "pattern")
    order = session.scalar(order_for_update(order_id))
    if order is None or not order.invoice:
        raise NotFound("no invoice was requested for this order", code="invoice_not_found")
    if order.status not in ISSUABLE:
        raise Conflict("the order is not paid", code="order_not_paid")
    number = number.strip()
    issued = order.invoice.get("number")
    if issued and issued != number:
        raise Conflict(f"invoice {issued} is already recorded", code="invoice_issued")
    if not issued:
        order.invoice = {**order.invoice, "number": number, "issued_at": utcnow().isoformat()}
        session.flush()
    return order
