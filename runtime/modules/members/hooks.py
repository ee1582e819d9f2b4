"""What the members module does when an order is paid or refunded (pluggy hooks of
:mod:`runtime.modules.hookspecs`): the member's purchase stats, category spend (for tag
rules) and growth, keyed by order and refund."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.members import purchases


@hookimpl
def order_paid(session: Session, order: Any, lines: list[Any]) -> None:
    """Record the purchase (what was paid, split by the products' catalog categories) and
    add growth; cash on delivery counts once the money is collected."""
    from runtime.modules.catalog.queries import product_categories

    if order.paid_fen <= 0 or order.paid_at is None:
        return  # cash on delivery: nothing has been paid yet
    categories = product_categories(session, [line.product_id for line in lines])
    by_category: dict[int, int] = {}
    for line in lines:
        category = categories.get(line.product_id)
        if category is not None:
            by_category[category] = by_category.get(category, 0) + line.payable_fen
    purchases.on_order_paid(session, purchases.PaidOrder(
        member_id=order.member_id, order_id=order.id, paid_fen=order.paid_fen,
        paid_at=order.paid_at, category_fen=by_category))


@hookimpl
def line_refunded(session: Session, order: Any, refund: Any) -> None:
    """Spend stats and growth drop in proportion to what is refunded of the order so far."""
    purchases.on_order_refunded(session, member_id=order.member_id, order_id=order.id,
                                refund_id=refund.id, paid_fen=order.paid_fen,
                                refunded_total_fen=refund.order_refunded_fen)
