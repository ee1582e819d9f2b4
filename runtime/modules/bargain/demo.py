"""Demo data of the bargain: switched on, one running activity (a demo product's SKU from its
price down to 30 %, five cuts, 48 hours) and a demo shopper's launch in progress — their own
first cut and two friends' (a fixed random seed, so every demo shows the same cuts).
Idempotent: nothing is added once an activity exists."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules import switches
from runtime.modules.bargain import activities, launches
from runtime.modules.bargain.models import BargainActivity
from runtime.modules.catalog.models import Product, Sku
from runtime.shops.models import Shop

LAUNCHER = ("demo-bargain-launcher", "砍价达人小王")
HELPERS = (("demo-bargain-helper-1", "好友阿强"), ("demo-bargain-helper-2", "好友小丽"))
SEED = 16


def seed_demo(session: Session, shop: Shop) -> None:
    from runtime.modules.members.service import login_by_openid

    if not switches.is_enabled(session, "bargain"):
        switches.enable(session, "bargain")
    if session.scalar(select(BargainActivity.id).limit(1)) is not None:
        return
    sku = session.scalar(select(Sku).join(Product, Product.id == Sku.product_id).where(
        Product.deleted_at.is_(None), Product.status == "on_sale", Sku.retired_at.is_(None),
        Sku.stock >= 10, Sku.price_fen >= 1000).order_by(Product.id.desc(), Sku.id).limit(1))
    if sku is None:
        return
    now = utcnow()
    activity = activities.create_activity(session, {
        "title": "好友帮砍 低至三折", "sku_id": sku.id, "start_price_fen": sku.price_fen,
        "floor_price_fen": sku.price_fen * 3 // 10, "helpers_needed": 5, "valid_hours": 48,
        "stock": min(sku.stock, 20), "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat()})
    rng = random.Random(SEED)
    people = []
    for openid, nickname in (LAUNCHER, *HELPERS):
        member = login_by_openid(session, openid).member
        member.nickname = nickname
        people.append(member)
    launch = launches.launch(session, activity.id, people[0].id, rng=rng).launch
    for helper in people[1:]:
        launches.help_cut(session, launch.id, helper.id, rng=rng)
