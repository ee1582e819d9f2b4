"""The wallet's part in the money path (pluggy hooks of :mod:`runtime.modules.hookspecs`):
balances for member profiles, and paying / refunding orders with the stored value through
the payments module."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.wallet import service


@hookimpl
def member_balances(session: Session, member_ids: list[int]
                    ) -> dict[str, dict[int, Any]]:
    """``{"wallet": {member_id: {"balance_fen", "principal_fen", "bonus_fen"}}}``."""
    return {"wallet": {member_id: balance.as_dict() for member_id, balance
                       in service.balances_of(session, member_ids).items()}}


@hookimpl
def member_imported(session: Session, member: Any, balances: dict[str, int], key: str
                    ) -> bool | None:
    """An opening balance (principal) from a member import, once per import and member."""
    if not balances.get("balance_fen"):
        return None
    return service.adjust(session, member.id, principal_delta_fen=balances["balance_fen"],
                          key=f"{key}-wallet").applied


@hookimpl
def take_payment(session: Session, payment: Any, member_id: int) -> bool | None:
    """Take a ``wallet`` payment's amount off the member's balance (key
    ``order-pay-<order>``; 409 ``insufficient_balance`` when short)."""
    if payment.method != "wallet":
        return None
    service.pay_for_order(session, member_id, payment.order_id, payment.amount_fen)
    return True


@hookimpl
def return_payment(session: Session, payment: Any, member_id: int, amount_fen: int,
                   key: str) -> bool | None:
    """Give part or all of a ``wallet`` payment back to the balance (key
    ``order-refund-<order>-<key>``; never more than the order took)."""
    if payment.method != "wallet":
        return None
    service.refund_to_balance(session, member_id, payment.order_id, key, amount_fen)
    return True
