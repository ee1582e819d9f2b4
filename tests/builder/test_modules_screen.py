"""应用中心 / Modules: owners and admins see every module, switch optional ones on and off
(its nav entry, palette block and API follow at once, settings kept) and edit settings through
a form generated from the module's schema, with errors shown on their fields."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from runtime.modules.models import ShopModule
from tests.accounts.helpers import HTML, JSON, fetch

BASE = "/console/shops/alpha"


@pytest.fixture
def owner(app, factory, shop):
    user = factory.merchant(shop, role="owner")
    client = app.test_client()
    token = factory.console_login(client, user)
    return client, token


def _signin_row(app):
    """(enabled, settings) of the shop's stored signin switch, or None when never stored."""
    rows = fetch(app, select(ShopModule).where(ShopModule.module_id == "signin"))
    return (rows[0].enabled, rows[0].settings) if rows else None


def _palette(client):
    response = client.get(f"{BASE}/editor/palette?kind=home", headers=JSON)
    assert response.status_code == 200
    return response.json["palette"]


def _form(client, path, **fields):
    """POST ``fields`` as a browser form (fields may repeat via a list of pairs)."""
    return client.post(path, data=fields, headers=HTML)


def test_lists_every_module_core_always_on_optional_switchable(owner):
    client, _token = owner
    listing = client.get(f"{BASE}/modules", headers=JSON).json["modules"]
    by_id = {m["id"]: m for m in listing}
    assert {"catalog", "cart", "orders", "payments", "fulfilment", "members", "points",
            "wallet", "signin"} <= set(by_id)
    assert all(m["enabled"] for m in listing if m["core"])
    assert by_id["signin"]["core"] is False and by_id["signin"]["enabled"] is False
    assert by_id["signin"]["requires"] == ["members", "points"]

    html = client.get(f"{BASE}/modules", headers=HTML).get_data(as_text=True)
    assert "<h1>应用中心</h1>" in html and "签到有礼" in html
    assert html.count('data-state="core"') == sum(1 for m in listing if m["core"])
    assert f'action="{BASE}/modules/signin/enable"' in html
    assert f'action="{BASE}/modules/catalog/disable"' not in html
    assert f'href="{BASE}/modules"' in html  # its nav entry (settings section)


def test_switch_off_and_on_keeps_settings_and_hides_everything(app, client, owner, shop):
    console, token = owner
    response = console.post(f"{BASE}/modules/signin/enable", data={"csrf_token": token},
                            headers=HTML)
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/modules")
    saved = console.post(f"{BASE}/modules/signin/settings", headers=JSON,
                         json={"settings": {"daily_points": 9,
                                            "rewards": [{"day": 2, "points": 4}]}})
    assert saved.status_code == 403  # JSON writes need the header too
    saved = console.post(f"{BASE}/modules/signin/settings", headers={**JSON,
                         "X-CSRF-Token": token},
                         json={"settings": {"daily_points": 9,
                                            "rewards": [{"day": 2, "points": 4}]}})
    assert saved.status_code == 200 and saved.json["settings"]["daily_points"] == 9

    api = f"/api/v1/shops/{shop.slug}/signin"
    assert client.get(api).status_code == 200
    assert "signin-calendar" in _palette(console)
    home = console.get(f"{BASE}/modules", headers=HTML).get_data(as_text=True)
    assert f"{BASE}/signin/settings" in home

    off = console.post(f"{BASE}/modules/signin/disable", data={"csrf_token": token},
                       headers=HTML)
    assert off.status_code == 302
    enabled, kept = _signin_row(app)
    assert enabled is False and kept["daily_points"] == 9
    response = client.get(api)
    assert response.status_code == 404 and response.json["code"] == "module_disabled"
    assert "signin-calendar" not in _palette(console)
    page = console.get(f"{BASE}/modules", headers=HTML).get_data(as_text=True)
    assert f"{BASE}/signin/settings" not in page
    assert "已关闭，设置已保留" in page  # the flash, in Chinese

    on = console.post(f"{BASE}/modules/signin/enable", headers={**JSON, "X-CSRF-Token": token})
    assert on.json == {"id": "signin", "enabled": True}
    detail = console.get(f"{BASE}/modules/signin", headers=JSON).json
    assert detail["enabled"] is True
    assert detail["settings"]["daily_points"] == 9
    assert detail["settings"]["rewards"] == [{"day": 2, "points": 4}]
    assert client.get(api).json["today_points"] == 9
    assert "signin-calendar" in _palette(console)


def test_settings_form_is_generated_from_the_schema(owner):
    client, _token = owner
    html = client.get(f"{BASE}/modules/signin", headers=HTML).get_data(as_text=True)
    assert 'name="daily_points" type="number"' in html and "每日签到积分" in html
    assert re.search(r'name="reset_on_miss" value="on" checked', html)
    # arrays of objects: one fieldset per row plus a template row, no JSON textarea
    assert 'data-list="rewards"' in html and 'data-list="milestones"' in html
    assert 'name="rewards.0.day"' in html and 'name="rewards.1.points"' in html
    assert 'name="milestones.2.days"' in html and 'name="rewards.__index__.day"' in html
    assert "<textarea" not in html
    assert "module-settings.js" in html
    points = client.get(f"{BASE}/modules/points", headers=HTML).get_data(as_text=True)
    assert '<select name="expiry_policy"' in points
    assert '<option value="end_of_next_year" selected>' in points
    assert "此应用没有可调整的设置" in client.get(f"{BASE}/modules/catalog",
                                                headers=HTML).get_data(as_text=True)


