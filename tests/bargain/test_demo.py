"""``mallkit demo``: the demo shop has a running bargain and 砍价达人小王's launch in progress
(their own cut and two friends'), shown by the API; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.bargain.models import BargainActivity, BargainLaunch
from runtime.shops.models import Shop


def test_the_demo_shows_a_launch_in_progress(app, client, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = s.scalar(select(Shop).where(Shop.slug == "demo"))
        use_shop(s, shop.id)
        [activity] = s.scalars(select(BargainActivity)).all()
        [launch] = s.scalars(select(BargainLaunch)).all()
        assert (launch.status, launch.cuts, launch.helpers_needed) == ("cutting", 3, 5)
        assert activity.floor_price_fen < launch.price_fen < activity.start_price_fen
    [item] = client.get("/api/v1/shops/demo/bargain/activities").json["items"]
    assert item["id"] == activity.id and item["state"] == "live"
    shown = client.get(f"/api/v1/shops/demo/bargain/launches/{launch.id}").json
    assert [h["nickname"] for h in shown["helpers"]] == ["砍价达人小王", "好友阿强", "好友小丽"]
    assert shown["launcher"]["nickname"] == "砍价达人小王"
