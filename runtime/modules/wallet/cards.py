"""Paid membership cards (the members module's) bought with the stored-value balance."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.modules.members.cards import get_plan, grant_card
from runtime.modules.members.models import MemberCard
from runtime.modules.members.service import lock_member
from runtime.modules.wallet.service import pay_for_card


def buy_with_balance(session: Session, member_id: int, plan_id: int, *,
                     request_key: str) -> MemberCard:
    """Buy a card with the stored-value balance: one wallet charge and one card per
    ``request_key`` (the client's idempotency key)."""
    plan = get_plan(session, plan_id)
    if not plan.is_active:
        raise ValidationFailed.single("/plan_id", "this card is no longer sold", "inactive")
    key = f"card-{member_id}-{request_key}"
    lock_member(session, member_id)
    charge = pay_for_card(session, member_id, key=key, amount_fen=plan.price_fen,
                          plan_id=plan.id)
    return grant_card(session, member_id, plan.id, key=key,
                      payment_ref=f"wallet:{charge.entry.id}")
