"""WeChat Pay platform certificates: the simulator's ``GET /v3/certificates`` (encrypted list,
signed answer), download with verification, rotation, the expiry warning, and the console's
platform-certificate mode, certificate button and "test these credentials"."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from runtime.db import use_shop
from runtime.wechat import apps, keys
from runtime.wechat.errors import (
    DecryptError,
    ResponseVerificationFailed,
    TransportError,
    UnknownSerial,
)
from runtime.wechat.pay import certificates, crypto
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.probe import Outcome, probe
from runtime.wechat.pay.simulator import simulator_pay_config
from runtime.wechat.simkeys import KeyMode, new_key, self_signed, sim_mchid, simulator_material
from runtime.wechat.transport import AppTransport, HttpResponse, lower_headers

from .conftest import NOTIFY_URL


def prepay(client: WechatPayClient) -> str:
    return client.jsapi_prepay(out_trade_no="M2026112500009", description="test",
                               amount_fen=100, payer_openid="o-alice")


@pytest.fixture
def cert_config(settings, shop):
    """A sim merchant WeChat signs towards with platform certificates."""
    return simulator_pay_config(settings, shop_id=shop.id, notify_url=NOTIFY_URL,
                                key_mode=KeyMode.PLATFORM_CERTIFICATE)


def test_the_simulator_lists_certificates_encrypted_and_signs_the_answer(app, sim, cert_config,
                                                                        clock):
    client = WechatPayClient(cert_config, AppTransport(app))
    response = client.send("GET", certificates.CERTIFICATES_PATH)
    assert response.status == 200
    headers = lower_headers(response.headers)
    assert headers["wechatpay-serial"] == sim.material.platform_serial
    assert cert_config.verifier.verify(headers, response.body) == sim.material.platform_serial
    item = json.loads(response.body)["data"][0]
    assert item["encrypt_certificate"]["algorithm"] == "AEAD_AES_256_GCM"
    assert item["encrypt_certificate"]["associated_data"] == "certificate"
    assert "BEGIN CERTIFICATE" not in response.body.decode()  # only the APIv3 key opens it
    found = certificates.decrypt_certificates(response.body, cert_config.apiv3_key)
    assert [c.serial_no for c in found] == [sim.material.platform_serial]
    assert found[0].pem.strip() == sim.material.platform_cert_pem.strip()
    with pytest.raises(DecryptError):
        certificates.decrypt_certificates(response.body, "x" * 32)
    unsigned = client.send("GET", certificates.CERTIFICATES_PATH, query={"x": "1"})
    assert unsigned.status == 200  # any query is signed over; the simulator checks it


def test_first_download_is_verified_with_the_certificates_it_brings(app, sim, cert_config,
                                                                   clock):
    signer = certificates.MerchantSigner(cert_config.mchid, cert_config.merchant_serial_no,
                                         cert_config.merchant_private_key,
                                         cert_config.base_url)
    transport = AppTransport(app)
    found = certificates.download(transport, signer, cert_config.apiv3_key, {})
    assert [c.serial_no for c in found] == [sim.material.platform_serial]

    def forged(request):  # someone in between re-signs the answer with another key
        answer = transport(request)
        headers = {**answer.headers, **crypto.sign_response_headers(
            new_key(), sim.material.platform_serial, answer.body)}
        return HttpResponse(answer.status, headers, answer.body)

    with pytest.raises(ResponseVerificationFailed):
        certificates.download(forged, signer, cert_config.apiv3_key, {})
    with pytest.raises(DecryptError):
        certificates.download(transport, signer, "y" * 32, {})


def test_rotation_keeps_the_old_certificate_until_it_expires(app, sim, cert_config, clock):
    now = clock.now()
    old = sim.issue_platform_certificate(effective_at=now - timedelta(hours=2),
                                         expires_at=now + timedelta(days=10))
    client = WechatPayClient(cert_config, AppTransport(app))
    with pytest.raises(ResponseVerificationFailed) as unknown:
        prepay(client)  # signed with a certificate not yet kept
    assert isinstance(unknown.value.__cause__, UnknownSerial)

    kept = certificates.keep([], certificates.download(
        client.transport, cert_config, cert_config.apiv3_key, cert_config.wechatpay_keys), now)
    assert certificates.current(kept, now).serial_no == old
    warning = certificates.expiry_warning(kept, now)
    assert warning["kind"] == "expiring" and warning["serial_no"] == old
    assert warning["days"] == 10

    new = sim.issue_platform_certificate(effective_at=now - timedelta(hours=1))
    kept = certificates.keep(kept, certificates.download(
        client.transport, cert_config, cert_config.apiv3_key,
        {c.serial_no: c.public_key for c in kept}), now)
    assert certificates.current(kept, now).serial_no == new
    assert old in {c.serial_no for c in kept}  # kept until it expires
    assert certificates.expiry_warning(kept, now) is None
    rotated = dataclasses.replace(cert_config, platform_certificates=tuple(c.pem for c in kept))
    assert prepay(WechatPayClient(rotated, AppTransport(app)))  # verified with the new one

    clock.advance(timedelta(days=11))
    later = clock.now()
    kept = certificates.keep(kept, certificates.download(
        client.transport, rotated, rotated.apiv3_key, rotated.wechatpay_keys), later)
    assert old not in {c.serial_no for c in kept}


def test_expiry_warning_when_no_certificate_is_in_force(clock):
    now = clock.now()
    key = new_key()
    cert = certificates.PlatformCertificate.from_pem(crypto.certificate_pem(self_signed(
        key, "t", "t", not_before=now - timedelta(days=30), not_after=now - timedelta(days=1))))
    assert certificates.expiry_warning([cert], now) == {"kind": "none_valid"}
    assert certificates.expiry_warning([], now) == {"kind": "none_valid"}
    assert certificates.keep([cert], [], now) == []


def test_probe_reads_what_wechat_pay_answers(app, settings, shop, sim, cert_config,
                                             merchant_keys, clock):
    assert probe(WechatPayClient(cert_config, AppTransport(app))).outcome is Outcome.OK
    public = simulator_pay_config(settings, shop_id=shop.id, notify_url=NOTIFY_URL)
    result = probe(WechatPayClient(public, AppTransport(app)))
    assert result.ok and result.serial == public.public_key_id
    stranger = dataclasses.replace(public, public_key_pem=crypto.public_key_pem(
        merchant_keys.wechatpay_key.public_key()))
    assert probe(WechatPayClient(stranger, AppTransport(app))).outcome is \
        Outcome.WRONG_WECHAT_KEY
    other_id = dataclasses.replace(public, public_key_id="PUB_KEY_ID_0000000000000000000001")
    assert probe(WechatPayClient(other_id, AppTransport(app))).outcome is \
        Outcome.UNKNOWN_WECHAT_KEY
    wrong_key = dataclasses.replace(public, merchant_private_key_pem=crypto.private_key_pem(
        merchant_keys.merchant_key))
    refused = probe(WechatPayClient(wrong_key, AppTransport(app)))
    assert refused.outcome is Outcome.SIGNATURE_REJECTED and refused.wechat_code == "SIGN_ERROR"

    def down(_request):
        raise TransportError("connection refused")

    assert probe(WechatPayClient(public, down)).outcome is Outcome.UNREACHABLE


# --- the console -----------------------------------------------------------------------------


def _console(client, factory, shop):
    user = factory.merchant(shop)
    return {"X-CSRF-Token": factory.console_login(client, user)}


def _own_merchant(settings, shop, mode: KeyMode) -> dict[str, str]:
    """The simulator's merchant typed in as the shop's own (reached over the simulated
    network, so the production code path runs)."""
    material = simulator_material(settings)
    form = {"key_mode": mode.value, "mchid": sim_mchid(shop.id, mode),
            "merchant_serial_no": material.merchant_serial,
            "merchant_private_key_pem": material.merchant_key_pem,
            "apiv3_key": material.apiv3_key, "notify_base_url": "https://shop.example.com"}
    if mode is KeyMode.PUBLIC_KEY:
        form.update(public_key_id=material.public_key_id,
                    public_key_pem=material.public_key_pem)
    return form


def test_console_platform_certificate_mode_download_and_expiry_warning(
        app, client, factory, shop, settings, sim, clock, wechat_network):
    csrf = _console(client, factory, shop)
    url = f"/console/shops/{shop.slug}/orders/wechatpay"
    accept = {"Accept": "application/json"}
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        apps.save_app(s, {"appid": simulator_material(settings).appid}, settings.secret_key)
        s.commit()
    now = clock.now()
    expiring = sim.issue_platform_certificate(effective_at=now - timedelta(hours=2),
                                              expires_at=now + timedelta(days=12))
    form = _own_merchant(settings, shop, KeyMode.PLATFORM_CERTIFICATE)
    odd = client.post(url, json={**form, "key_mode": ["platform_certificate"]}, headers=csrf)
    assert odd.status_code == 422 and odd.json["errors"][0]["pointer"] == "/key_mode"
    wrong = client.post(url, json={**form, "apiv3_key": "z" * 32}, headers=csrf)
    assert wrong.status_code == 422
    assert wrong.json["errors"][0]["pointer"] == "/platform_certificates"
    assert wrong.json["errors"][0]["code"] == "wrong_apiv3_key"
    page = client.post(url, data={**form, "apiv3_key": "z" * 32,
                                  "csrf_token": csrf["X-CSRF-Token"]}).get_data(as_text=True)
    assert "APIv3 密钥不对" in page

    saved = client.post(url, json=form, headers=csrf)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.json["key_mode"] == "platform_certificate"
    assert any(r.url.endswith("/v3/certificates") for r in wechat_network.requests)
    current = [c for c in saved.json["certificates"] if c["current"]]
    assert [c["serial_no"] for c in current] == [expiring]
    assert saved.json["certificate_warning"]["days"] == 12
    page = client.get(url).get_data(as_text=True)
    assert 'id="certificate-warning"' in page and expiring in page and "12" in page

    successor = sim.issue_platform_certificate(effective_at=now - timedelta(hours=1))
    rotated = client.post(f"{url}/certificates", headers={**csrf, **accept})
    assert rotated.status_code == 200, rotated.get_data(as_text=True)
    assert successor in rotated.json["result"]["certificates"]
    status = client.get(url, headers=accept).json
    assert [c["serial_no"] for c in status["certificates"] if c["current"]] == [successor]
    assert status["certificate_warning"] is None
    assert {c["serial_no"] for c in status["certificates"]} >= {expiring, successor}
    checked = client.post(f"{url}/check", headers={**csrf, **accept})
    assert checked.json["ok"] is True and checked.json["serial"] == successor
    assert "WeChat Pay accepted these credentials" in checked.json["message"] or \
        "微信支付接受了" in checked.json["message"]


def test_console_test_these_credentials_in_a_merchants_words(
        app, client, factory, shop, settings, merchant_keys, wechat_network):
    csrf = _console(client, factory, shop)
    url = f"/console/shops/{shop.slug}/orders/wechatpay"
    accept = {"Accept": "application/json"}
    simulated = client.post(f"{url}/check", headers={**csrf, **accept})
    assert simulated.json["ok"] is True  # the simulator stands in, and answers
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        apps.save_app(s, {"appid": simulator_material(settings).appid}, settings.secret_key)
        s.commit()
    form = _own_merchant(settings, shop, KeyMode.PUBLIC_KEY)
    assert client.post(url, json=form, headers=csrf).status_code == 200
    ok = client.post(f"{url}/check", headers=csrf)
    assert ok.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "微信支付接受了这些商户信息" in page

    stranger = {**form, "public_key_pem": crypto.public_key_pem(
        merchant_keys.wechatpay_key.public_key())}
    assert client.post(url, json=stranger, headers=csrf).status_code == 200
    bad = client.post(f"{url}/check", headers={**csrf, **accept})
    assert bad.json["ok"] is False and bad.json["outcome"] == "wrong_wechat_key"
    assert "pub_key.pem" in bad.json["message"]
    foreign = {**form, "mchid": "1900000109"}
    assert client.post(url, json=foreign, headers=csrf).status_code == 200
    refused = client.post(f"{url}/check", headers={**csrf, **accept})
    assert refused.json["outcome"] == "signature_rejected"
    assert client.post(f"{url}/certificates", headers={**csrf, **accept}).status_code == 409
    assert client.post(f"{url}/disable", headers={**csrf, **accept}).status_code == 200
    off = client.post(f"{url}/check", headers={**csrf, **accept})
    assert off.json["outcome"] == "not_configured" and "尚未设置微信支付" in off.json["message"]
    staff = app.test_client()
    user = factory.merchant(shop, role="staff", areas=["orders"])
    staff_csrf = {"X-CSRF-Token": factory.console_login(staff, user)}
    assert staff.post(f"{url}/check", headers=staff_csrf).status_code == 403
    assert staff.post(f"{url}/certificates", headers=staff_csrf).status_code == 403


def test_the_periodic_refresh_keeps_the_successor_before_the_old_one_expires(
        app, client, factory, shop, settings, sim, clock, wechat_network):
    from runtime.modules.payments.jobs import refresh_platform_certificates

    csrf = _console(client, factory, shop)
    other = factory.shop("beta")  # verifies with the public key: nothing to download
    for target, mode in ((shop, KeyMode.PLATFORM_CERTIFICATE), (other, KeyMode.PUBLIC_KEY)):
        with app.app_context(), factory._session() as s:
            use_shop(s, target.id)
            apps.save_app(s, {"appid": simulator_material(settings).appid}, settings.secret_key)
            s.commit()
        headers = csrf if target is shop else _console(client, factory, target)
        saved = client.post(f"/console/shops/{target.slug}/orders/wechatpay",
                            json=_own_merchant(settings, target, mode), headers=headers)
        assert saved.status_code == 200, saved.get_data(as_text=True)
    successor = sim.issue_platform_certificate(effective_at=clock.now() - timedelta(minutes=5))
    with app.app_context():
        assert refresh_platform_certificates() == 1
    status = client.get(f"/console/shops/{other.slug}/orders/wechatpay",
                        headers={"Accept": "application/json"}).json
    assert status["key_mode"] == "public_key" and status["certificates"] == []
    _console(client, factory, shop)  # log in as an owner of the first shop again
    status = client.get(f"/console/shops/{shop.slug}/orders/wechatpay",
                        headers={"Accept": "application/json"}).json
    assert [c["serial_no"] for c in status["certificates"] if c["current"]] == [successor]


def test_a_notification_signed_by_a_successor_fetches_it_once(
        app, client, factory, shop, settings, sim, clock, wechat_network, redis_conn):
    """WeChat starts signing with a new platform certificate before the shop downloaded it:
    the notification makes one download and is applied; forged serials cannot make the shop
    call WeChat Pay again and again."""
    from runtime.wechat.pay.simulator import send_payment_notification
    from tests.orders.flow import shopper, sku_of

    material = simulator_material(settings)
    csrf = _console(client, factory, shop)
    assert client.post(f"/console/shops/{shop.slug}/settings/wechat", headers=csrf, json={
        "appid": material.appid, "secret": material.mini_secret}).status_code == 200
    assert client.post(f"/console/shops/{shop.slug}/orders/wechatpay", headers=csrf,
                       json=_own_merchant(settings, shop, KeyMode.PLATFORM_CERTIFICATE),
                       ).status_code == 200
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1500, stock=3))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-rotation")
    buyer.add_address()
    order = buyer.buy(sku.id, 1)
    buyer.pay(order["id"])  # a prepay at "WeChat", with the shop's own credentials
    successor = sim.issue_platform_certificate(effective_at=clock.now() - timedelta(minutes=1))
    downloads = len([r for r in wechat_network.requests if r.url.endswith("/v3/certificates")])

    with app.app_context():
        delivery = send_payment_notification(order["order_no"], transport=AppTransport(app))
    assert delivery.status == 204, delivery.body
    assert buyer.order(order["id"])["status"] != "pending_payment"
    assert len([r for r in wechat_network.requests
                if r.url.endswith("/v3/certificates")]) == downloads + 1
    status = client.get(f"/console/shops/{shop.slug}/orders/wechatpay",
                        headers={"Accept": "application/json"}).json
    assert successor in {c["serial_no"] for c in status["certificates"]}

    redis_conn.delete(keys.certificate_refresh_gate(shop.id))  # ten minutes later
    forged = sim.payment_notification(order["order_no"])
    headers = {**forged.headers, "Wechatpay-Serial": "0123456789ABCDEF"}
    for _ in range(3):
        answer = app.test_client().post(urlsplit(forged.url).path, headers=headers,
                                        data=forged.body)
        assert answer.status_code == 401
    assert len([r for r in wechat_network.requests
                if r.url.endswith("/v3/certificates")]) == downloads + 2  # one, then gated