def test_form_post_saves_rows_in_order_and_drops_blank_ones(app, owner):
    client, token = owner
    response = _form(client, f"{BASE}/modules/signin/settings", csrf_token=token,
                     daily_points="6", cycle_days="5", reset_on_miss="on",
                     makeup_cost_points="10", makeup_max_per_month="1", remind_hour="21",
                     **{"rewards.0.day": "2", "rewards.0.points": "3",
                        "rewards.3.day": "", "rewards.3.points": "",
                        "rewards.5.day": "5", "rewards.5.points": "8",
                        "milestones.0.days": "10", "milestones.0.points": "100"})
    assert response.status_code == 302
    enabled, settings = _signin_row(app)
    assert enabled is False  # saving settings does not switch the module on
    assert settings["daily_points"] == 6 and settings["cycle_days"] == 5
    assert settings["rewards"] == [{"day": 2, "points": 3}, {"day": 5, "points": 8}]
    assert settings["milestones"] == [{"days": 10, "points": 100}]
    assert settings["reset_on_miss"] is True and settings["makeup_enabled"] is False


def test_bad_settings_are_422_with_the_pointer_on_its_field(app, owner):
    client, token = owner
    response = _form(client, f"{BASE}/modules/signin/settings", csrf_token=token,
                     daily_points="lots", cycle_days="99", makeup_cost_points="0",
                     makeup_max_per_month="1", remind_hour="20",
                     **{"rewards.0.day": "40", "rewards.0.points": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-pointer="/settings/daily_points">请输入整数。' in html
    assert 'value="lots"' in html  # what was typed stays in the form
    assert 'data-pointer="/settings/cycle_days"' in html
    assert 'data-pointer="/settings/rewards/0/day"' in html
    assert 'name="rewards.0.day"' in html and 'aria-invalid="true"' in html
    assert _signin_row(app) is None  # nothing stored

    problem = client.post(f"{BASE}/modules/signin/settings",
                          headers={**JSON, "X-CSRF-Token": token},
                          json={"settings": {"cycle_days": 0, "nope": 1}})
    assert problem.status_code == 422
    assert problem.headers["Content-Type"].startswith("application/problem+json")
    pointers = {e["pointer"] for e in problem.json["errors"]}
    assert {"/settings/cycle_days", "/settings/nope"} <= pointers


def test_core_modules_cannot_be_switched_off(owner):
    client, token = owner
    response = client.post(f"{BASE}/modules/catalog/disable",
                           headers={**JSON, "X-CSRF-Token": token})
    assert response.status_code == 409 and response.json["code"] == "core_module"
    unknown = client.get(f"{BASE}/modules/nope", headers=JSON)
    assert unknown.status_code == 404 and unknown.json["code"] == "module_not_found"


def test_csrf_is_required(app, owner):
    client, _token = owner
    for path in ("/modules/signin/enable", "/modules/signin/settings"):
        response = client.post(BASE + path, data={"daily_points": "3"}, headers=JSON)
        assert response.status_code == 403 and response.json["code"] == "csrf_failed"
    assert _signin_row(app) is None


def test_staff_get_403(app, factory, shop):
    staff = factory.merchant(shop, role="staff", areas=["pages", "catalog", "orders",
                                                        "members", "marketing", "finance"])
    client = app.test_client()
    token = factory.console_login(client, staff)
    assert client.get(f"{BASE}/modules", headers=JSON).status_code == 403
    assert client.get(f"{BASE}/modules", headers=HTML).status_code == 403
    response = client.post(f"{BASE}/modules/signin/enable",
                           headers={**JSON, "X-CSRF-Token": token})
    assert response.status_code == 403 and response.json["code"] == "not_shop_manager"
    assert _signin_row(app) is None
    html = client.get(f"{BASE}/catalog/products", headers=HTML).get_data(as_text=True)
    assert f'href="{BASE}/modules"' not in html


def test_admin_may_switch(app, factory, shop):
    admin = factory.merchant(shop, role="admin")
    client = app.test_client()
    token = factory.console_login(client, admin)
    response = client.post(f"{BASE}/modules/signin/enable",
                           headers={**JSON, "X-CSRF-Token": token})
    assert response.status_code == 200
    assert _signin_row(app)[0] is True


def test_another_shops_member_gets_404(app, factory, shop):
    other = factory.shop(slug="beta")
    outsider = factory.merchant(other, role="owner")
    client = app.test_client()
    token = factory.console_login(client, outsider)
    assert client.get(f"{BASE}/modules", headers=JSON).status_code == 404
    response = client.post(f"{BASE}/modules/signin/enable",
                           headers={**JSON, "X-CSRF-Token": token})
    assert response.status_code == 404
    assert _signin_row(app) is None
    assert client.get("/console/shops/beta/modules", headers=JSON).status_code == 200
