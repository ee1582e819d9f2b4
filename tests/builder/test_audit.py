"""Audit events: persisted for security-relevant actions, shown to a shop's owners (their
shop's only) and to platform admins (all), deleted after the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.audit.jobs import purge_expired_events
from runtime.audit.models import AuditEvent
from tests.accounts.helpers import HTML, JSON, fetch


def _events(app, **where):
    rows = fetch(app, select(AuditEvent).order_by(AuditEvent.id))
    return [e for e in rows if all(getattr(e, k) == v for k, v in where.items())]


def test_logins_are_recorded_as_platform_events(app, factory, shop):
    owner = factory.merchant(shop, email="boss@alpha.cn")
    client = app.test_client()
    token = client.get("/console/login", headers=JSON).json["csrf_token"]
    wrong = client.post("/console/login", json={"email": "Boss@alpha.cn", "password": "nope"},
                        headers={"X-CSRF-Token": token})
    assert wrong.status_code == 401
    factory.console_login(client, owner)
    failed, = _events(app, action="login_failed")
    succeeded, = _events(app, action="login_succeeded")
    assert (failed.shop_id, failed.actor, failed.detail) == (None, "boss@alpha.cn",
                                                              {"reason": "credentials"})
    assert (succeeded.shop_id, succeeded.actor_user_id, succeeded.actor) == (
        None, owner.id, "boss@alpha.cn")
    assert succeeded.ip and succeeded.request_id
    # a shop's owner does not see the platform's events
    listing = client.get("/console/shops/alpha/audit", headers=JSON)
    assert listing.status_code == 200 and listing.json["events"] == []


def test_a_platform_admin_entering_a_shop_is_recorded_once_an_hour(app, factory, shop, clock):
    owner = factory.merchant(shop)
    admin = factory.user(email="root@mallkit.cn", is_platform_admin=True)
    client = app.test_client()
    factory.console_login(client, admin)
    for _ in range(3):
        assert client.get("/console/shops/alpha/", headers=JSON).status_code == 200
    assert len(_events(app, action="platform_admin_entered_shop")) == 1
    clock.advance(timedelta(hours=1, minutes=1))
    assert client.get("/console/shops/alpha/", headers=JSON).status_code == 200
    visits = _events(app, action="platform_admin_entered_shop")
    assert [(v.shop_id, v.actor, v.target) for v in visits] == [
        (shop.id, "root@mallkit.cn", "alpha")] * 2

    owner_client = app.test_client()
    factory.console_login(owner_client, owner)
    seen = owner_client.get("/console/shops/alpha/audit", headers=JSON).json["events"]
    assert [e["action"] for e in seen] == ["platform_admin_entered_shop"] * 2
    html = owner_client.get("/console/shops/alpha/audit", headers=HTML).get_data(as_text=True)
    assert "平台管理员进入店铺" in html and "root@mallkit.cn" in html


def test_owners_see_only_their_shop_and_staff_none(app, factory, shop):
    owner = factory.merchant(shop)
    beta = factory.shop(slug="beta")
    beta_owner = factory.merchant(beta)
    clerk = factory.merchant(shop, role="staff", areas=["orders"])
    admin = factory.user(email="root@mallkit.cn", is_platform_admin=True)
    client = app.test_client()
    csrf = factory.console_login(client, owner)
    removed = client.delete(f"/console/shops/alpha/staff/{_member_id(app, clerk)}",
                            headers={"X-CSRF-Token": csrf, **JSON})
    assert removed.status_code == 204
    event, = _events(app, action="staff_removed")
    assert (event.shop_id, event.actor_user_id, event.target) == (shop.id, owner.id, clerk.email)

    beta_client = app.test_client()
    factory.console_login(beta_client, beta_owner)
    assert beta_client.get("/console/shops/beta/audit", headers=JSON).json["events"] == []
    assert beta_client.get("/console/shops/alpha/audit", headers=JSON).status_code == 404
    assert beta_client.get("/console/platform/audit", headers=JSON).status_code == 404

    staff_client = app.test_client()
    factory.membership(factory.user(email="clerk2@alpha.cn"), shop, "staff", ["orders"])
    factory.console_login(staff_client, _user(app, "clerk2@alpha.cn"))
    assert staff_client.get("/console/shops/alpha/audit", headers=JSON).status_code == 403

    admin_client = app.test_client()
    factory.console_login(admin_client, admin)
    everything = admin_client.get("/console/platform/audit", headers=JSON).json["events"]
    assert {e["action"] for e in everything} >= {"staff_removed", "login_succeeded"}
    assert admin_client.get("/console/platform/audit?action=nope",
                            headers=JSON).status_code == 422
    page = admin_client.get("/console/platform/audit", headers=HTML).get_data(as_text=True)
    assert "审计日志" in page and "员工被移除" in page


def test_events_older_than_the_retention_are_deleted(app, factory, shop, clock):
    factory.console_login(app.test_client(), factory.merchant(shop))
    assert len(_events(app)) == 1
    clock.advance(timedelta(days=app.extensions["mallkit"].settings.audit_retention_days - 1))
    with app.app_context():
        assert purge_expired_events() == 0
    clock.advance(timedelta(days=2))
    with app.app_context():
        assert purge_expired_events() == 1
    assert _events(app) == []


def _member_id(app, user):
    from runtime.accounts.models import Membership

    return fetch(app, select(Membership.id).where(Membership.user_id == user.id), one=True)


def _user(app, email):
    from runtime.accounts.models import User

    return fetch(app, select(User).where(User.email == email), one=True)
