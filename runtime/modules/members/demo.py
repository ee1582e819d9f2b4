"""Demo data of the members area: a level ladder, a paid card and two rule tags.
Idempotent: what exists (by name) is kept as it is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules.members import cards, levels, tags
from runtime.modules.members.models import CardPlan, Level, Tag
from runtime.shops.models import Shop

LADDER = [
    {"name": "普通会员", "rank": 1, "growth_threshold": 0},
    {"name": "银卡会员", "rank": 2, "growth_threshold": 500, "discount_percent": 98,
     "points_multiplier": "1.2", "birthday_gift_points": 50},
    {"name": "金卡会员", "rank": 3, "growth_threshold": 2000, "discount_percent": 95,
     "free_shipping": True, "points_multiplier": "1.5", "birthday_gift_points": 100},
    {"name": "钻石会员", "rank": 4, "growth_threshold": 10000, "discount_percent": 90,
     "free_shipping": True, "points_multiplier": "2", "birthday_gift_points": 300},
]
RULE_TAGS = [("高消费", {"type": "spent_at_least", "min_fen": 100_000, "days": 90}),
             ("复购客户", {"type": "orders_at_least", "count": 2, "days": None})]


def seed_demo_members(session: Session, shop: Shop) -> None:
    have = {lv.name for lv in session.scalars(select(Level))}
    for values in LADDER:
        if values["name"] not in have:
            levels.create_level(session, dict(values))
    gold = session.scalar(select(Level).where(Level.name == "金卡会员"))
    if gold is not None and session.scalar(select(CardPlan.id).limit(1)) is None:
        cards.create_plan(session, {"name": "金卡月卡", "level_id": gold.id, "price_fen": 1990,
                                    "days": 30})
    names = set(session.scalars(select(Tag.name)))
    for name, rule in RULE_TAGS:
        if name not in names:
            tags.create_tag(session, name, rule)

