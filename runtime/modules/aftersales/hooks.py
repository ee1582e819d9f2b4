"""After-sales in the order's life (pluggy hooks of :mod:`runtime.modules.hookspecs`):
WeChat Pay's refund answers, the refund state shown on an order, holding shipping and
auto-confirm while a request is open, and the requests waiting on the console overview."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.aftersales import ledger, refunding
from runtime.modules.aftersales.models import STATUS_LABELS, AfterSaleStatus, RefundStatus
from runtime.modules.aftersales.service import pending_count
from runtime.modules.hookspecs import OverviewFigure, hookimpl
from runtime.modules.orders.models import OrderStatus


@hookimpl
def refund_settled(session: Session, refund: Any, payment: Any) -> None:
    """SUCCESS completes the request (the line counts as refunded), CLOSED puts it back to
    待退款 with an alert, ABNORMAL waits for the merchant."""
    refunding.settled(session, refund)


@hookimpl
def order_details(session: Session, order: Any, for_merchant: bool) -> dict[str, Any]:
    """``refund_status`` (NONE / PART / ALL), ``refunded_fen`` and each line's after-sale
    state (``aftersale``: status, label, refunded, the open request). An unpaid order has
    none (nothing is refunded before payment), read from nothing."""
    if order.status == OrderStatus.PENDING_PAYMENT:
        return {"refund_status": RefundStatus.NONE.value, "refunded_fen": 0,
                "aftersale_lines": {}}
    summary = ledger.order_states(session, [order.id]).get(order.id)
    lines = ledger.line_states(session, [order.id])
    return {
        "refund_status": summary.refund_status if summary else RefundStatus.NONE.value,
        "refunded_fen": summary.refunded_fen if summary else 0,
        "aftersale_lines": {str(line_id): {
            "status": row.status or None,
            "status_label": STATUS_LABELS[AfterSaleStatus(row.status)] if row.status else "",
            "refunded_fen": row.refunded_fen, "returned_qty": row.returned_qty,
            "open_aftersale_id": row.open_aftersale_id} for line_id, row in lines.items()},
    }


def _open(session: Session, order: Any) -> bool:
    summary = ledger.order_states(session, [order.id]).get(order.id)
    return bool(summary and summary.open_count)


@hookimpl
def auto_confirm_hold(session: Session, order: Any) -> str | None:
    """Auto-confirm waits while a request of the order is open."""
    return "售后处理中" if _open(session, order) else None


@hookimpl
def fulfilment_hold(session: Session, order: Any) -> str | None:
    """An order is not shipped while a refund asked for before shipping is open."""
    return "买家申请退款中，请先处理售后" if _open(session, order) else None


@hookimpl
def overview_figures(session: Session) -> list[OverviewFigure]:
    """待处理售后 on the console overview: requests waiting for the merchant."""
    return [OverviewFigure("aftersales", {"zh-CN": "待处理售后", "en": "After-sales to handle"},
                           pending_count(session), "orders",
                           "aftersales_console.aftersale_list", position=25)]


@hookimpl
def lines_not_to_ship(session: Session, order: Any) -> list[int]:
    """Lines refunded in full are not shipped (their goods stayed in the shop); of an order
    paid with nothing due, the lines refunded at 0 fen."""
    lines = ledger.fully_refunded_lines(session, order.id)
    if refunding.nothing_due(order):
        lines = sorted(set(lines) | set(refunding.zero_refunded_lines(session, order.id)))
    return lines
