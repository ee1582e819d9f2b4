"""Shop sign-up: a new shop and its owner, logged in and landing on the shop's home."""

from __future__ import annotations

from sqlalchemy import select

from runtime.accounts.models import Membership, User
from runtime.shops.models import Shop
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf


def _form(**overrides):
    data = {"shop_name": "小王的店", "shop_slug": "xiaowang", "display_name": "小王",
            "email": "wang@shop.cn", "password": "wang-pass-2026"}
    data.update(overrides)
    return data


def test_signup_creates_shop_and_owner_and_lands_on_the_shop_home(app, client):
    token = page_csrf(client, "/console/signup")
    response = client.post("/console/signup", headers=HTML,
                           data={"csrf_token": token, **_form()})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/shops/xiaowang/"
    home = client.get("/console/shops/xiaowang/", headers=HTML)
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert "小王的店" in html and "已开通" in html and "店主" in html
    shop = fetch(app, select(Shop).where(Shop.slug == "xiaowang"), one=True)
    assert shop.name == "小王的店" and shop.timezone == "Asia/Shanghai"
    user = fetch(app, select(User).where(User.email == "wang@shop.cn"), one=True)
    assert user.display_name == "小王"
    member = fetch(app, select(Membership), one=True)
    assert (member.shop_id, member.user_id, member.role) == (shop.id, user.id, "owner")


def test_signup_errors_name_the_fields_and_create_nothing(app, client):
    token = client.get("/console/login", headers=JSON).json["csrf_token"]
    response = client.post("/console/signup", json=_form(
        shop_slug="No Spaces!", shop_name="", email="bad", password="short"),
        headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    pointers = sorted(e["pointer"] for e in response.json["errors"])
    assert pointers == ["/email", "/password", "/shop_name", "/shop_slug"]
    assert fetch(app, select(Shop)) == [] and fetch(app, select(User)) == []


def test_signup_form_shows_errors_in_chinese(client):
    token = page_csrf(client, "/console/signup")
    response = client.post("/console/signup", headers=HTML, data={
        "csrf_token": token, **_form(shop_slug="console")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "该地址为系统保留" in html
    assert 'value="小王的店"' in html  # the form keeps what was typed


def test_signup_with_a_taken_address_or_email(app, client, factory):
    factory.shop(slug="xiaowang")
    factory.user(email="wang@shop.cn")
    token = client.get("/console/login", headers=JSON).json["csrf_token"]
    taken = client.post("/console/signup", json=_form(), headers={"X-CSRF-Token": token})
    assert taken.status_code == 409
    assert taken.json["code"] == "slug_taken"
    assert taken.json["errors"][0]["pointer"] == "/shop_slug"
    email = client.post("/console/signup", json=_form(shop_slug="other-shop"),
                        headers={"X-CSRF-Token": token})
    assert email.status_code == 409
    assert email.json["code"] == "email_taken"
    assert fetch(app, select(Shop.slug)) == ["xiaowang"]


def test_a_logged_in_merchant_opens_another_shop(app, client, factory, shop):
    owner = factory.merchant(shop, email="owner@alpha.cn")
    token = factory.console_login(client, owner)
    response = client.post("/console/signup", json={
        "shop_name": "第二家店", "shop_slug": "second"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 201
    assert response.json["url"] == "/console/shops/second/"
    me = client.get("/console/api/me", headers=JSON).json
    assert sorted(s["slug"] for s in me["shops"]) == ["alpha", "second"]
    assert fetch(app, select(User.id)) == [owner.id]


def test_signup_page_renders_for_visitors(client):
    html = client.get("/console/signup", headers=HTML).get_data(as_text=True)
    assert "开通店铺" in html and 'name="password"' in html
