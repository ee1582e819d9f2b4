"""The group buy's order hooks (see runtime.modules.hookspecs): the order's row at creation,
the group at payment, stock back on close, and the holds while a group is open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.groupbuy import groups
from runtime.modules.groupbuy.errors import GroupbuyConflict, GroupbuyErrorCode
from runtime.modules.groupbuy.models import GroupbuyActivity
from runtime.modules.hookspecs import hookimpl


def _activity_ref(submission: Any) -> Any:
    ref = getattr(submission.input, "activity", None)
    return ref if ref is not None and ref.kind == groups.KIND else None


@hookimpl
def validate_submit(session: Session, submission: Any) -> None:
    """A product in a live group buy that does not allow buying alone sells only in groups."""
    if getattr(submission.input, "activity", None) is not None:
        return
    product_ids = {line.product_id for line in submission.quote.lines}
    now = utcnow()
    alone = session.scalar(select(GroupbuyActivity.id).where(
        GroupbuyActivity.product_id.in_(product_ids), GroupbuyActivity.enabled.is_(True),
        GroupbuyActivity.allow_single_buy.is_(False), GroupbuyActivity.starts_at <= now,
        GroupbuyActivity.ends_at > now).limit(1))
    if alone is not None:
        raise GroupbuyConflict(GroupbuyErrorCode.SINGLE_BUY, "this product is sold in groups "
                               "only: open or join a group", activity_id=alone)


@hookimpl
def order_created(session: Session, order: Any, lines: list[Any], submission: Any) -> None:
    ref = _activity_ref(submission)
    if ref is not None:
        groups.record_order(session, order, lines[0], ref)


@hookimpl
def order_marked_paid(session: Session, order: Any) -> None:
    groups.on_paid(session, order)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    groups.order_closed(session, order)


@hookimpl
def fulfilment_hold(session: Session, order: Any) -> str | None:
    return groups.hold_reason(session, order)


@hookimpl
def validate_aftersale(session: Session, order: Any, line: Any, request: Any) -> None:
    groups.check_aftersale(session, order, request)


@hookimpl
def order_details(session: Session, order: Any, for_merchant: bool) -> dict[str, Any]:
    return groups.order_info(session, order)
