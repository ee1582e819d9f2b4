"""The reviews module's order hook: a completed order's lines become reviewable, and the
timer of their automatic good review starts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.modules.hookspecs import hookimpl
from runtime.modules.reviews import service


@hookimpl
def order_completed(session: Session, order: Any) -> None:
    """Inside the completing transaction; idempotent by line (the slots' unique key)."""
    from runtime.modules.orders.service import order_lines

    due = service.open_slots(session, order, order_lines(session, [order.id])[order.id])
    if due is not None:
        from runtime.modules.reviews.jobs import schedule_auto_review

        shop_id = current_shop_id(session)
        assert shop_id is not None
        schedule_auto_review(session, shop_id, order.id, due)


@hookimpl
def order_details(session: Session, order: Any, for_merchant: bool) -> dict[str, Any]:
    """A completed order's review progress, for the buyer's 去评价 button:
    ``{"review": {"to_review": n, "reviewed": m}}``."""
    if for_merchant or order.status != "completed":
        return {}
    return {"review": service.review_progress(session, order.id)}


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    """Money came back for a line of a completed order: no automatic *good* review for it
    (the member may still write one). Inside the refund's transaction; idempotent."""
    service.stop_auto_review(session, line.id)
