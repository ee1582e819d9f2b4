"""The demo's 小程序直播: ``mallkit demo`` gives the demo shop's simulated mini-program three
live rooms (live, upcoming, replay) with covers from its media library, the live-rooms cache is
filled from the simulator as the refresh job fills it, and the home page shows the rooms on H5
and in its layout; seeding again adds nothing; a shop with its own mini-program is left alone."""

from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.media.models import MediaAsset
from runtime.pages.cache import current_stamp
from runtime.pages.models import PageVersion
from runtime.shops.models import Shop
from runtime.wechat import keys
from runtime.wechat.apps import save_app
from runtime.wechat.demo import MEDIA_FOLDER, seed_demo_live
from runtime.wechat.live import cache_key, refresh_all_shops
from runtime.wechat.mini_simulator import set_live_rooms
from runtime.wechat.simkeys import simulator_material
from tests.page_helpers import ids_in_html

LAYOUT = "/api/v1/shops/demo/layouts/home"
NAMES = ["春夏新品首发 · 直播间专享价", "周末会员专场 · 积分翻倍", "产地直发水果开箱"]


def _demo(app) -> str:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _counts(app, shop_id: int) -> tuple[int, int]:
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop_id)
        return (s.scalar(select(func.count()).select_from(PageVersion)),
                s.scalar(select(func.count()).select_from(MediaAsset)
                         .where(MediaAsset.folder == MEDIA_FOLDER)))


def test_the_demo_home_shows_its_live_rooms_from_the_refreshed_cache(app, client, clock):
    assert "seeded live-rooms" in _demo(app)
    layout = client.get(LAYOUT, headers={"X-Client-Version": "1.3.0"}).json
    live = [n for n in layout["nodes"] if n["type"] == "live-entry"]
    assert len(live) == 1
    rooms = live[0]["data"]["rooms"]
    assert [r["name"] for r in rooms] == NAMES
    assert [(r["live_status"], r["status"]) for r in rooms] == [
        (101, "直播中"), (102, "预告"), (103, "回放")]
    # the clock is 12:00 in China: live since 11:35, tomorrow at 20:00, two evenings ago
    assert [r["start_text"] for r in rooms] == ["11-25 11:35", "11-26 20:00", "11-23 20:00"]
    for room in rooms:  # covers are the demo's own pictures, served from its media library
        assert room["cover_img"].startswith("/media/")
        picture = client.get(room["cover_img"])
        assert picture.status_code == 200 and picture.mimetype == "image/png"
        assert Image.open(io.BytesIO(picture.data)).size == (600, 600)

    html = client.get("/s/demo/").get_data(as_text=True)
    assert "live" in ids_in_html(html)
    section = html[html.index('id="b-live"'):]
    section = section[:section.index("</section>")]
    assert all(name in section for name in NAMES)
    assert section.count("<img ") == 3 and "直播请在微信小程序中观看" in section
    assert "主播 店长小美" in section and "暂无直播" not in section
    assert client.get(LAYOUT, headers={"X-Client-Version": "1.2.0"}).json["nodes"]

    with app.extensions["mallkit"].session_factory() as s:
        shop_id = s.scalar(select(Shop.id).where(Shop.slug == "demo"))
    before = _counts(app, shop_id)
    assert before[1] == 3
    _demo(app)  # again: nothing new
    assert _counts(app, shop_id) == before
    layout = client.get(LAYOUT, headers={"X-Client-Version": "1.3.0"}).json
    assert [n["type"] for n in layout["nodes"]].count("live-entry") == 1

    # The page gets its rooms from the simulator through the cache the refresh job fills:
    # the live room ends, and after the job's next run the page shows it as a replay.
    redis = app.extensions["mallkit"].redis
    assert redis.ttl(cache_key(shop_id)) > 0
    appid = simulator_material(app.extensions["mallkit"].settings).appid
    rooms = json.loads(redis.get(keys.sim_live_rooms(appid)))
    rooms[0]["live_status"] = 103
    set_live_rooms(redis, appid, rooms)
    assert "直播中" in client.get("/s/demo/").get_data(as_text=True)  # until the job runs
    stamp = current_stamp(redis, shop_id)
    with app.app_context():
        assert refresh_all_shops()[shop_id] == 3
    assert current_stamp(redis, shop_id) != stamp
    layout = client.get(LAYOUT, headers={"X-Client-Version": "1.3.0"}).json
    live = next(n for n in layout["nodes"] if n["type"] == "live-entry")
    assert [r["status"] for r in live["data"]["rooms"]] == ["预告", "回放", "回放"]
    assert "直播中" not in client.get("/s/demo/").get_data(as_text=True)


def test_a_shop_with_its_own_mini_program_gets_no_simulated_rooms(app, client, shop,
                                                                     shop_session, clock):
    save_app(shop_session, {"appid": "wx1234567890abcdef", "secret": "s" * 32},
             app.extensions["mallkit"].settings.credential_keys)
    shop_session.commit()
    with app.app_context():
        seed_demo_live(shop_session, shop)
    shop_session.commit()
    simulated = simulator_material(app.extensions["mallkit"].settings).appid
    assert app.extensions["mallkit"].redis.get(keys.sim_live_rooms(simulated)) is None
    assert 'class="mk-live"' not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
