"""Roles and areas: what owners, admins and staff may open and change in a shop's console."""

from __future__ import annotations

import pytest
from flask import jsonify
from sqlalchemy import select

from builder.auth import current_membership, require_area, shop_blueprint
from runtime.accounts.models import Membership
from runtime.tenancy import current_shop
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf

catalog_screens = shop_blueprint("test_catalog_screens", __name__, area="catalog",
                                 url_prefix="/console/shops/<shop_slug>/test-catalog")


@catalog_screens.get("/")
def catalog_index():
    return jsonify({"shop": current_shop().slug, "role": current_membership().role})


@catalog_screens.get("/finance-report")
@require_area("finance")
def finance_report():
    return jsonify({"ok": True})


either = shop_blueprint("test_either_screens", __name__, area=["pages", "catalog"],
                        url_prefix="/console/shops/<shop_slug>/test-media")


@either.get("/")
def either_index():
    return jsonify({"ok": True})


@pytest.fixture
def app(fresh_app):
    """These tests add routes, so they need an app that has served no request yet."""
    return fresh_app


@pytest.fixture
def screens(app):
    app.register_blueprint(catalog_screens)
    app.register_blueprint(either)
    return app


def _as(factory, app, shop, role, areas=None, email=None):
    user = factory.merchant(shop, role=role, areas=areas, email=email)
    client = app.test_client()
    token = factory.console_login(client, user)
    return user, client, token


def test_staff_without_the_area_gets_403(screens, factory, shop):
    _user, client, _token = _as(factory, screens, shop, "staff", ["orders"])
    response = client.get("/console/shops/alpha/test-catalog/", headers=JSON)
    assert response.status_code == 403
    assert response.json["code"] == "area_forbidden"
    assert client.get("/console/shops/alpha/test-catalog/", headers=HTML).status_code == 403


def test_staff_with_the_area_gets_200(screens, factory, shop):
    _user, client, _token = _as(factory, screens, shop, "staff", ["catalog"])
    response = client.get("/console/shops/alpha/test-catalog/", headers=JSON)
    assert response.status_code == 200
    assert response.json == {"shop": "alpha", "role": "staff"}


def test_require_area_on_a_single_view(screens, factory, shop):
    _u, catalog_only, _t = _as(factory, screens, shop, "staff", ["catalog"])
    _u, both, _t = _as(factory, screens, shop, "staff", ["catalog", "finance"])
    assert catalog_only.get("/console/shops/alpha/test-catalog/finance-report",
                            headers=JSON).status_code == 403
    assert both.get("/console/shops/alpha/test-catalog/finance-report",
                    headers=JSON).status_code == 200


def test_an_area_list_accepts_any_of_them(screens, factory, shop):
    _u, pages, _t = _as(factory, screens, shop, "staff", ["pages"])
    _u, orders, _t = _as(factory, screens, shop, "staff", ["orders"])
    assert pages.get("/console/shops/alpha/test-media/", headers=JSON).status_code == 200
    assert orders.get("/console/shops/alpha/test-media/", headers=JSON).status_code == 403


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_use_every_area(screens, factory, shop, role):
    _u, client, _t = _as(factory, screens, shop, role)
    assert client.get("/console/shops/alpha/test-catalog/finance-report",
                      headers=JSON).status_code == 200


def test_area_change_takes_effect_on_the_next_request(app, screens, factory, shop):
    _owner, owner_client, owner_token = _as(factory, screens, shop, "owner")
    staff, client, _t = _as(factory, screens, shop, "staff", ["orders"])
    assert client.get("/console/shops/alpha/test-catalog/", headers=JSON).status_code == 403
    member_id = fetch(app, select(Membership.id).where(Membership.user_id == staff.id),
                      one=True)
    changed = owner_client.patch(f"/console/shops/alpha/staff/{member_id}",
                                 json={"role": "staff", "areas": ["orders", "catalog"]},
                                 headers={"X-CSRF-Token": owner_token})
    assert changed.status_code == 200
    assert changed.json["member"]["areas"] == ["catalog", "orders"]
    assert client.get("/console/shops/alpha/test-catalog/", headers=JSON).status_code == 200


def test_staff_cannot_open_staff_or_settings(app, factory, shop):
    _u, client, token = _as(factory, app, shop, "staff", ["pages", "catalog", "orders",
                                                          "members", "marketing", "finance"])
    assert client.get("/console/shops/alpha/staff", headers=JSON).status_code == 403
    assert client.get("/console/shops/alpha/settings", headers=JSON).status_code == 403
    response = client.post("/console/shops/alpha/staff", json={
        "email": "friend@alpha.cn", "role": "owner", "password": "pass-1234"},
        headers={"X-CSRF-Token": token})
    assert response.status_code == 403
    assert response.json["code"] == "not_shop_manager"
    assert fetch(app, select(Membership.id).where(Membership.role == "owner")) == []


def test_nav_shows_only_the_sections_a_member_can_use(app, factory, shop):
    _u, client, _t = _as(factory, app, shop, "staff", ["orders"])
    html = client.get("/console/shops/alpha/", headers=HTML).get_data(as_text=True)
    assert "店铺概况" in html
    assert "店铺设置" not in html and "/console/shops/alpha/staff" not in html
    _u, owner_client, _t = _as(factory, app, shop, "owner")
    html = owner_client.get("/console/shops/alpha/", headers=HTML).get_data(as_text=True)
    assert "店铺设置" in html and "/console/shops/alpha/staff" in html


