"""Distributor levels' upgrade rules (分销等级升级), evaluated after settlement.

A level's rules are the thresholds set above 0: settled sales to the distributor's referred
buyers (``upgrade_sales_fen``: the base of their settled level-1 commissions), direct
referrals (``upgrade_direct``), team size two levels deep (``upgrade_team``) and settled
commission of every level (``upgrade_commission_fen``). A distributor meets a level when it
meets every rule the level sets (a level setting none is assigned by hand only), and moves up
to the highest-ranked level it meets above its own; never down (the merchant may set any
level by hand). Commissions keep the rate they were recorded with: a new level's rates apply
to later orders.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from runtime.clock import utcnow
from runtime.modules.distribution.models import (
    Binding,
    Commission,
    CommissionStatus,
    Distributor,
    DistributorLevel,
    DistributorStatus,
)

RULES = ("upgrade_sales_fen", "upgrade_direct", "upgrade_team", "upgrade_commission_fen")


def _live(binding: type[Binding] | Binding, now: object) -> object:
    return or_(binding.expires_at.is_(None), binding.expires_at > now)


def figures(session: Session, member_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each member's upgrade figures, by rule name, in four grouped queries."""
    now = utcnow()
    out = {m: dict.fromkeys(RULES, 0) for m in member_ids}
    settled = and_(Commission.status == CommissionStatus.SETTLED,
                   Commission.beneficiary_member_id.in_(member_ids))
    for member, sales, earned in session.execute(select(
            Commission.beneficiary_member_id,
            func.sum(case((Commission.level == 1, Commission.base_fen), else_=0)),
            func.sum(Commission.amount_fen)).where(settled)
            .group_by(Commission.beneficiary_member_id)):
        out[member].update(upgrade_sales_fen=int(sales or 0),
                           upgrade_commission_fen=int(earned or 0))
    for member, direct in session.execute(select(
            Binding.referrer_member_id, func.count(Binding.id)).where(
            Binding.referrer_member_id.in_(member_ids), _live(Binding, now))
            .group_by(Binding.referrer_member_id)):
        out[member]["upgrade_direct"] = out[member]["upgrade_team"] = int(direct)
    below = aliased(Binding)
    for member, second in session.execute(select(
            Binding.referrer_member_id, func.count(below.id))
            .join(below, below.referrer_member_id == Binding.member_id)
            .where(Binding.referrer_member_id.in_(member_ids), _live(Binding, now),
                   _live(below, now))
            .group_by(Binding.referrer_member_id)):
        out[member]["upgrade_team"] += int(second)
    return out


def meets(level: DistributorLevel, figures_of: dict[str, int]) -> bool:
    rules = [(rule, getattr(level, rule)) for rule in RULES if getattr(level, rule) > 0]
    return bool(rules) and all(figures_of[rule] >= need for rule, need in rules)


def upgrade(session: Session, member_ids: Iterable[int]) -> dict[int, int]:
    """Move each (not disabled) distributor of ``member_ids`` up to the highest level it
    meets; returns member id -> new level id for those that moved."""
    levels = list(session.scalars(select(DistributorLevel).order_by(
        DistributorLevel.rank.desc())))
    levels = [lv for lv in levels if any(getattr(lv, rule) > 0 for rule in RULES)]
    ids = sorted(set(member_ids))
    if not levels or not ids:
        return {}
    ranks = {lv.id: lv.rank for lv in session.scalars(select(DistributorLevel))}
    rows = list(session.scalars(select(Distributor).where(
        Distributor.member_id.in_(ids), Distributor.status != DistributorStatus.DISABLED)))
    found = figures(session, [d.member_id for d in rows])
    moved = {}
    for d in rows:
        current = ranks.get(d.level_id, 0) if d.level_id else 0
        best = next((lv for lv in levels if meets(lv, found[d.member_id])), None)
        if best is not None and best.rank > current:
            d.level_id = best.id
            moved[d.member_id] = best.id
    session.flush()
    return moved
