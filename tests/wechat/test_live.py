"""小程序直播: WeChat's ``getliveinfo`` through the mini-program client and the simulator
(same request and answer shapes, errcodes), the rooms cached per shop by the refresh job
(page data bumped only when they change), and the ``live-entry`` block drawn from the cache
on H5 and in the layout."""

from __future__ import annotations

import json

import pytest

from runtime.db import use_shop
from runtime.wechat import keys
from runtime.wechat.errors import WechatApiError
from runtime.wechat.live import PLUGIN_PATH, cached_rooms, fetch_rooms, refresh_rooms
from runtime.wechat.login import simulator_mini_client
from runtime.wechat.mini_simulator import set_live_rooms
from runtime.wechat.simkeys import simulator_material
from tests.content.conftest import publish_home

NOW = 1_795_000_000  # a Unix time, as WeChat sends them


def room(roomid: int, status: int, name: str = "", start: int = NOW) -> dict:
    return {"roomid": roomid, "name": name or f"直播 {roomid}", "live_status": status,
            "cover_img": f"https://mmbiz.qpic.cn/cover{roomid}.jpg", "start_time": start,
            "end_time": start + 3600, "anchor_name": "店长小王", "share_img": "",
            "goods": [], "live_type": 0, "close_like": 0, "close_goods": 0,
            "close_comment": 0, "close_kf": 1, "close_replay": 0, "is_feeds_public": 1,
            "creater_openid": "", "feeds_img": ""}


@pytest.fixture
def appid(app) -> str:
    return simulator_material(app.extensions["mallkit"].settings).appid


def _raw(app, body, token=None):
    client = simulator_mini_client(app)
    token = token or client.get_access_token()
    answer = app.test_client().post(f"/_sim/wechat/wxa/business/getliveinfo?access_token={token}",
                                    data=json.dumps(body), content_type="application/json",
                                    environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return answer.json


def test_the_simulator_speaks_getliveinfo(app, appid):
    redis = app.extensions["mallkit"].redis
    assert _raw(app, {"start": 0, "limit": 10})["errcode"] == 9410000  # 直播间列表为空
    set_live_rooms(redis, appid, [room(i, 101 if i == 1 else 103) for i in range(1, 4)])
    page = _raw(app, {"start": 1, "limit": 1})
    assert (page["errcode"], page["total"]) == (0, 3)
    assert [r["roomid"] for r in page["room_info"]] == [2]
    assert set(page["room_info"][0]) >= {"roomid", "name", "cover_img", "live_status",
                                          "start_time", "end_time", "anchor_name"}
    assert _raw(app, {"start": 0, "limit": 101})["errcode"] == 47001
    assert _raw(app, {"start": "0", "limit": 10})["errcode"] == 47001
    assert _raw(app, {"start": 0, "limit": 10}, token="forged")["errcode"] == 40001


def test_the_client_pages_through_every_room(app, appid):
    set_live_rooms(app.extensions["mallkit"].redis, appid,
                   [room(i, 102) for i in range(1, 151)])
    rooms = fetch_rooms(simulator_mini_client(app))
    assert [r.roomid for r in rooms] == list(range(1, 151))
    assert rooms[0].anchor_name == "店长小王" and rooms[0].start_time == NOW


def test_no_rooms_is_an_empty_list_and_other_errors_raise(app, appid):
    client = simulator_mini_client(app)
    assert fetch_rooms(client) == []
    app.extensions["mallkit"].redis.delete(keys.access_token_cache(appid))
    client._token = {"token": "forged", "expires_at": NOW * 2}
    set_live_rooms(app.extensions["mallkit"].redis, appid, [room(1, 101)])
    assert [r.roomid for r in fetch_rooms(client)] == [1]  # a stale token is renewed once

    class Refusing:
        def get_live_info(self, start, limit):
            raise WechatApiError(48001, "api unauthorized")

    with pytest.raises(WechatApiError):
        fetch_rooms(Refusing())


def _refresh(app, shop):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        return refresh_rooms(s, app)


def test_refresh_caches_the_listed_rooms_and_bumps_pages_only_on_change(app, shop, appid):
    from runtime.pages.cache import current_stamp

    redis = app.extensions["mallkit"].redis
    set_live_rooms(redis, appid, [room(1, 103, start=NOW - 9000), room(2, 102, start=NOW + 60),
                                  room(3, 104), room(4, 101), room(5, 103, start=NOW - 100),
                                  room(6, 107)])
    before = current_stamp(redis, shop.id)
    assert _refresh(app, shop) == 4
    rooms = cached_rooms(redis, shop.id)
    assert [(r["roomid"], r["status"]) for r in rooms] == [
        (4, "直播中"), (2, "预告"), (5, "回放"), (1, "回放")]
    assert 0 < redis.ttl(f"mallkit:live:{shop.id}:rooms") <= 300
    bumped = current_stamp(redis, shop.id)
    assert bumped != before
    assert _refresh(app, shop) == 4
    assert current_stamp(redis, shop.id) == bumped  # the same rooms: cached pages stay


def test_the_block_shows_the_cached_rooms_on_h5_and_in_the_layout(app, client, shop, appid):
    set_live_rooms(app.extensions["mallkit"].redis, appid, [
        room(7, 101, "春季新品直播"), room(8, 102, "明晚预告"), room(9, 103, "上周回放")])
    publish_home(app, shop, {"id": "live", "type": "live-entry", "settings": {}},
                 {"id": "now", "type": "live-entry",
                  "settings": {"title": "正在直播", "show_upcoming": False,
                               "show_replays": False}})
    empty = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "暂无直播" in empty
    _refresh(app, shop)
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "春季新品直播" in html and "明晚预告" in html and "上周回放" in html
    assert "直播请在微信小程序中观看" in html and "主播 店长小王" in html
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home",
                        headers={"X-Client-Version": "1.3.0"}).json
    nodes = {n["id"]: n for n in layout["nodes"]}
    assert [r["roomid"] for r in nodes["live"]["data"]["rooms"]] == [7, 8, 9]
    assert [r["roomid"] for r in nodes["now"]["data"]["rooms"]] == [7]
    assert nodes["live"]["data"]["plugin_path"] == PLUGIN_PATH
    older = client.get(f"/api/v1/shops/{shop.slug}/layouts/home",
                       headers={"X-Client-Version": "1.2.0"}).json
    assert older["nodes"] == []
