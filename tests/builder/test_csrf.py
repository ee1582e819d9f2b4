"""CSRF: every unsafe console request needs the token tied to this browser's session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.accounts.models import User
from runtime.shops.models import Shop
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf


@pytest.fixture
def owner(factory, shop):
    return factory.merchant(shop, email="owner@alpha.cn")


def test_form_post_without_token_is_refused_with_an_html_page(app, client, owner, factory):
    factory.console_login(client, owner)
    response = client.post("/console/shops/alpha/settings", headers=HTML,
                           data={"name": "Hijacked", "timezone": "UTC"})
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "刷新页面" in response.get_data(as_text=True)
    assert fetch(app, select(Shop.name), one=True) == "Alpha 商店"


def test_form_post_with_a_wrong_token_is_refused(app, client, owner, factory):
    factory.console_login(client, owner)
    response = client.post("/console/shops/alpha/settings", headers=JSON,
                           data={"csrf_token": "x" * 43, "name": "Hijacked",
                                 "timezone": "UTC"})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "csrf_failed"
    assert fetch(app, select(Shop.name), one=True) == "Alpha 商店"


def test_form_post_with_the_token_is_accepted(app, client, owner, factory):
    factory.console_login(client, owner)
    token = page_csrf(client, "/console/shops/alpha/settings")
    response = client.post("/console/shops/alpha/settings", headers=HTML, data={
        "csrf_token": token, "name": "Alpha 旗舰店", "timezone": "Asia/Shanghai",
        "contact_phone": "021-5555 0101"})
    assert response.status_code == 302
    assert fetch(app, select(Shop.name), one=True) == "Alpha 旗舰店"


def test_json_write_without_the_header_is_refused(app, client, owner, factory):
    factory.console_login(client, owner)
    response = client.patch("/console/account", json={"display_name": "Mallory",
                                                      "locale": "en"})
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"
    assert fetch(app, select(User.display_name), one=True) == ""


def test_json_write_with_the_header_is_accepted(app, client, owner, factory):
    token = factory.console_login(client, owner)
    response = client.patch("/console/account", json={"display_name": "小王", "locale": "en"},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.json["user"]["display_name"] == "小王"
    assert fetch(app, select(User.locale), one=True) == "en"


def test_a_token_from_another_session_is_refused(app, client, owner, factory):
    other_client = app.test_client()
    other_token = factory.console_login(other_client, factory.merchant(
        factory.shop(slug="beta"), email="other@beta.cn"))
    factory.console_login(client, owner)
    response = client.patch("/console/account", json={"display_name": "X", "locale": "en"},
                            headers={"X-CSRF-Token": other_token})
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"


def test_the_token_changes_when_the_session_rotates(client, owner, factory):
    before = page_csrf(client)
    after = factory.console_login(client, owner)
    assert before != after
    response = client.patch("/console/account", json={"display_name": "X", "locale": "en"},
                            headers={"X-CSRF-Token": before})
    assert response.status_code == 403


def test_login_and_signup_posts_need_the_token_too(client, owner):
    login = client.post("/console/login", json={"email": owner.email,
                                                "password": "correct-horse-42"})
    assert login.status_code == 403 and login.json["code"] == "csrf_failed"
    signup = client.post("/console/signup", headers=HTML, data={
        "email": "x@y.cn", "password": "pass-1234", "shop_name": "X", "shop_slug": "xyz"})
    assert signup.status_code == 403


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
def test_every_unsafe_method_is_checked(client, owner, factory, method):
    factory.console_login(client, owner)
    response = client.open("/console/shops/alpha/staff/1", method=method, headers=JSON)
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"


def test_csrf_is_not_required_outside_the_console(client, shop):
    response = client.post("/api/v1/shops/alpha/nothing-here", json={})
    assert response.status_code in (404, 405)


def test_head_with_a_body_never_writes(client, owner, factory, session):
    """HEAD skips the CSRF check, so it must not reach a view's submit branch."""
    factory.console_login(client, owner)
    writes = [("/console/shops/alpha/settings", {"name": "HEAD 改名"}),
              ("/console/signup", {"shop_name": "Head shop", "shop_slug": "head-shop",
                                   "timezone": "Asia/Shanghai"}),
              ("/console/account", {"display_name": "HEAD"})]
    for path, form in writes:
        for body in ({"data": form}, {"json": form}):
            answer = client.open(path, method="HEAD", **body)
            assert answer.status_code == 200 and answer.data == b"", path
            assert int(answer.headers["Content-Length"]) > 0
    assert session.scalar(select(Shop.name).where(Shop.slug == "alpha")) != "HEAD 改名"
    assert session.scalar(select(Shop).where(Shop.slug == "head-shop")) is None
    assert session.scalar(select(User.display_name).where(User.id == owner.id)) != "HEAD"
