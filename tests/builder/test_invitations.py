"""Staff invitations: the invitee accepts (signing up when new); the link is signed and
expires; managers revoke; another shop never sees them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.accounts.models import Membership, StaffInvitation, User
from runtime.audit.models import AuditEvent
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf


def _invite(client, csrf, email, role="staff", areas=("orders",), shop="alpha"):
    response = client.post(f"/console/shops/{shop}/staff", json={
        "email": email, "role": role, "areas": list(areas)}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.json
    return response.json["invitation"]


def _path(link: str) -> str:
    return link[link.index("/console/"):]


def _members(app):
    return {(m.shop_id, m.user_id, m.role) for m in fetch(app, select(Membership))}


def test_an_existing_user_joins_only_by_accepting(app, factory, shop):
    owner = factory.merchant(shop)
    friend = factory.user(email="friend@else.cn")
    client = app.test_client()
    csrf = factory.console_login(client, owner)
    invitation = _invite(client, csrf, "Friend@Else.cn", areas=["orders", "catalog"])
    assert (shop.id, friend.id, "staff") not in _members(app)

    invitee = app.test_client()
    link = _path(invitation["link"])
    page = invitee.get(link, headers=HTML).get_data(as_text=True)
    assert "Alpha 商店" in page and "已有账号：登录后接受" in page
    invitee_csrf = factory.console_login(invitee, friend)
    accepted = invitee.post(f"{link}/accept", headers={"X-CSRF-Token": invitee_csrf, **JSON})
    assert accepted.status_code == 200 and accepted.json == {"shop": "alpha"}
    joined = fetch(app, select(Membership).where(Membership.user_id == friend.id), one=True)
    assert (joined.shop_id, joined.role, joined.areas) == (shop.id, "staff",
                                                            ["catalog", "orders"])
    # the link is spent
    again = invitee.post(f"{link}/accept", headers={"X-CSRF-Token": invitee_csrf, **JSON})
    assert again.status_code == 404 and again.json["code"] == "invitation_invalid"
    actions = [e.action for e in fetch(app, select(AuditEvent).where(
        AuditEvent.shop_id == shop.id).order_by(AuditEvent.id))]
    assert actions == ["staff_invited", "staff_joined"]


def test_a_new_person_signs_up_and_joins(app, factory, shop):
    client = app.test_client()
    csrf = factory.console_login(client, factory.merchant(shop))
    link = _path(_invite(client, csrf, "new@alpha.cn", role="admin")["link"])
    invitee = app.test_client()
    token = page_csrf(invitee, link)
    weak = invitee.post(f"{link}/signup", headers=HTML, data={
        "csrf_token": token, "display_name": "小李", "password": "short"})
    assert weak.status_code == 422
    done = invitee.post(f"{link}/signup", headers=HTML, data={
        "csrf_token": token, "display_name": "小李", "password": "first-pass-12"})
    assert done.status_code == 302 and done.headers["Location"] == "/console/shops/alpha/"
    assert invitee.get("/console/shops/alpha/staff", headers=JSON).status_code == 200
    user = fetch(app, select(User).where(User.email == "new@alpha.cn"), one=True)
    assert (shop.id, user.id, "admin") in _members(app)


def test_the_link_is_for_the_invited_email_only(app, factory, shop):
    client = app.test_client()
    csrf = factory.console_login(client, factory.merchant(shop))
    link = _path(_invite(client, csrf, "friend@else.cn")["link"])
    factory.user(email="friend@else.cn")
    intruder = factory.user(email="intruder@else.cn")
    other = app.test_client()
    other_csrf = factory.console_login(other, intruder)
    page = other.get(link, headers=HTML).get_data(as_text=True)
    assert "你当前登录的是 intruder@else.cn" in page
    refused = other.post(f"{link}/accept", headers={"X-CSRF-Token": other_csrf, **JSON})
    assert refused.status_code == 403 and refused.json["code"] == "invitation_for_another_email"
    # signing up for an email that has an account is refused (log in instead)
    anon = app.test_client()
    token = page_csrf(anon, link)
    taken = anon.post(f"{link}/signup", json={"password": "first-pass-12"},
                      headers={"X-CSRF-Token": token})
    assert taken.status_code == 409 and taken.json["code"] == "account_exists"
    assert all(user_id != intruder.id for _s, user_id, _r in _members(app))


def test_forged_expired_renewed_and_revoked_links_are_dead(app, factory, shop, clock):
    owner = factory.merchant(shop)
    client = app.test_client()
    csrf = factory.console_login(client, owner)
    first = _path(_invite(client, csrf, "a@else.cn")["link"])
    renewed = _path(_invite(client, csrf, "a@else.cn")["link"])
    assert first != renewed
    assert client.get(first, headers=JSON).status_code == 404  # renewing killed the old link
    assert client.get(renewed, headers=JSON).status_code == 200
    forged = renewed[:-3] + ("AAA" if not renewed.endswith("AAA") else "BBB")
    assert client.get(forged, headers=JSON).json["code"] == "invitation_invalid"
    clock.advance(timedelta(days=7, seconds=1))
    assert client.get(renewed, headers=JSON).status_code == 404
    clock.advance(-timedelta(days=7, seconds=1))
    pending = client.get("/console/shops/alpha/staff", headers=JSON).json["invitations"]
    revoked = client.delete(f"/console/shops/alpha/staff/invitations/{pending[0]['id']}",
                            headers={"X-CSRF-Token": csrf, **JSON})
    assert revoked.status_code == 204
    assert client.get(renewed, headers=JSON).status_code == 404
    assert client.get("/console/shops/alpha/staff", headers=JSON).json["invitations"] == []
    statuses = sorted(r.status for r in fetch(app, select(StaffInvitation)))
    assert statuses == ["revoked"]


def test_another_shops_manager_cannot_see_or_revoke_invitations(app, factory, shop):
    client = app.test_client()
    csrf = factory.console_login(client, factory.merchant(shop))
    invitation = _invite(client, csrf, "a@else.cn")
    beta = factory.shop(slug="beta")
    beta_client = app.test_client()
    beta_csrf = factory.console_login(beta_client, factory.merchant(beta))
    assert beta_client.get("/console/shops/beta/staff",
                           headers=JSON).json["invitations"] == []
    gone = beta_client.delete(f"/console/shops/beta/staff/invitations/{invitation['id']}",
                              headers={"X-CSRF-Token": beta_csrf, **JSON})
    assert gone.status_code == 404
    assert [r.status for r in fetch(app, select(StaffInvitation))] == ["pending"]


def test_only_owners_invite_owners_and_staff_cannot_invite(app, factory, shop):
    admin = factory.merchant(shop, role="admin")
    client = app.test_client()
    csrf = factory.console_login(client, admin)
    refused = client.post("/console/shops/alpha/staff", json={
        "email": "boss2@alpha.cn", "role": "owner"}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403 and refused.json["code"] == "owner_only"
    member = client.post("/console/shops/alpha/staff", json={
        "email": admin.email, "role": "staff"}, headers={"X-CSRF-Token": csrf})
    assert member.status_code == 409 and member.json["code"] == "already_member"
    assert fetch(app, select(StaffInvitation)) == []
