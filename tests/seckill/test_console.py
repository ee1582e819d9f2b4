"""The seckill console: slots (add, overlap refused), an activity with its SKU table (prices
in yuan, a bad row named), the live board with Redis beside the database; gone with the
module (404, no nav entry), settings kept."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules import switches
from tests.seckill.helpers import at, example, sku_of


def _login(client, factory, shop):
    return factory.console_login(client, factory.merchant(shop))


def test_slots_activity_form_and_live_board(app, client, factory, shop, clock):
    at(clock, 2026, 12, 5, 10, 30)
    factory.module_on(shop, "seckill")
    csrf = _login(client, factory, shop)
    base = f"/console/shops/{shop.slug}/seckill"
    added = client.post(f"{base}/slots", data={"csrf_token": csrf, "name": "10点场",
                                               "start": "10:00", "end": "12:00"})
    assert added.status_code == 302
    overlap = client.post(f"{base}/slots", data={"csrf_token": csrf, "name": "午间场",
                                                 "start": "11:00", "end": "13:00"},
                          follow_redirects=True)
    assert "午间场" not in overlap.get_data(as_text=True).split("添加场次")[0]
    refused = client.post(f"{base}/slots", json={"name": "午间场", "start": "11:00",
                                                 "end": "13:00"}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and refused.json["code"] == "seckill_slot_overlap"
    page = client.get(f"{base}/slots").get_data(as_text=True)
    assert "10点场" in page and 'value="10:00"' in page
    slot_id = client.get(f"{base}/slots", headers={"Accept": "application/json"}).json[
        "items"][0]["id"]

    product = factory.product(shop, "秒杀好物", price_fen=9900, stock=50)
    with factory._session() as s:
        use_shop(s, shop.id)
        sku_id = sku_of(s, product.id)
    form = {"csrf_token": csrf, "title": "周末秒杀", "starts_on": "2026-12-05",
            "ends_on": "2026-12-06", "slot_ids": [str(slot_id)], "enabled": "on",
            "unpaid_timeout_minutes": "10", "sku_id[]": [str(sku_id), ""],
            "seckill_price[]": ["59.00", ""], "stock[]": ["60", ""],
            "per_order_limit[]": ["1", "1"], "per_user_limit[]": ["2", "1"]}
    refused = client.post(f"{base}/activities", data=form)
    assert refused.status_code == 422
    assert "50" in refused.get_data(as_text=True)  # at most the SKU's stock
    form["stock[]"] = ["30", ""]
    assert client.post(f"{base}/activities", data=form).status_code == 302
    listed = client.get(base, headers={"Accept": "application/json"}).json["items"]
    assert [(a["title"], a["skus"][0]["seckill_price_fen"], a["skus"][0]["stock"])
            for a in listed] == [("周末秒杀", 5900, 30)]
    html = client.get(f"{base}/activities/{listed[0]['id']}").get_data(as_text=True)
    assert 'value="59.00"' in html and "秒杀好物" in html

    board = client.get(f"{base}/live").get_data(as_text=True)
    assert "周末秒杀" in board and "未加载" in board
    from runtime.modules.seckill.jobs import sweep_shop

    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert sweep_shop(s)["loaded"] == 1
    live = client.get(f"{base}/live", headers={"Accept": "application/json"}).json
    assert live["items"][0]["skus"][0] | {} == {**live["items"][0]["skus"][0], "left": 30,
                                               "gate_left": 30, "sold": 0}


def test_console_gone_with_the_module_and_for_another_shop(app, client, factory, shop,
                                                           clock):
    ids = example(app, factory, shop)
    other = factory.shop(slug="other-shop", name="别家")
    factory.module_on(other, "seckill")
    csrf = _login(client, factory, other)
    assert client.get(f"/console/shops/{other.slug}/seckill/activities/"
                      f"{ids['activity_id']}").status_code == 404
    assert client.post(f"/console/shops/{other.slug}/seckill/slots/{ids['slots'][0]}/delete",
                       data={"csrf_token": csrf}).status_code in (302, 404)
    with factory._session() as s:
        use_shop(s, shop.id)
        from runtime.modules.seckill.models import SeckillSlot

        assert s.get(SeckillSlot, ids["slots"][0]) is not None

    client2 = app.test_client()
    _login(client2, factory, shop)
    home = client2.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
    assert f"/console/shops/{shop.slug}/seckill" in home
    with factory._session() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        switches.disable(s, "seckill")
        s.commit()
    assert client2.get(f"/console/shops/{shop.slug}/seckill").status_code == 404
    home = client2.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
    assert f"/console/shops/{shop.slug}/seckill" not in home
