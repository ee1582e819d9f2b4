"""The bargain's order hooks (see runtime.modules.hookspecs), each idempotent by order: the
launch and one unit of activity stock taken at creation, the launch bought at payment, both
given back when the order closes unpaid, the stock when it is refunded in full."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.bargain import launches
from runtime.modules.bargain.pricing import quoted_price
from runtime.modules.hookspecs import hookimpl


@hookimpl
def order_created(session: Session, order: Any, lines: list[Any], submission: Any) -> None:
    quoted = quoted_price(submission)
    if quoted is not None:
        launches.take_for_order(session, order, lines[0], quoted[0], quoted[1])


@hookimpl
def order_marked_paid(session: Session, order: Any) -> None:
    launches.order_paid(session, order)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    launches.order_closed(session, order)


@hookimpl
def order_refunded(session: Session, order: Any, refund: Any) -> None:
    launches.order_refunded(session, order)