# --- staff management rules -----------------------------------------------------------------


def _member_id(app, user):
    return fetch(app, select(Membership.id).where(Membership.user_id == user.id), one=True)


def test_admin_cannot_remove_an_owner(app, factory, shop):
    owner = factory.merchant(shop, role="owner", email="boss@alpha.cn")
    _a, admin_client, token = _as(factory, app, shop, "admin")
    response = admin_client.delete(f"/console/shops/alpha/staff/{_member_id(app, owner)}",
                                   headers={"X-CSRF-Token": token, **JSON})
    assert response.status_code == 403
    assert response.json["code"] == "owner_only"
    assert _member_id(app, owner)
    demote = admin_client.patch(f"/console/shops/alpha/staff/{_member_id(app, owner)}",
                                json={"role": "staff"}, headers={"X-CSRF-Token": token})
    assert demote.status_code == 403
    promote = admin_client.post("/console/shops/alpha/staff", json={
        "email": "new@alpha.cn", "role": "owner", "password": "pass-1234"},
        headers={"X-CSRF-Token": token})
    assert promote.status_code == 403


def test_the_last_owner_stays(app, factory, shop):
    owner, client, token = _as(factory, app, shop, "owner")
    own_id = _member_id(app, owner)
    removed = client.delete(f"/console/shops/alpha/staff/{own_id}",
                            headers={"X-CSRF-Token": token, **JSON})
    assert removed.status_code == 409
    assert removed.json["code"] == "last_owner"
    demoted = client.patch(f"/console/shops/alpha/staff/{own_id}", json={"role": "admin"},
                           headers={"X-CSRF-Token": token})
    assert demoted.status_code == 409
    assert fetch(app, select(Membership.role), one=True) == "owner"


def test_an_owner_can_remove_another_owner(app, factory, shop):
    second = factory.merchant(shop, role="owner", email="second@alpha.cn")
    _o, client, token = _as(factory, app, shop, "owner")
    response = client.delete(f"/console/shops/alpha/staff/{_member_id(app, second)}",
                             headers={"X-CSRF-Token": token, **JSON})
    assert response.status_code == 204
    assert fetch(app, select(Membership.user_id).where(Membership.user_id == second.id)) == []


def test_adding_staff_invites_without_revealing_accounts_or_adding_anyone(app, factory, shop):
    """"Add staff" used to add an existing account at once and ask for a password only when
    the email had none — telling the inviter which emails have accounts."""
    factory.user(email="known@else.cn")
    _o, client, token = _as(factory, app, shop, "admin")
    known = client.post("/console/shops/alpha/staff", json={
        "email": "Known@Else.cn", "role": "staff", "areas": ["catalog", "orders"]},
        headers={"X-CSRF-Token": token})
    unknown = client.post("/console/shops/alpha/staff", json={
        "email": "fresh@alpha.cn", "role": "staff", "areas": ["catalog", "orders"]},
        headers={"X-CSRF-Token": token})
    assert known.status_code == unknown.status_code == 201
    assert set(known.json["invitation"]) == set(unknown.json["invitation"])
    assert known.json["invitation"]["email"] == "known@else.cn"
    assert known.json["invitation"]["areas"] == ["catalog", "orders"]
    assert len(fetch(app, select(Membership.id))) == 1  # only the admin: nobody was added


def test_invalid_staff_input_names_the_field(app, factory, shop):
    _o, client, token = _as(factory, app, shop, "owner")
    response = client.post("/console/shops/alpha/staff", json={
        "email": "not-an-email", "role": "boss", "areas": ["catalog"]},
        headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/email"
    bad_role = client.post("/console/shops/alpha/staff", json={
        "email": "a@b.cn", "role": "boss"}, headers={"X-CSRF-Token": token})
    assert bad_role.json["errors"][0]["pointer"] == "/role"
    bad_area = client.post("/console/shops/alpha/staff", json={
        "email": "a@b.cn", "role": "staff", "areas": ["catalog", "rockets"]},
        headers={"X-CSRF-Token": token})
    assert bad_area.status_code == 422
    assert bad_area.json["errors"][0]["pointer"] == "/areas/1"
    not_json = client.post("/console/shops/alpha/staff", data="{", headers={
        "X-CSRF-Token": token, "Content-Type": "application/json"})
    assert not_json.status_code == 400
    unknown = client.delete("/console/shops/alpha/staff/99999",
                            headers={"X-CSRF-Token": token, **JSON})
    assert unknown.status_code == 404


def test_staff_form_flow_in_the_browser(app, factory, shop):
    _o, client, _t = _as(factory, app, shop, "owner")
    token = page_csrf(client, "/console/shops/alpha/staff")
    response = client.post("/console/shops/alpha/staff", headers=HTML, data={
        "csrf_token": token, "email": "clerk@alpha.cn", "role": "staff",
        "areas": ["orders", "members"]})
    assert response.status_code == 302
    page = client.get("/console/shops/alpha/staff", headers=HTML).get_data(as_text=True)
    assert "clerk@alpha.cn" in page and "已为 clerk@alpha.cn 生成邀请" in page
    assert "/console/invitations/" in page and "待接受的邀请" in page
    invalid = client.post("/console/shops/alpha/staff", headers=HTML, data={
        "csrf_token": token, "email": "nope", "role": "staff"})
    assert invalid.status_code == 422
    assert "请输入有效的邮箱地址" in invalid.get_data(as_text=True)
