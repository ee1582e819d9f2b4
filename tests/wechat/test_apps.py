"""The shop's own WeChat mini-program settings (AppID + sealed AppSecret), apart from WeChat
Pay: the console screen, login and WeChat Pay using them, tenancy, and the migration that
moved them out of the WeChat Pay account."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from runtime import credentials
from runtime.db import make_engine, use_shop
from runtime.errors import ValidationFailed
from runtime.migrate import downgrade, upgrade
from runtime.wechat import apps
from runtime.wechat.errors import WechatCredentialsUnreadable
from runtime.wechat.models import WechatApp
from runtime.wechat.pay import crypto
from runtime.wechat.simkeys import simulator_material
from tests.wechat.conftest import MerchantKeys

APPID = "wx0123456789abcdef"


def console(client, factory, shop, **kw):
    user = factory.merchant(shop, **kw)
    return {"X-CSRF-Token": factory.console_login(client, user)}


def pay_form(merchant_keys: MerchantKeys) -> dict[str, str]:
    """What a merchant types on the WeChat Pay screen: no AppID, no AppSecret."""
    return {"mchid": "1900000109", "merchant_serial_no": merchant_keys.merchant_serial,
            "merchant_private_key_pem": crypto.private_key_pem(merchant_keys.merchant_key),
            "apiv3_key": merchant_keys.apiv3_key, "public_key_id": merchant_keys.public_key_id,
            "public_key_pem": crypto.public_key_pem(merchant_keys.wechatpay_key.public_key()),
            "notify_base_url": "https://shop.example.com"}


def login(client, shop, openid="alice"):
    return client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": f"dev-{openid}"})


def test_saving_wechat_pay_without_the_appsecret_keeps_wechat_login_working(
        app, client, factory, shop, settings, merchant_keys, wechat_network):
    """The bug: the AppSecret lived in the WeChat Pay account, so saving WeChat Pay without it
    answered every WeChat login with 503 ``wechat_login_not_configured``."""
    csrf = console(client, factory, shop)
    material = simulator_material(settings)  # the simulator stands where WeChat's servers are
    saved = client.post(f"/console/shops/{shop.slug}/settings/wechat",
                        json={"appid": material.appid, "secret": material.mini_secret},
                        headers=csrf)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    pay = client.post(f"/console/shops/{shop.slug}/orders/wechatpay",
                      json=pay_form(merchant_keys), headers=csrf)
    assert pay.status_code == 200, pay.get_data(as_text=True)
    assert pay.json["configured"] is True and pay.json["appid"] == material.appid

    answer = login(client, shop)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    code2session = [r for r in wechat_network.requests if "/sns/jscode2session" in r.url]
    assert len(code2session) == 1  # over the (simulated) network, with the shop's own app
    query = parse_qs(urlsplit(code2session[0].url).query)
    assert query["appid"] == [material.appid] and query["secret"] == [material.mini_secret]


def test_wechat_pay_charges_for_the_shops_mini_program(app, factory, shop, settings,
                                                       merchant_keys):
    from runtime.modules.payments import accounts

    with app.test_request_context(), factory._session() as s:
        use_shop(s, shop.id)
        with pytest.raises(ValidationFailed) as missing:
            accounts.save_account(s, pay_form(merchant_keys), shop.slug)
        assert missing.value.errors[0].pointer == "/appid"
        apps.save_app(s, {"appid": APPID}, settings.secret_key)  # AppID alone is enough
        accounts.save_account(s, {**pay_form(merchant_keys), "appid": "wx9999999999999999"},
                              shop.slug)
        assert accounts.shop_wechat(s, shop.id, shop.slug).config.appid == APPID
        apps.save_app(s, {"appid": "wx1111111111111111"}, settings.secret_key)
        assert accounts.shop_wechat(s, shop.id, shop.slug).config.appid == "wx1111111111111111"
        assert apps.mini_config(s, settings) is None  # no AppSecret: no login, no simulator


def test_login_needs_the_appsecret(app, client, factory, shop, settings):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        apps.save_app(s, {"appid": APPID}, settings.secret_key)
        s.commit()
    answer = login(client, shop)
    assert answer.status_code == 503 and answer.json["code"] == "wechat_login_not_configured"


def test_app_settings_screen(app, client, factory, shop):
    url = f"/console/shops/{shop.slug}/settings/wechat"
    staff = app.test_client()
    console(staff, factory, shop, role="staff", areas=["orders"])
    assert staff.get(url).status_code == 403
    csrf = console(client, factory, shop)
    accept = {"Accept": "application/json"}
    assert client.get(url, headers=accept).json == {
        "configured": False, "appid": None, "secret_set": False, "simulator_stands_in": True}
    page = client.get(url).get_data(as_text=True)
    assert "微信小程序" in page and "模拟器" in page
    bad = client.post(url, json={"appid": "gh_123", "secret": "s" * 65}, headers=csrf)
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json["errors"]} == {"/secret"}
    bad = client.post(url, json={"appid": "gh_123", "secret": "s"}, headers=csrf)
    assert [e["pointer"] for e in bad.json["errors"]] == ["/appid"]
    form = client.post(url, data={"appid": "nope", "secret": "x", "csrf_token":
                                  csrf["X-CSRF-Token"]})
    assert form.status_code == 200 and "aria-invalid" in form.get_data(as_text=True)

    saved = client.post(url, json={"appid": APPID, "secret": "the-app-secret"}, headers=csrf)
    assert saved.json == {"configured": True, "appid": APPID, "secret_set": True,
                          "simulator_stands_in": False}
    page = client.get(url).get_data(as_text=True)
    assert APPID in page and "the-app-secret" not in page  # the secret is never shown
    kept = client.post(url, json={"appid": APPID, "secret": ""}, headers=csrf)
    assert kept.json["secret_set"] is True
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert apps.mini_config(s, app.extensions["mallkit"].settings).secret == "the-app-secret"
    moved = client.post(url, json={"appid": "wx2222222222222222"}, headers=csrf)
    assert moved.json["secret_set"] is False  # another app's secret is never kept
    gone = client.post(f"{url}/delete", headers={**csrf, **accept})
    assert gone.status_code == 200 and gone.json["configured"] is False
    assert client.post(f"{url}/delete", headers=accept).status_code == 403  # CSRF


def test_the_secret_is_sealed_and_needs_the_secret_key(app, factory, shop, settings):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        row = apps.save_app(s, {"appid": APPID, "secret": "plain-secret"}, settings.secret_key)
        assert "plain-secret" not in row.secret_enc
        assert credentials.unseal(settings.secret_key, apps.PURPOSE, row.secret_enc) == {
            "secret": "plain-secret"}
        other = settings.replace(secret_key="another-secret-key")
        with pytest.raises(WechatCredentialsUnreadable) as unreadable:
            apps.mini_config(s, other)
        assert unreadable.value.status == 503


def test_another_shop_never_sees_the_app(app, client, factory, shop, settings):
    other = factory.shop("beta")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        apps.save_app(s, {"appid": APPID, "secret": "alpha-secret"}, settings.secret_key)
        s.commit()
    with app.app_context(), factory._session() as s:
        use_shop(s, other.id)
        assert apps.get_app(s) is None
        assert s.scalars(sa.select(WechatApp)).all() == []
        assert apps.mini_config(s, settings).simulator  # beta still uses the simulator
    csrf = console(client, factory, other)
    beta = client.get("/console/shops/beta/settings/wechat",
                      headers={"Accept": "application/json"})
    assert beta.json["configured"] is False
    assert client.get(f"/console/shops/{shop.slug}/settings/wechat").status_code == 404
    assert client.post(f"/console/shops/{shop.slug}/settings/wechat/delete",
                       headers=csrf).status_code == 404
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert apps.get_app(s).appid == APPID


@pytest.fixture
def scratch_url(tmp_path) -> Iterator[str]:
    """An empty database of the run's backend (on PostgreSQL a claimed pool database, as
    its migration role)."""
    from tests.conftest import PG_URL
    from tests.pg_databases import scratch_database
    from tests.pg_roles import owner_url

    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    url, release = scratch_database(PG_URL)
    yield owner_url(url)
    release()


def test_migration_moves_the_appid_and_appsecret_out_of_the_pay_account(
        scratch_url, merchant_keys):
    key = "the-install-secret-key"
    engine = make_engine(scratch_url)
    upgrade(engine, "0012_payments")
    pay = merchant_keys.config(appid=APPID).to_dict()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # row-level security: write as the platform
            conn.execute(sa.text("SELECT set_config('mallkit.platform', 'on', true)"))
        conn.execute(sa.text("INSERT INTO shops (id, slug, name, timezone, status, "
                             "contact_phone, settings, created_at, updated_at) VALUES "
                             "(1, 'a', 'A', 'Asia/Shanghai', 'active', '', '{}', "
                             "'2026-01-01', '2026-01-01'), (2, 'b', 'B', 'Asia/Shanghai', "
                             "'active', '', '{}', '2026-01-01', '2026-01-01')"))
        for shop_id, secret in ((1, "old-secret"), (2, "")):
            conn.execute(sa.text(
                "INSERT INTO wechatpay_accounts (shop_id, mchid, appid, config_enc, enabled, "
                "created_at, updated_at) VALUES (:shop, '1900000109', :appid, :enc, :on, "
                "'2026-01-01', '2026-01-01')"), {"shop": shop_id, "appid": APPID, "on": True,
                "enc": credentials.seal(key, "wechatpay-account",
                                        {"pay": pay, "mini_secret": secret})})
    with pytest.raises(RuntimeError, match="secret key"):
        upgrade(engine)
    upgrade(engine, secret_key=key)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('mallkit.platform', 'on', true)"))
        rows = conn.execute(sa.text("SELECT shop_id, appid, secret_enc FROM wechat_apps "
                                    "ORDER BY shop_id")).all()
        blobs = [credentials.unseal(key, "wechatpay-account", enc) for (enc,) in conn.execute(
            sa.text("SELECT config_enc FROM wechatpay_accounts ORDER BY shop_id"))]
        columns = {c["name"] for c in sa.inspect(conn).get_columns("wechatpay_accounts")}
    assert [(r.shop_id, r.appid) for r in rows] == [(1, APPID), (2, APPID)]
    assert credentials.unseal(key, apps.PURPOSE, rows[0].secret_enc) == {"secret": "old-secret"}
    assert rows[1].secret_enc == ""
    assert all("mini_secret" not in b and "appid" not in b["pay"] for b in blobs)
    assert blobs[0]["pay"]["apiv3_key"] == merchant_keys.apiv3_key and "appid" not in columns

    downgrade(engine, "0012_payments", secret_key=key)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('mallkit.platform', 'on', true)"))
        back = conn.execute(sa.text("SELECT appid, config_enc FROM wechatpay_accounts "
                                    "ORDER BY shop_id")).all()
    assert [r.appid for r in back] == [APPID, APPID]
    first = credentials.unseal(key, "wechatpay-account", back[0].config_enc)
    assert first["mini_secret"] == "old-secret" and first["pay"]["appid"] == APPID
    engine.dispose()
