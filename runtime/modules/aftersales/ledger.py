"""The refund state after-sales keeps beside orders: per line (the one open request, what
was refunded, what came back) and per order (NONE / PART / ALL, open requests). Rows are
made on first use and locked before a request opens, closes or completes; the caller holds
the order's lock first."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.modules.aftersales.models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleOrder,
    RefundStatus,
)
from runtime.modules.orders.models import OrderLine
from runtime.upsert import upsert


def order_state(session: Session, order_id: int) -> AfterSaleOrder:
    """The order's row, locked (made when missing)."""
    upsert(session, AfterSaleOrder, {"shop_id": current_shop_id(session), "order_id": order_id,
                                     "refund_status": RefundStatus.NONE.value,
                                     "refunded_fen": 0, "open_count": 0},
           conflict=("shop_id", "order_id"))
    row = session.scalar(select(AfterSaleOrder).where(AfterSaleOrder.order_id == order_id)
                         .with_for_update().execution_options(populate_existing=True))
    assert row is not None
    return row


def line_state(session: Session, order_id: int, line_id: int) -> AfterSaleLine:
    """The line's row, locked (made when missing)."""
    upsert(session, AfterSaleLine, {"shop_id": current_shop_id(session), "line_id": line_id,
                                    "order_id": order_id, "refunded_fen": 0,
                                    "returned_qty": 0, "status": ""},
           conflict=("shop_id", "line_id"))
    row = session.scalar(select(AfterSaleLine).where(AfterSaleLine.line_id == line_id)
                         .with_for_update().execution_options(populate_existing=True))
    assert row is not None
    return row


def line_states(session: Session, order_ids: Sequence[int]) -> dict[int, AfterSaleLine]:
    """Line rows of these orders by line id (read only)."""
    if not order_ids:
        return {}
    return {row.line_id: row for row in session.scalars(
        select(AfterSaleLine).where(AfterSaleLine.order_id.in_(order_ids)))}


def order_states(session: Session, order_ids: Sequence[int]) -> dict[int, AfterSaleOrder]:
    if not order_ids:
        return {}
    return {row.order_id: row for row in session.scalars(
        select(AfterSaleOrder).where(AfterSaleOrder.order_id.in_(order_ids)))}


def opened(session: Session, aftersale: AfterSale) -> None:
    """``aftersale`` is the line's open request now (the caller checked none was)."""
    line = line_state(session, aftersale.order_id, aftersale.line_id)
    line.open_aftersale_id = aftersale.id
    line.status = aftersale.status
    order_state(session, aftersale.order_id).open_count += 1


def closed(session: Session, aftersale: AfterSale, *, refunded_fen: int = 0,
           returned_qty: int = 0) -> AfterSaleLine:
    """``aftersale`` ended (completed or not): the line may open another; what it
    refunded and took back is added."""
    line = line_state(session, aftersale.order_id, aftersale.line_id)
    if line.open_aftersale_id == aftersale.id:
        line.open_aftersale_id = None
        order = order_state(session, aftersale.order_id)
        order.open_count = max(order.open_count - 1, 0)
    line.status = aftersale.status
    line.refunded_fen += refunded_fen
    line.returned_qty += returned_qty
    return line


def moved(session: Session, aftersale: AfterSale) -> None:
    """The open request changed status: the line shows it."""
    line = line_state(session, aftersale.order_id, aftersale.line_id)
    line.status = aftersale.status


def settle_order(session: Session, order_id: int, line_payable: dict[int, int],
                 refunded_now_fen: int, refunded_lines: Collection[int] | None = None
                 ) -> AfterSaleOrder:
    """Add a completed refund to the order and work out NONE / PART / ALL: ALL once every
    line (``line_payable``: line id -> what it paid) is refunded in full. For an order paid
    with nothing due, ``refunded_lines`` are the lines refunded (at 0 fen)."""
    order = order_state(session, order_id)
    order.refunded_fen += refunded_now_fen
    if refunded_lines is not None:
        full = all(line_id in refunded_lines for line_id in line_payable)
        some = bool(refunded_lines)
    else:
        lines = line_states(session, [order_id])
        full = all(lines.get(line_id) is not None and lines[line_id].refunded_fen >= paid
                   for line_id, paid in line_payable.items())
        some = order.refunded_fen > 0
    order.refund_status = (RefundStatus.ALL if full else RefundStatus.PART
                           if some else RefundStatus.NONE).value
    return order


def fully_refunded_lines(session: Session, order_id: int) -> list[int]:
    """Ids of the order's lines refunded in full (what they paid, and something was paid)."""
    return list(session.scalars(
        select(AfterSaleLine.line_id).join(OrderLine, OrderLine.id == AfterSaleLine.line_id)
        .where(AfterSaleLine.order_id == order_id, OrderLine.payable_fen > 0,
               AfterSaleLine.refunded_fen >= OrderLine.payable_fen)
        .order_by(AfterSaleLine.line_id)))
