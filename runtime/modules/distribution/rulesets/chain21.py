"""链动2+1: member → reseller (代理) → boss (老板).

A member becomes a reseller by paying for a designated product (``chain21_product_ids``).
Placement follows the order's snapshotted referrer: a reseller's first two referred resellers
join the team of the reseller's own boss; with the second the reseller becomes a boss, and
keeps every later referral in their own team. A boss's referrals join the boss's team.

Each designated line pays, through ``CommissionService.record``:

- the direct reward (直推奖, rule ``chain21_direct``, ``chain21_direct_rate`` %) to the
  referrer, when the referrer is a reseller or boss — level 1;
- the team reward (团队奖, rule ``chain21_team``, ``chain21_team_rate`` %) to the boss of the
  buyer's team, at the boss's step above the buyer. A boss more than two referral steps away
  gets nothing: the service refuses it.

Both are PENDING until the after-sales window passes, like every commission.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.distribution.commissions import Rate
from runtime.modules.distribution.models import Commission
from runtime.modules.distribution.rulesets import notice, rewards
from runtime.modules.distribution.rulesets.models import Chain21Place
from runtime.modules.distribution.rulesets.settings import ruleset_settings

RULE = "chain21"
DIRECT = "chain21_direct"
TEAM = "chain21_team"
GIVEN_AWAY = 2  # the first two referrals go to the boss's team


def place_of(session: Session, member_id: int | None, *, lock: bool = False
             ) -> Chain21Place | None:
    if member_id is None:
        return None
    query = select(Chain21Place).where(Chain21Place.member_id == member_id)
    return session.scalar(query.with_for_update() if lock else query)


def join(session: Session, member_id: int, referrer_id: int | None, order_id: int
         ) -> Chain21Place:
    """Make ``member_id`` a reseller placed by ``referrer_id`` (idempotent)."""
    existing = place_of(session, member_id)
    if existing is not None:
        return existing
    referrer = place_of(session, referrer_id, lock=True)
    boss: int | None = None
    if referrer is not None:
        boss = referrer.member_id if referrer.is_boss else referrer.boss_member_id
        referrer.referred += 1
        if referrer.referred >= GIVEN_AWAY:
            referrer.is_boss = True
    row = Chain21Place(member_id=member_id, referrer_member_id=referrer_id,
                       boss_member_id=boss, order_id=order_id, joined_at=utcnow())
    session.add(row)
    session.flush()
    return row


def on_paid(session: Session, order: Any, lines: list[Any]) -> list[Commission]:
    """``order_paid``: place the buyer on a designated line, then pay the rewards."""
    if not notice.is_on(session, RULE):
        return []
    settings = ruleset_settings(session)
    designated = [ln for ln in lines if ln.product_id in settings.chain21_product_ids]
    if not designated:
        return []
    chain = rewards.chain_of(session, order.id)
    referrer_id = chain.referrer1_member_id if chain is not None else None
    place = join(session, order.member_id, referrer_id, order.id)
    if chain is None:
        return []
    made = []
    direct = Rate("percent", settings.chain21_direct_rate)
    team = Rate("percent", settings.chain21_team_rate)
    boss = place.boss_member_id
    boss_step = rewards.step_of(chain, boss)
    for line in designated:
        if referrer_id is not None and place_of(session, referrer_id) is not None:
            made.append(rewards.pay(
                session, chain=chain, member_id=referrer_id, line=line, level=1, rule=DIRECT,
                rate=direct, base_fen=line.payable_fen,
                amount_fen=direct.amount(line.payable_fen, line.payable_fen, line.qty),
                order_no=order.order_no))
        if boss is not None and boss != order.member_id:
            made.append(rewards.pay(
                session, chain=chain, member_id=boss, line=line,
                level=boss_step if boss_step in (1, 2) else 3, rule=TEAM, rate=team,
                base_fen=line.payable_fen,
                amount_fen=team.amount(line.payable_fen, line.payable_fen, line.qty),
                order_no=order.order_no))
    return [row for row in made if row is not None]


def my_place(session: Session, member_id: int) -> dict[str, Any]:
    """A member's role, boss and team size (resellers whose boss they are)."""
    place = place_of(session, member_id)
    team = session.scalar(select(func.count(Chain21Place.id)).where(
        Chain21Place.boss_member_id == member_id)) or 0
    role = "member" if place is None else "boss" if place.is_boss else "reseller"
    return {"role": role, "boss_member_id": place.boss_member_id if place else None,
            "referred": place.referred if place else 0, "team": int(team)}
