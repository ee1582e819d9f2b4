"""``mallkit demo``: the demo shop has a live 3人团 and an open group a demo shopper leads
(bought through checkout), shown by the API; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.groupbuy.models import GroupbuyActivity, GroupbuyGroup
from runtime.shops.models import Shop


def test_the_demo_shows_an_open_group(app, client, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = s.scalar(select(Shop).where(Shop.slug == "demo"))
        use_shop(s, shop.id)
        assert len(s.scalars(select(GroupbuyActivity)).all()) == 1
        [group] = s.scalars(select(GroupbuyGroup)).all()
        assert (group.status, group.joined, group.size) == ("open", 1, 3)
    [item] = client.get("/api/v1/shops/demo/groupbuy/activities").json["items"]
    assert item["badge"] == "3人团"
    assert item["open_groups"][0]["seats_left"] == 2
    assert item["open_groups"][0]["members"][0]["nickname"] == "团长小美"
