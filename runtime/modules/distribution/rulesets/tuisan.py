"""推三返一 (refer three, get one back).

When a new buyer pays for an eligible product (``tuisan_product_ids``; empty: every product)
through a member's share (the order's snapshotted level-1 referrer), the buy waits for its
after-sales window. Self-purchases never count (the buyer is never their own referrer), and
neither does a repeat buyer (one with an earlier paid order in the shop) nor the same buyer
twice for one member. A refund of the line before it counted frees its slot.

The hourly sweep counts buys past their window; every three counted buys pay the member back
one unit's paid price of one of their own orders of an eligible product (its source order:
paid, received, past its window, not refunded) — once per source order. The reward is a
commission of rule ``tuisan``, level 1, on the third buyer's line, written by
``CommissionService.record``; it is due at once and settled by the same settlement.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.distribution import commissions
from runtime.modules.distribution.commissions import Rate
from runtime.modules.distribution.rulesets import notice, rewards
from runtime.modules.distribution.rulesets.models import TuisanBuy, TuisanReward
from runtime.modules.distribution.rulesets.settings import RuleSetSettings, ruleset_settings
from runtime.modules.distribution.rulesets.window import LineFact, line_facts

RULE = "tuisan"
GROUP = 3


def _repeat_buyer(session: Session, order: Any) -> bool:
    from runtime.modules.orders.models import Order

    return session.scalar(select(Order.id).where(
        Order.member_id == order.member_id, Order.id != order.id, Order.id < order.id,
        Order.paid_at.is_not(None)).limit(1)) is not None


def on_paid(session: Session, order: Any, lines: list[Any]) -> TuisanBuy | None:
    """``order_paid``: a new buyer's eligible line bought through a member's share waits."""
    if not notice.is_on(session, RULE):
        return None
    chain = rewards.chain_of(session, order.id)
    if chain is None or chain.referrer1_member_id in (None, order.member_id):
        return None
    settings = ruleset_settings(session)
    line = next((ln for ln in lines if settings.tuisan_eligible(ln.product_id)), None)
    if line is None or _repeat_buyer(session, order):
        return None
    try:
        with session.begin_nested():
            buy = TuisanBuy(referrer_member_id=chain.referrer1_member_id,
                            buyer_member_id=order.member_id, order_id=order.id,
                            line_id=line.id, status="waiting")
            session.add(buy)
            session.flush()
    except IntegrityError:  # this buyer already counts (or counted) for this member
        return None
    return buy


def on_refund(session: Session, line_id: int) -> int:
    """``line_refunded``: a buy still waiting frees its slot."""
    buys = list(session.scalars(select(TuisanBuy).where(TuisanBuy.line_id == line_id,
                                                        TuisanBuy.status == "waiting")))
    for buy in buys:
        buy.status = "freed"
    session.flush()
    return len(buys)


def _count(session: Session, settings: RuleSetSettings, now: datetime) -> None:
    waiting = list(session.scalars(select(TuisanBuy).where(TuisanBuy.status == "waiting")))
    facts = line_facts(session, [b.line_id for b in waiting])
    for buy in waiting:
        fact = facts.get(buy.line_id)
        if fact is None or fact.refunded_fen > 0:
            buy.status = "freed"
        elif fact.past_window(now, settings.after_sale_days):
            buy.status = "counted"
    session.flush()


def _sources(session: Session, settings: RuleSetSettings, member_id: int,
             now: datetime) -> list[LineFact]:
    """The member's own orders that may still pay one unit back: one eligible line each."""
    from runtime.modules.orders.models import Order, OrderLine

    rewarded = select(TuisanReward.source_order_id)
    rows = session.execute(select(OrderLine.id, OrderLine.order_id, OrderLine.product_id)
                           .join(Order, Order.id == OrderLine.order_id)
                           .where(Order.member_id == member_id, Order.paid_at.is_not(None),
                                  Order.id.not_in(rewarded))
                           .order_by(Order.id, OrderLine.id)).all()
    firsts: dict[int, int] = {}
    for line_id, order_id, product_id in rows:
        if settings.tuisan_eligible(product_id):
            firsts.setdefault(order_id, line_id)
    facts = line_facts(session, firsts.values())
    return [f for f in (facts[i] for i in firsts.values())
            if f.refunded_fen == 0 and f.past_window(now, settings.after_sale_days)]


def _reward(session: Session, member_id: int, group: list[TuisanBuy], source: LineFact,
            now: datetime) -> TuisanReward | None:
    third = group[-1]
    chain = rewards.chain_of(session, third.order_id)
    fact = line_facts(session, [third.line_id])[third.line_id]
    if chain is None:
        return None
    amount = source.payable_fen // source.qty
    line = SimpleNamespace(id=third.line_id, payable_fen=fact.payable_fen, qty=1)
    row = rewards.pay(session, chain=chain, member_id=member_id, line=line, level=1, rule=RULE,
                      rate=Rate("fixed", Decimal(amount)), base_fen=fact.left_fen,
                      amount_fen=amount)
    if row is None:
        return None
    row.due_at = now
    reward = TuisanReward(member_id=member_id, source_order_id=source.order_id,
                          source_line_id=source.line_id, amount_fen=amount,
                          commission_id=row.id)
    session.add(reward)
    session.flush()
    for buy in group:
        buy.reward_id = reward.id
    session.flush()
    commissions.settle_due(session, now, line_id=third.line_id)
    return reward


def sweep(session: Session, now: datetime | None = None) -> list[TuisanReward]:
    """Count buys past their window, then pay every complete group of three."""
    if not notice.is_on(session, RULE):
        return []
    now = now or utcnow()
    settings = ruleset_settings(session)
    _count(session, settings, now)
    ready = session.execute(select(TuisanBuy.referrer_member_id).where(
        TuisanBuy.status == "counted", TuisanBuy.reward_id.is_(None))
        .group_by(TuisanBuy.referrer_member_id)
        .having(func.count(TuisanBuy.id) >= GROUP)).scalars().all()
    made = []
    for member_id in sorted(ready):
        buys = list(session.scalars(select(TuisanBuy).where(
            TuisanBuy.referrer_member_id == member_id, TuisanBuy.status == "counted",
            TuisanBuy.reward_id.is_(None)).order_by(TuisanBuy.id)))
        sources = _sources(session, settings, member_id, now)
        while len(buys) >= GROUP and sources:
            reward = _reward(session, member_id, buys[:GROUP], sources.pop(0), now)
            if reward is None:
                break
            made.append(reward)
            buys = buys[GROUP:]
    return made


def progress(session: Session, member_id: int) -> dict[str, Any]:
    """A member's buyers: waiting for their window, counted towards the next reward, and the
    rewards paid."""
    buys = list(session.scalars(select(TuisanBuy).where(
        TuisanBuy.referrer_member_id == member_id)))
    paid = list(session.scalars(select(TuisanReward).where(TuisanReward.member_id == member_id)
                                .order_by(TuisanReward.id.desc())))
    return {"waiting": sum(b.status == "waiting" for b in buys),
            "counted": sum(b.status == "counted" and b.reward_id is None for b in buys),
            "group": GROUP,
            "rewards": [{"source_order_id": r.source_order_id, "amount_fen": r.amount_fen}
                        for r in paid]}
