"""Distribution in the order's life (pluggy hooks of :mod:`runtime.modules.hookspecs`): the
uplines snapshotted at creation, commissions at payment, the clock at receipt, refunds; and
the end of a withdrawal's WeChat transfer. Each is idempotent by order, line, refund id and
withdrawal."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.distribution import commissions, service, transfers
from runtime.modules.distribution.settings import distribution_settings
from runtime.modules.hookspecs import hookimpl


@hookimpl
def order_created(session: Session, order: Any, submission: Any) -> None:
    """Copy the buyer's two referrers onto the order (rebinding later moves nothing)."""
    commissions.snapshot(session, order, submission)


@hookimpl(trylast=True)
def order_paid(session: Session, order: Any, lines: list[Any]) -> None:
    """PENDING commissions for the uplines; in threshold mode the buyer may now enrol
    (after the members module counted this order: ``trylast``)."""
    settings = distribution_settings(session)
    commissions.accrue_for_order(session, order, lines, settings)
    service.enrol_if_threshold(session, order.member_id, settings)


@hookimpl
def order_received(session: Session, order: Any) -> None:
    """The after-sales window starts: commissions fall due ``after_sale_days`` from now."""
    commissions.start_clock(session, order)


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    """Recompute the line's commissions from what is left of it (cancel, or adjust after
    settlement)."""
    commissions.revalue_line(session, order.id, line.id, refund.id)


@hookimpl
def transfer_finished(session: Session, bill: Any) -> bool | None:
    """WeChat Pay finished a withdrawal's transfer to WeChat change: paid or returned."""
    return transfers.transfer_finished(session, bill)
