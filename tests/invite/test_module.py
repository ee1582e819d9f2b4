"""The invite module on the contract: the block (rules in the layout and on H5) goes with the
module, the API answers 404 while it is off and its settings stay for when it is on again;
the console lists the invitations with both sides' rewards."""

from __future__ import annotations

from runtime.modules import switches
from runtime.pages import store
from tests.aftersales.flow import in_shop
from tests.invite.flow import bind, code_of, member


def _publish(s, regs):
    page = store.ensure_page(s, "home", regs)
    store.save_draft(s, "home", {"schema": 1, "title": "首页", "kind": "home", "blocks": [
        {"id": "iv", "type": "invite", "settings": {}}]}, page.draft_revision, regs)
    store.publish(s, "home", registries=regs)


def test_the_block_shows_the_rules_and_goes_with_the_module(app, factory, shop, clock):
    regs = app.extensions["mallkit"].registries["pages"]
    factory.module_on(shop, "invite", {"inviter_points": 200, "invitee_points": 0,
                                       "trigger": "first_paid_order"})
    in_shop(app, factory, shop, _publish, regs)
    client = app.test_client()
    node = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"][0]
    assert node["type"] == "invite"
    assert {k: node["data"][k] for k in ("title", "inviter_text", "invitee_text",
                                         "trigger_text")} == {
        "title": "邀请有礼", "inviter_text": "200 积分", "invitee_text": "无",
        "trigger_text": "好友首单付款后发放"}
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "mk-invite" in html and "200 积分" in html and "invite.js" in html

    in_shop(app, factory, shop, lambda s: switches.disable(s, "invite"))
    assert client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"] == []
    assert "mk-invite" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)


def test_off_answers_404_and_on_again_keeps_settings(app, factory, shop, clock):
    factory.module_on(shop, "invite", {"title": "拉新有礼", "inviter_points": 7})
    person = member(app, factory, shop)
    code = code_of(person)
    in_shop(app, factory, shop, lambda s: switches.disable(s, "invite"))
    assert person.call("GET", "/invite/me", expect=404).json["code"] == "module_disabled"
    assert bind(member(app, factory, shop), code, 404)["code"] == "module_disabled"
    factory.module_on(shop, "invite")
    me = person.call("GET", "/invite/me").json
    assert (me["title"], me["inviter_points"], me["code"]) == ("拉新有礼", 7, code)


def test_the_console_lists_invitations_with_both_rewards(app, client, factory, shop, clock):
    factory.module_on(shop, "invite", {"inviter_points": 100, "invitee_points": 50,
                                       "daily_limit": 1})
    inviter = member(app, factory, shop, nickname="老王")
    code = code_of(inviter)
    bind(member(app, factory, shop, nickname="小李"), code)
    bind(member(app, factory, shop, nickname="小张"), code)
    factory.console_login(client, factory.merchant(shop))
    html = client.get(f"/console/shops/{shop.slug}/invite").get_data(as_text=True)
    rows = [" ".join(r.split()) for r in html.split("<tr data-invitation")[1:]]
    assert "老王" in rows[0] and "小张" in rows[0] and "超过每日上限" in rows[0]
    assert "小李" in rows[1] and "100 积分，0 张券" in rows[1] and "50 积分，0 张券" in rows[1]
    assert 'data-total="points">200<' in html and 'data-total="invited">2<' in html
    in_shop(app, factory, shop, lambda s: switches.disable(s, "invite"))
    assert client.get(f"/console/shops/{shop.slug}/invite").status_code == 404
