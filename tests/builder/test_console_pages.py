"""The console's own pages: shop list, platform and agency pages, my account, shop settings,
languages."""

from __future__ import annotations

import logging

from sqlalchemy import select

from builder.i18n import compile_translations
from runtime.accounts.models import Agency
from runtime.shops.models import Shop
from tests.accounts.helpers import HTML, JSON, fetch, page_csrf


def _login(app, factory, user):
    client = app.test_client()
    return client, factory.console_login(client, user)


def test_index_redirects_a_one_shop_merchant(app, factory, shop):
    client, _ = _login(app, factory, factory.merchant(shop))
    response = client.get("/console/", headers=HTML)
    assert response.headers["Location"] == "/console/shops/alpha/"


def test_index_lists_several_shops_with_roles(app, factory, shop):
    user = factory.merchant(shop)
    factory.membership(user, factory.shop(slug="beta", name="Beta 店"), role="staff")
    client, _ = _login(app, factory, user)
    html = client.get("/console/", headers=HTML).get_data(as_text=True)
    assert "Alpha 商店" in html and "Beta 店" in html and "员工" in html


def test_index_for_a_user_without_shops(app, factory):
    client, _ = _login(app, factory, factory.user())
    html = client.get("/console/", headers=HTML).get_data(as_text=True)
    assert "你还不是任何店铺的成员" in html and "/console/signup" in html


def test_platform_admin_sees_all_shops_and_the_audited_list(app, factory, shop, caplog):
    factory.shop(slug="beta", name="Beta 店")
    owner = factory.merchant(shop, email="boss@alpha.cn")
    admin = factory.user(email="root@mallkit.cn", is_platform_admin=True)
    client, _ = _login(app, factory, admin)
    index = client.get("/console/", headers=HTML)
    assert index.status_code == 200
    assert "Alpha 商店" in index.get_data(as_text=True)
    assert "Beta 店" in index.get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="mallkit.audit"):
        listing = client.get("/console/platform/shops", headers=JSON)
    assert listing.status_code == 200
    rows = {s["slug"]: s for s in listing.json["shops"]}
    assert rows["alpha"]["owners"] == [owner.email] and rows["alpha"]["members"] == 1
    assert rows["beta"]["members"] == 0
    assert any("platform console: list all shops" in r.getMessage() for r in caplog.records)
    assert client.get("/console/platform/shops", headers=HTML).status_code == 200
    entered = client.get("/console/shops/beta/", headers=JSON)
    assert entered.status_code == 200 and entered.json["role"] == "admin"


def test_platform_pages_are_hidden_from_merchants(app, factory, shop):
    client, _ = _login(app, factory, factory.merchant(shop))
    assert client.get("/console/platform/shops", headers=JSON).status_code == 404
    assert client.get("/console/agency/", headers=JSON).status_code == 404


def test_agency_users_land_on_their_agency_page(app, factory):
    (agency,) = factory.add(None, Agency(slug="studio", name="设计工作室"))
    designer = factory.user(email="d@studio.cn", agency_id=agency.id, display_name="设计师")
    factory.user(email="e@studio.cn", agency_id=agency.id)
    factory.user(email="outsider@else.cn")
    client, _ = _login(app, factory, designer)
    assert client.get("/console/", headers=HTML).headers["Location"] == "/console/agency/"
    page = client.get("/console/agency/", headers=JSON).json
    assert page["agency"] == {"slug": "studio", "name": "设计工作室"}
    assert [u["email"] for u in page["users"]] == ["d@studio.cn", "e@studio.cn"]
    html = client.get("/console/agency/", headers=HTML).get_data(as_text=True)
    assert "设计工作室" in html and "outsider@else.cn" not in html


def test_console_is_chinese_by_default_and_english_per_user(app, factory, shop):
    user = factory.merchant(shop)
    client, token = _login(app, factory, user)
    html = client.get("/console/shops/alpha/", headers=HTML).get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "店铺概况" in html and "退出登录" in html
    saved = client.patch("/console/account", json={"display_name": "Wang", "locale": "en"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    html = client.get("/console/shops/alpha/", headers=HTML).get_data(as_text=True)
    assert 'lang="en"' in html and "Shop overview" in html and "Log out" in html
    assert "店铺概况" not in html


def test_account_profile_validation(app, factory, shop):
    client, token = _login(app, factory, factory.merchant(shop))
    response = client.patch("/console/account", json={"display_name": "x" * 81,
                                                      "locale": "fr"},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json["errors"]) == ["/display_name",
                                                                     "/locale"]
    wrong_type = client.patch("/console/account", json={"display_name": 5},
                              headers={"X-CSRF-Token": token})
    assert wrong_type.status_code == 422
    assert wrong_type.json["errors"][0]["pointer"] == "/display_name"
    page = page_csrf(client, "/console/account")
    form = client.post("/console/account", headers=HTML, data={
        "csrf_token": page, "display_name": "王小二", "locale": "zh_CN"})
    assert form.status_code == 302
    assert "王小二" in client.get("/console/account", headers=HTML).get_data(as_text=True)


def test_shop_settings_update_and_validation(app, factory, shop):
    client, token = _login(app, factory, factory.merchant(shop, role="admin"))
    ok = client.patch("/console/shops/alpha/settings", json={
        "name": "阿尔法", "timezone": "Asia/Tokyo", "contact_phone": "+86 21-5555-0101"},
        headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    assert ok.json["shop"]["timezone"] == "Asia/Tokyo"
    bad = client.patch("/console/shops/alpha/settings", json={
        "name": " ", "timezone": "Mars/Base", "contact_phone": "call me"},
        headers={"X-CSRF-Token": token})
    assert bad.status_code == 422
    assert sorted(e["pointer"] for e in bad.json["errors"]) == [
        "/contact_phone", "/name", "/timezone"]
    shop_row = fetch(app, select(Shop), one=True)
    assert (shop_row.name, shop_row.timezone, shop_row.contact_phone) == (
        "阿尔法", "Asia/Tokyo", "+86 21-5555-0101")
    html = client.get("/console/shops/alpha/settings", headers=HTML).get_data(as_text=True)
    assert 'value="阿尔法"' in html


def test_non_member_html_gets_the_404_page(app, factory, shop):
    client, _ = _login(app, factory, factory.merchant(factory.shop(slug="beta")))
    response = client.get("/console/shops/alpha/", headers=HTML)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_every_console_page_renders(app, factory, shop):
    admin = factory.user(email="root@mallkit.cn", is_platform_admin=True)
    factory.membership(admin, shop, role="owner")
    client, _ = _login(app, factory, admin)
    for path in ("/console/", "/console/account", "/console/platform/shops",
                 "/console/shops/alpha/", "/console/shops/alpha/staff",
                 "/console/shops/alpha/settings"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, path
        assert '<meta name="csrf-token"' in response.get_data(as_text=True)


def test_translations_are_compiled_when_missing_or_stale(tmp_path):
    po_dir = tmp_path / "zh" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Save"\nmsgstr "保存"\n', encoding="utf-8")
    assert compile_translations(tmp_path) == [po_dir / "messages.mo"]
    assert compile_translations(tmp_path) == []  # up to date
    from babel.support import Translations

    assert Translations.load(str(tmp_path), ["zh"]).gettext("Save") == "保存"
