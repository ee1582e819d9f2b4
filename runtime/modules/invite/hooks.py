"""Invite's order hooks (the first-payment trigger): the invitee's first paid order rewards
the invitation, a whole refund before the order completes takes the reward back, completion
keeps it for good."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.invite import service


@hookimpl
def order_paid(session: Session, order: Any) -> None:
    service.reward_first_payment(session, order.member_id, order.id)


@hookimpl
def order_refunded(session: Session, order: Any) -> None:
    service.revoke_for_refund(session, order.id)


@hookimpl
def order_completed(session: Session, order: Any) -> None:
    service.settle(session, order.id)
