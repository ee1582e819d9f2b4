"""Logging in and out of the console: credentials, hashing, cookies and session expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from runtime.accounts.models import ConsoleSession, User
from runtime.accounts.sessions import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from runtime.app import create_app
from tests.accounts.helpers import (
    HTML,
    JSON,
    cookie_token_hash,
    fetch,
    page_csrf,
    session_cookie,
    set_cookie_headers,
)
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def owner(factory, shop):
    return factory.merchant(shop, email="owner@alpha.cn")


def test_login_with_the_right_password_lands_on_the_shop(app, client, owner):
    token = page_csrf(client)
    response = client.post("/console/login", headers=HTML, data={
        "csrf_token": token, "email": " Owner@Alpha.cn ", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    home = client.get("/console/", headers=HTML)
    assert home.status_code == 302
    assert home.headers["Location"] == "/console/shops/alpha/"
    page = client.get("/console/shops/alpha/", headers=HTML)
    assert page.status_code == 200
    assert "Alpha 商店" in page.get_data(as_text=True)
    record = fetch(app, select(ConsoleSession).where(ConsoleSession.user_id == owner.id),
                   one=True)
    assert record.token_hash == cookie_token_hash(client)
    assert record.revoked_at is None


def test_wrong_password_is_refused_and_starts_no_session(app, client, owner):
    token = page_csrf(client)
    response = client.post("/console/login", headers=HTML, data={
        "csrf_token": token, "email": owner.email, "password": "wrong-password-1"})
    assert response.status_code == 401
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert session_cookie(client) is None
    assert fetch(app, select(ConsoleSession)) == []
    assert client.get("/console/shops/alpha/", headers=JSON).status_code == 401


def test_unknown_email_gets_the_same_answer(client, owner):
    token = page_csrf(client)
    known = client.post("/console/login", json={
        "email": owner.email, "password": "wrong-password-1"},
        headers={**JSON, "X-CSRF-Token": token})
    unknown = client.post("/console/login", json={
        "email": "nobody@alpha.cn", "password": "wrong-password-1"},
        headers={**JSON, "X-CSRF-Token": token})
    assert known.status_code == unknown.status_code == 401
    assert known.json == unknown.json
    assert known.json["code"] == "invalid_credentials"


def test_json_login_returns_the_user_and_a_fresh_csrf_token(client, owner):
    anonymous_token = client.get("/console/login", headers=JSON).json["csrf_token"]
    response = client.post("/console/login", json={
        "email": owner.email, "password": DEFAULT_PASSWORD},
        headers={"X-CSRF-Token": anonymous_token})
    assert response.status_code == 200
    assert response.json["user"]["email"] == "owner@alpha.cn"
    assert response.json["csrf_token"] != anonymous_token
    me = client.get("/console/api/me", headers=JSON)
    assert me.json["csrf_token"] == response.json["csrf_token"]
    assert me.json["shops"] == [{"slug": "alpha", "name": "Alpha 商店", "role": "owner"}]


def test_password_is_stored_as_an_argon2id_hash(app, client):
    token = page_csrf(client, "/console/signup")
    client.post("/console/signup", headers=HTML, data={
        "csrf_token": token, "email": "new@shop.cn", "password": "s3cret-pass",
        "shop_name": "新店", "shop_slug": "new-shop"})
    user = fetch(app, select(User).where(User.email == "new@shop.cn"), one=True)
    assert user.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in user.password_hash


def test_the_session_id_is_rotated_at_login(app, client, owner, factory):
    factory.console_login(client, owner)
    first = session_cookie(client).value
    factory.console_login(client, owner)
    second = session_cookie(client).value
    assert first != second
    rows = fetch(app, select(ConsoleSession).order_by(ConsoleSession.id))
    assert [r.revoked_reason for r in rows] == ["rotated_at_login", ""]
    client.set_cookie("mallkit_console", first, path="/console")
    assert client.get("/console/api/me", headers=JSON).status_code == 401


def test_the_cookie_holds_only_a_random_token(app, client, owner):
    csrf = client.get("/console/login", headers=JSON).json["csrf_token"]
    response = client.post("/console/login", json={"email": owner.email,
                                                   "password": DEFAULT_PASSWORD},
                           headers={"X-CSRF-Token": csrf})
    value = session_cookie(client).value
    assert len(value) >= 40 and owner.email not in value and str(owner.id) != value
    stored = fetch(app, select(ConsoleSession.token_hash), one=True)
    assert stored != value and len(stored) == 64
    header = set_cookie_headers(response, "mallkit_console")[0]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/console" in header
    assert "Secure" not in header  # plain HTTP in the embedded/test default


def test_cookie_flags_with_secure_cookies(app, settings, factory, shop):
    secure_app = create_app(settings.replace(cookie_secure=True))
    try:
        user = factory.merchant(shop, email="secure@alpha.cn")
        client = secure_app.test_client()
        token = client.get("/console/login", headers=JSON, base_url="https://localhost")
        response = client.post("/console/login", base_url="https://localhost",
                               json={"email": user.email, "password": DEFAULT_PASSWORD},
                               headers={"X-CSRF-Token": token.json["csrf_token"]})
        assert response.status_code == 200
        header = set_cookie_headers(response, "mallkit_console")[0]
        for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/console"):
            assert flag in header
        csrf_cookie = set_cookie_headers(token, "mallkit_csrf")[0]
        assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie
    finally:
        secure_app.extensions["mallkit"].engine.dispose()


def test_logout_clears_the_cookie_and_revokes_the_session(app, client, owner, factory):
    csrf = factory.console_login(client, owner)
    response = client.post("/console/logout", headers={**HTML}, data={"csrf_token": csrf})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login"
    assert session_cookie(client) is None
    record = fetch(app, select(ConsoleSession), one=True)
    assert record.revoked_reason == "logout" and record.revoked_at is not None
    assert client.get("/console/", headers=HTML).headers["Location"].startswith(
        "/console/login")


def test_logout_needs_the_csrf_token(app, client, owner, factory):
    factory.console_login(client, owner)
    response = client.post("/console/logout", headers=JSON)
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"
    assert fetch(app, select(ConsoleSession), one=True).revoked_at is None


def test_not_logged_in_html_redirects_to_login_and_back(client, owner):
    response = client.get("/console/shops/alpha/staff?x=1", headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/login?next=/console/shops/alpha/staff?x%3D1"
    token = page_csrf(client)
    login = client.post("/console/login", headers=HTML, data={
        "csrf_token": token, "email": owner.email, "password": DEFAULT_PASSWORD,
        "next": "/console/shops/alpha/staff?x=1"})
    assert login.headers["Location"] == "/console/shops/alpha/staff?x=1"


def test_login_never_redirects_off_the_console(client, owner):
    token = page_csrf(client)
    for target in ("https://evil.example/", "//evil.example/console", "/s/alpha/"):
        login = client.post("/console/login", headers=HTML, data={
            "csrf_token": token, "email": owner.email, "password": DEFAULT_PASSWORD,
            "next": target})
        assert login.headers["Location"] == "/console/"
        token = page_csrf(client, "/console/account")


def test_not_logged_in_json_gets_401_problem(client, shop):
    response = client.get("/console/shops/alpha/", headers=JSON)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "login_required"


def test_idle_session_expires(client, owner, factory, clock):
    factory.console_login(client, owner)
    clock.advance(IDLE_TIMEOUT - timedelta(minutes=5))
    assert client.get("/console/api/me", headers=JSON).status_code == 200
    clock.advance(IDLE_TIMEOUT - timedelta(minutes=5))  # activity above reset the idle clock
    assert client.get("/console/api/me", headers=JSON).status_code == 200
    clock.advance(IDLE_TIMEOUT + timedelta(seconds=1))
    assert client.get("/console/api/me", headers=JSON).status_code == 401


def test_absolute_expiry_ends_even_an_active_session(client, owner, factory, clock):
    factory.console_login(client, owner)
    elapsed = timedelta()
    step = IDLE_TIMEOUT - timedelta(minutes=10)
    while elapsed + step < ABSOLUTE_LIFETIME:
        clock.advance(step)
        elapsed += step
        assert client.get("/console/api/me", headers=JSON).status_code == 200
    clock.advance(ABSOLUTE_LIFETIME - elapsed)
    assert client.get("/console/api/me", headers=JSON).status_code == 401


def test_deactivated_user_is_logged_out(client, owner, factory, session):
    factory.console_login(client, owner)
    session.execute(update(User).where(User.id == owner.id).values(is_active=False))
    session.commit()
    assert client.get("/console/api/me", headers=JSON).status_code == 401
