"""The demo seeders of members and sign-in are registered and idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.modules import switches
from runtime.modules.members.demo import seed_demo_members
from runtime.modules.members.models import CardPlan, Level, Tag
from runtime.modules.signin.demo import seed_demo_signin


def test_seeders_are_registered_and_idempotent(app, shop, shop_session, clock):
    assert {"members", "signin"} <= set(app.extensions["mallkit"].modules.seeders)
    for _ in range(2):
        seed_demo_members(shop_session, shop)
        seed_demo_signin(shop_session, shop)
        shop_session.commit()
    counts = [shop_session.scalar(select(func.count()).select_from(model))
              for model in (Level, CardPlan, Tag)]
    assert counts == [4, 1, 2]
    assert switches.is_enabled(shop_session, "signin")
    names = [lv.name for lv in shop_session.scalars(select(Level).order_by(Level.rank))]
    assert names == ["普通会员", "银卡会员", "金卡会员", "钻石会员"]
