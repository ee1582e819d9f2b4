"""Invoices requested at checkout (``order.invoice``: type, title, tax number, email) and
issued by the shop: the console's queue lists paid orders whose invoice is not issued yet;
issuing records the e-invoice number (数电发票号码) or uploads the invoice PDF (kept as a
private document, ``runtime.media.documents``) on the order, where the buyer sees it and
downloads the PDF — only the buyer of that order, and the shop's console."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.media.documents import store_pdf
from runtime.media.storage import Storage
from runtime.modules.orders.locks import order_for_update
from runtime.modules.orders.models import Order, OrderStatus

INVOICE_NUMBER = re.compile(r"^[0-9A-Za-z-]{8,32}$")
ISSUABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def queue(session: Session, limit: int = 100) -> list[Order]:
    """Paid orders (oldest first) whose requested invoice has not been issued."""
    rows = session.scalars(select(Order).where(Order.invoice.is_not(None),
                                               Order.status.in_(ISSUABLE))
                           .order_by(Order.paid_at, Order.id))
    return [o for o in rows if o.invoice and not is_issued(o.invoice)][:limit]


def is_issued(invoice: dict[str, Any]) -> bool:
    return bool(invoice.get("number") or invoice.get("pdf"))


def _issuable(session: Session, order_id: int) -> Order:
    order = session.scalar(order_for_update(order_id))
    if order is None or not order.invoice:
        raise NotFound("no invoice was requested for this order", code="invoice_not_found")
    if order.status not in ISSUABLE:
        raise Conflict("the order is not paid", code="order_not_paid")
    return order


def issue(session: Session, order_id: int, number: Any) -> Order:
    """Record the e-invoice number on the order (once; a second, different number is 409)."""
    if not isinstance(number, str) or not INVOICE_NUMBER.match(number.strip()):
        raise ValidationFailed.single("/number", "the e-invoice number: 8-32 letters, digits "
                                      "or '-'", "pattern")
    order = _issuable(session, order_id)
    number = number.strip()
    issued = order.invoice.get("number")
    if issued and issued != number:
        raise Conflict(f"invoice {issued} is already recorded", code="invoice_issued")
    if not issued:
        order.invoice = {**order.invoice, "number": number, "issued_at": utcnow().isoformat()}
        session.flush()
    return order


def attach_pdf(session: Session, order_id: int, data: bytes, *,
               storage: Storage | None = None) -> Order:
    """Keep the invoice PDF for the order (checked: a real PDF within the size limit). Once;
    the same file again changes nothing, a different one is 409 ``invoice_pdf_uploaded``."""
    order = _issuable(session, order_id)
    stored = store_pdf(current_shop_id(session), data, storage=storage)
    uploaded = order.invoice.get("pdf")
    if uploaded and uploaded.get("sha256") != stored.sha256:
        raise Conflict("an invoice PDF is already uploaded for this order",
                       code="invoice_pdf_uploaded")
    if not uploaded:
        now = utcnow().isoformat()
        order.invoice = {**order.invoice, "pdf": {**stored.as_dict(), "uploaded_at": now},
                         "issued_at": order.invoice.get("issued_at") or now}
        session.flush()
    return order


def pdf_key(order: Order) -> str:
    """The storage key of the order's invoice PDF (the caller has checked who asks)."""
    pdf = (order.invoice or {}).get("pdf")
    if not pdf:
        raise NotFound("no invoice PDF was uploaded for this order", code="invoice_not_found")
    return str(pdf["key"])


def invoice_json(order: Order) -> dict[str, Any] | None:
    """The invoice as shown on the order: what was asked and what was issued; the PDF as
    ``pdf: {byte_size, pages, uploaded_at, api_path}`` (the storage key stays inside)."""
    if not order.invoice:
        return None
    data = {k: v for k, v in order.invoice.items() if k != "pdf"}
    pdf = order.invoice.get("pdf")
    data["pdf"] = ({"byte_size": pdf["byte_size"], "pages": pdf.get("pages"),
                    "uploaded_at": pdf.get("uploaded_at"),
                    "api_path": f"/orders/{order.id}/invoice.pdf"} if pdf else None)
    return data
