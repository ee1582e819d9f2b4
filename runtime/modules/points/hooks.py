"""What the points module does when orders and members tell it something (pluggy hooks of
:mod:`runtime.modules.hookspecs`). Every ledger write is keyed by order, refund or member
action, so a repeated call changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.loader import hooks
from runtime.modules.points import service


@hookimpl
def order_created(session: Session, order: Any) -> None:
    """Take the points the new order deducts (key ``order-spend-<order>``; the ledger
    refuses a short balance, which refuses the order)."""
    if order.points_used:
        service.spend_for_order(session, order.member_id, order.id, order.points_used,
                                order.points_deduction_fen)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    """The order closed unpaid: its deducted points go back (key ``order-release-<order>``)."""
    if order.points_used:
        service.release_for_order(session, order.member_id, order.id)


@hookimpl(tryfirst=True)
def order_paid(session: Session, order: Any) -> None:
    """Earn points for what was paid, at the multiplier of the level the member had when
    paying (or a higher one another module grants the order: ``points_multiplier``); runs
    before the members module adds this order's growth (``tryfirst``)."""
    from runtime.modules.members.levels import member_benefits

    if order.paid_fen <= 0 or order.paid_at is None:
        return  # cash on delivery: nothing has been paid yet
    multiplier = max([member_benefits(session, order.member_id).points_multiplier,
                      *(m for m in hooks(session).points_multiplier(session=session, order=order)
                        if m is not None)])
    service.earn_for_order(session, order.member_id, order.id, order.paid_fen,
                           multiplier=multiplier)


@hookimpl
def line_refunded(session: Session, order: Any, refund: Any) -> None:
    """Take back earned points and give back deducted ones in proportion to the share of
    the order refunded so far (keys by order and refund: a refund covering several lines
    moves points once)."""
    service.reverse_for_refund(session, order.member_id, order.id, refund.id,
                               paid_fen=order.paid_fen,
                               refunded_total_fen=refund.order_refunded_fen)


@hookimpl
def member_event(session: Session, member: Any, event: str) -> None:
    """The shop's points for a one-off action (signup, bind_phone, complete_profile), once
    per member (key ``action-<event>-<member>``)."""
    service.earn_for_action(session, member.id, event, key=f"action-{event}-{member.id}")


@hookimpl
def member_imported(session: Session, member: Any, balances: dict[str, int], key: str
                    ) -> bool | None:
    """Opening points from a member import, once per import and member."""
    if not balances.get("points"):
        return None
    return service.credit(session, member.id, balances["points"], reason="import",
                          key=f"{key}-points", kind=service.EntryKind.ADJUST).applied


@hookimpl
def member_balances(session: Session, member_ids: list[int]) -> dict[str, dict[int, int]]:
    return {"points": service.balances_of(session, member_ids)}
