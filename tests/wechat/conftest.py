"""Fixtures for the WeChat clients: key material of a "real" merchant, the simulator, an
endpoint that receives notifications the way a shop's notify handler would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, request
from werkzeug.serving import make_server

from runtime.clock import utcnow
from runtime.wechat import pay_client
from runtime.wechat.errors import NotificationError
from runtime.wechat.pay import crypto
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.config import WechatPayConfig
from runtime.wechat.pay.simulator import WechatPaySimulator, simulator_pay_config
from runtime.wechat.transport import AppTransport
from tests.wechat.network import wechat_network  # noqa: F401  (a fixture)

NOTIFY_PATH = "/_test/wechatpay/notify"
NOTIFY_URL = f"https://shop.example.com{NOTIFY_PATH}"


def self_signed(key: rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = utcnow()
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))


@dataclass(frozen=True)
class MerchantKeys:
    """A merchant's own key pair and the WeChat-side keys it trusts (both modes)."""

    merchant_key: rsa.RSAPrivateKey
    merchant_serial: str
    wechatpay_key: rsa.RSAPrivateKey
    public_key_id: str
    platform_key: rsa.RSAPrivateKey
    platform_cert: x509.Certificate
    apiv3_key: str = "0123456789abcdefABCDEF0123456789"

    @property
    def platform_serial(self) -> str:
        return crypto.certificate_serial(self.platform_cert)

    def config(self, **overrides: Any) -> WechatPayConfig:
        values: dict[str, Any] = dict(
            mchid="1230000109", appid="wx8888888888888888",
            merchant_private_key_pem=crypto.private_key_pem(self.merchant_key),
            merchant_serial_no=self.merchant_serial, apiv3_key=self.apiv3_key,
            notify_url=NOTIFY_URL, public_key_id=self.public_key_id,
            public_key_pem=crypto.public_key_pem(self.wechatpay_key.public_key()),
            platform_certificates=(crypto.certificate_pem(self.platform_cert),))
        values.update(overrides)
        return WechatPayConfig(**values)


@pytest.fixture(scope="session")
def merchant_keys() -> MerchantKeys:
    def key() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    platform_key = key()
    return MerchantKeys(
        merchant_key=key(), merchant_serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        wechatpay_key=key(), public_key_id="PUB_KEY_ID_0112300001092025010100000000000001",
        platform_key=platform_key, platform_cert=self_signed(platform_key, "Tenpay test"))


@pytest.fixture
def sim(app: Flask) -> WechatPaySimulator:
    return WechatPaySimulator.for_app(app)


@pytest.fixture
def sim_config(settings, shop) -> WechatPayConfig:
    return simulator_pay_config(settings, shop_id=shop.id, notify_url=NOTIFY_URL)


@pytest.fixture
def pay(app: Flask, sim_config: WechatPayConfig) -> WechatPayClient:
    return WechatPayClient(sim_config, AppTransport(app))


@dataclass
class Inbox:
    """A notify endpoint like a shop's: verifies with ``config``, 204 on success, else 4xx."""

    config: WechatPayConfig | None = None
    received: list[Any] = field(default_factory=list)
    rejected: list[NotificationError] = field(default_factory=list)


@pytest.fixture
def app(fresh_app: Flask) -> Flask:
    """The WeChat tests add a notification route, so each gets an app of its own."""
    return fresh_app


@pytest.fixture
def inbox(app: Flask, sim_config: WechatPayConfig) -> Inbox:
    box = Inbox(config=sim_config)

    def receive():
        assert box.config is not None
        client = pay_client(box.config, app)
        try:
            notification = client.parse_notification(request.headers, request.get_data())
        except NotificationError as exc:
            box.rejected.append(exc)
            return {"code": "FAIL", "message": exc.detail}, exc.status
        box.received.append(notification)
        return "", 204

    app.add_url_rule(NOTIFY_PATH, "test_wechatpay_notify", receive, methods=["POST"])
    return box


@pytest.fixture
def live_server(app: Flask, inbox: Inbox) -> Iterator[str]:
    """The app on a real socket (threaded), for the urllib transport."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
