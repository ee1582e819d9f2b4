"""Logout, a password change and removal from a shop end the user's other sessions at once
(two test clients play two browsers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.accounts.models import ConsoleSession, Membership
from runtime.db import use_shop
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf


@pytest.fixture
def owner(factory, shop):
    return factory.merchant(shop, email="owner@alpha.cn")


@pytest.fixture
def browsers(app):
    return app.test_client(), app.test_client()


def _live(app, user_id):
    return fetch(app, select(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                   ConsoleSession.revoked_at.is_(None)))


def test_logout_ends_the_other_sessions_too(app, owner, factory, browsers):
    laptop, phone = browsers
    token = factory.console_login(laptop, owner)
    factory.console_login(phone, owner)
    assert phone.get("/console/shops/alpha/", headers=JSON).status_code == 200
    assert laptop.post("/console/logout", headers={"X-CSRF-Token": token,
                                                   **JSON}).status_code == 204
    assert phone.get("/console/shops/alpha/", headers=JSON).status_code == 401
    assert laptop.get("/console/shops/alpha/", headers=JSON).status_code == 401
    assert _live(app, owner.id) == []


def test_logout_leaves_other_users_alone(app, owner, factory, browsers, shop):
    mine, theirs = browsers
    colleague = factory.merchant(shop, role="admin", email="admin@alpha.cn")
    token = factory.console_login(mine, owner)
    factory.console_login(theirs, colleague)
    mine.post("/console/logout", headers={"X-CSRF-Token": token, **JSON})
    assert theirs.get("/console/shops/alpha/", headers=JSON).status_code == 200


def test_password_change_ends_the_other_sessions_but_not_this_one(app, owner, factory,
                                                                  browsers):
    laptop, phone = browsers
    token = factory.console_login(laptop, owner)
    factory.console_login(phone, owner)
    response = laptop.post("/console/account/password", json={
        "current_password": "correct-horse-42", "new_password": "new-horse-43"},
        headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.json == {"ended_sessions": 1}
    assert phone.get("/console/shops/alpha/", headers=JSON).status_code == 401
    assert laptop.get("/console/shops/alpha/", headers=JSON).status_code == 200
    assert len(_live(app, owner.id)) == 1
    # the new password works, the old one does not
    fresh = app.test_client()
    assert factory.console_login(fresh, owner, password="new-horse-43")
    csrf = fresh.get("/console/login", headers=JSON).json["csrf_token"]
    old = fresh.post("/console/login", json={"email": owner.email,
                                             "password": "correct-horse-42"},
                     headers={"X-CSRF-Token": csrf})
    assert old.status_code == 401


def test_password_change_checks_the_current_password_and_strength(app, owner, factory,
                                                                  browsers):
    laptop, phone = browsers
    token = factory.console_login(laptop, owner)
    factory.console_login(phone, owner)
    wrong = laptop.post("/console/account/password", json={
        "current_password": "nope-nope-1", "new_password": "new-horse-43"},
        headers={"X-CSRF-Token": token})
    assert wrong.status_code == 422
    assert wrong.json["errors"][0]["pointer"] == "/current_password"
    weak = laptop.post("/console/account/password", json={
        "current_password": "correct-horse-42", "new_password": "short"},
        headers={"X-CSRF-Token": token})
    assert weak.status_code == 422
    assert weak.json["errors"][0]["pointer"] == "/new_password"
    assert phone.get("/console/shops/alpha/", headers=JSON).status_code == 200


def test_password_change_form_in_the_browser(app, owner, factory):
    client = app.test_client()
    factory.console_login(client, owner)
    token = page_csrf(client, "/console/account")
    bad = client.post("/console/account/password", headers=HTML, data={
        "csrf_token": token, "current_password": "wrong-one-1", "new_password": "abc-12345"})
    assert bad.status_code == 422
    assert "当前密码不正确" in bad.get_data(as_text=True)
    ok = client.post("/console/account/password", headers=HTML, data={
        "csrf_token": token, "current_password": "correct-horse-42",
        "new_password": "abc-12345"})
    assert ok.status_code == 302
    assert "密码已修改" in client.get("/console/account", headers=HTML).get_data(as_text=True)


def test_removal_ends_the_removed_users_sessions_at_once(app, owner, factory, browsers, shop):
    boss, clerk_browser = browsers
    clerk = factory.merchant(shop, role="staff", areas=["orders"], email="clerk@alpha.cn")
    token = factory.console_login(boss, owner)
    factory.console_login(clerk_browser, clerk)
    assert clerk_browser.get("/console/shops/alpha/", headers=JSON).status_code == 200
    member_id = fetch(app, select(Membership.id).where(Membership.user_id == clerk.id),
                      one=True)
    removed = boss.post(f"/console/shops/alpha/staff/{member_id}/remove",
                        headers={"X-CSRF-Token": token, **HTML})
    assert removed.status_code == 302
    assert clerk_browser.get("/console/shops/alpha/", headers=JSON).status_code == 401
    assert _live(app, clerk.id) == []
    # logging in again does not bring the shop back
    factory.console_login(clerk_browser, clerk)
    assert clerk_browser.get("/console/shops/alpha/", headers=JSON).status_code == 404


def test_membership_is_checked_on_every_request(app, owner, factory, session, shop):
    """Even a membership deleted behind the console's back locks the user out at once."""
    clerk = factory.merchant(shop, role="staff", areas=["orders"], email="clerk@alpha.cn")
    client = app.test_client()
    factory.console_login(client, clerk)
    assert client.get("/console/shops/alpha/", headers=JSON).status_code == 200
    use_shop(session, shop.id)
    session.delete(session.scalar(select(Membership).where(Membership.user_id == clerk.id)))
    session.commit()
    assert client.get("/console/shops/alpha/", headers=JSON).status_code == 404
