"""What the coupons module does when orders, members and other modules tell it something
(pluggy hooks of :mod:`runtime.modules.hookspecs`); each is idempotent by its key."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.coupons import service
from runtime.modules.hookspecs import hookimpl


@hookimpl
def order_created(session: Session, order: Any) -> None:
    """The order's coupon becomes used (a coupon no longer usable refuses the order)."""
    service.use_for_order(session, order)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    """Closed unpaid: the coupon is the member's again, with its original expiry."""
    service.return_for_order(session, order, "closed_unpaid")


@hookimpl
def order_refunded(session: Session, order: Any) -> None:
    """Wholly refunded: the coupon comes back (a partial refund keeps it used)."""
    service.return_for_order(session, order, "refunded")


@hookimpl
def order_paid(session: Session, order: Any) -> None:
    """Remember what the order using a coupon paid, for the console's stats."""
    service.record_paid(session, order)


@hookimpl
def member_event(session: Session, member: Any, event: str) -> None:
    """The new-member gift (新人礼包): the settings' templates, once per member."""
    if event == "signup":
        service.give_signup_gift(session, member.id)


@hookimpl
def issue_coupons(session: Session, member_id: int, template_ids: list[int], source: str,
                  idempotency_key: str) -> list[int]:
    return service.issue_by_key(session, member_id, template_ids, source,
                                f"hook-{idempotency_key}")


@hookimpl
def revoke_coupons(session: Session, idempotency_key: str) -> int:
    return service.revoke_by_key(session, f"hook-{idempotency_key}")


@hookimpl
def member_balances(session: Session, member_ids: list[int]) -> dict[str, dict[int, int]]:
    """``coupons``: each member's usable coupons (unused, not expired)."""
    return {"coupons": service.usable_counts(session, member_ids)}
