"""How a rule set pays a per-order reward: through ``CommissionService.record`` (the one writer,
which refuses anyone more than two steps up the order's snapshotted chain), to a distributor
that is not disabled, with the row locked."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules.distribution import ledger
from runtime.modules.distribution.commissions import CommissionRefused, CommissionService, Rate
from runtime.modules.distribution.models import (
    Commission,
    DistributorStatus,
    OrderUplines,
)

log = logging.getLogger(__name__)


def chain_of(session: Session, order_id: int) -> OrderUplines | None:
    return session.scalar(select(OrderUplines).where(OrderUplines.order_id == order_id))


def step_of(chain: OrderUplines, member_id: int | None) -> int | None:
    """How many referral steps above the buyer ``member_id`` is (None: beyond two)."""
    steps = [chain.buyer_member_id, chain.referrer1_member_id, chain.referrer2_member_id]
    return steps.index(member_id) if member_id is not None and member_id in steps else None


def pay(session: Session, *, chain: OrderUplines, member_id: int, line: Any, level: int,
        rule: str, rate: Rate, base_fen: int, amount_fen: int, order_no: str = ""
        ) -> Commission | None:
    """A PENDING reward of ``rule``; None when it is nothing, the member does not
    distribute (or is disabled), or the two-level rule refuses it."""
    if amount_fen <= 0:
        return None
    distributor = ledger.lock_distributors(session, [member_id]).get(member_id)
    if distributor is None or distributor.status == DistributorStatus.DISABLED:
        return None
    try:
        return CommissionService.record(session, chain=chain, distributor=distributor,
                                        line=line, level=level, rule=rule, rate=rate,
                                        base_fen=base_fen, amount_fen=amount_fen,
                                        order_no=order_no)
    except CommissionRefused as refused:
        log.info("rule-set reward refused by the two-level rule",
                 extra={"rule": rule, "order_id": chain.order_id, "member_id": member_id,
                        "reason": str(refused)})
        return None
