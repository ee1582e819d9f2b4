"""The sign-in module as a switchable module: off -> its block, API and console entry are
gone (nothing 500s, no data lost); on again -> everything back with the settings kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from runtime.db import use_shop
from runtime.modules import switches
from runtime.pages import store


def _publish_home(app, shop, *blocks):
    regs = app.extensions["mallkit"].registries["pages"]
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        page = store.ensure_page(s, "home", regs)
        config = {"schema": 1, "title": "首页", "kind": "home", "blocks": list(blocks)}
        store.save_draft(s, "home", config, page.draft_revision, regs)
        store.publish(s, "home", registries=regs)
        s.commit()


def _switch(app, shop, on, settings=None):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        if on:
            switches.enable(s, "signin", settings)
        else:
            switches.disable(s, "signin")
        s.commit()


def _node_ids(nodes):
    return [n["id"] for n in nodes] + [i for n in nodes for i in _node_ids(n["children"])]


@pytest.fixture
def member_auth(client, shop):
    body = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-sam"}).json
    return {"Authorization": f"Bearer {body['token']}"}


def test_off_by_default_everything_is_hidden(app, client, shop, member_auth):
    _publish_home(app, shop, {"id": "t", "type": "title", "settings": {"title": "欢迎"}},
                  {"id": "sg", "type": "signin-calendar", "settings": {}})
    api = f"/api/v1/shops/{shop.slug}/signin"
    for response in (client.get(api), client.post(api, headers=member_auth),
                     client.post(api + "/makeup", headers=member_auth, json={"date": "x"})):
        assert response.status_code == 404 and response.json["code"] == "module_disabled"
    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    assert _node_ids(layout["nodes"]) == ["t"]
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "欢迎" in html and "mk-signin" not in html


def test_on_off_on_keeps_settings_and_data(app, client, shop, member_auth, clock):
    clock.freeze(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    _publish_home(app, shop, {"id": "sg", "type": "signin-calendar",
                              "settings": {"title": "天天签到"}})
    _switch(app, shop, True, {"daily_points": 8, "rewards": [{"day": 2, "points": 4}]})
    api = f"/api/v1/shops/{shop.slug}/signin"

    layout = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json
    node = layout["nodes"][0]
    assert (node["id"], node["type"]) == ("sg", "signin-calendar")
    assert node["data"]["cycle"][:2] == [{"day": 1, "points": 8, "bonus": False},
                                         {"day": 2, "points": 12, "bonus": True}]
    assert node["data"]["api"] == f"/api/v1/shops/{shop.slug}"
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "天天签到" in html and 'data-block-id="sg"' in html and "+12" in html

    guest = client.get(api).json
    assert (guest["signed_today"], guest["today_points"], guest["month"]) == (False, 8,
                                                                              "2026-11")
    signed = client.post(api, headers=member_auth)
    assert signed.status_code == 201 and signed.json["points"] == 8
    assert signed.json["calendar"]["signed_today"] is True
    again = client.post(api, headers=member_auth)
    assert again.status_code == 409 and again.json["code"] == "already_signed_in"

    _switch(app, shop, False)
    assert client.get(api, headers=member_auth).status_code == 404
    assert _node_ids(client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"]) == []
    assert "mk-signin" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    me = client.get(f"/api/v1/shops/{shop.slug}/me/points", headers=member_auth)
    assert me.status_code == 200 and me.json["balance"] == 8  # points stay

    _switch(app, shop, True)
    back = client.get(api, headers=member_auth).json
    assert back["signed_today"] is True and back["cycle"][1]["points"] == 12
    assert client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"][0]["id"] == "sg"


def test_api_validation_names_fields(app, client, shop, member_auth, clock):
    _switch(app, shop, True)
    api = f"/api/v1/shops/{shop.slug}/signin"
    missing = client.post(api + "/makeup", headers=member_auth, json={})
    assert missing.status_code == 422 and missing.json["errors"][0]["pointer"] == "/date"
    bad = client.post(api + "/makeup", headers=member_auth, json={"date": "2026-02-30"})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/date"
    assert client.post(api).status_code == 401
    future = client.post(api + "/makeup", headers=member_auth, json={"date": "2026-12-01"})
    assert future.status_code == 422


def test_signin_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    base = "/api/v1/shops/{shop_slug}"
    assert set(paths[f"{base}/signin"]) == {"get", "post"}
    assert paths[f"{base}/signin/makeup"]["post"]["security"] == [{"bearerAuth": []}]
    assert paths[f"{base}/signin"]["get"]["responses"]["200"]["content"]["application/json"] \
        == {"schema": {"$ref": "#/components/schemas/SigninCalendar"}}
