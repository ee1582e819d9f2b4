"""Which WeChat Pay merchant (and mini-program) a shop talks to, and the clients for them.

A shop with its own :class:`WechatPayAccount` always uses it: real credentials, WeChat's
real hosts, never the simulator (while the account is switched off, WeChat Pay is simply not
available). Without one, the local simulator stands in, but only while
``settings.simulators_enabled`` (switched on explicitly: the demo and the tests); otherwise
WeChat Pay is not available for the shop (503 ``wechatpay_not_configured``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, ServiceUnavailable, ValidationFailed
from runtime.modules.orders.errors import OrderErrorCode
from runtime.modules.payments.models import WechatPayAccount
from runtime.wechat import mini_client, pay_client
from runtime.wechat.login import HttpWechatMiniClient, WechatMiniConfig, simulator_mini_config
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.config import WechatPayConfig
from runtime.wechat.pay.simulator import simulator_pay_config

NOTIFY_PATH = "/api/v1/payments/wechatpay/notify/{shop}"
SIMULATOR_NOTIFY_BASE = "http://127.0.0.1:5000"


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("mallkit-wechatpay-account:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _app_settings() -> Any:
    return current_app.extensions["mallkit"].settings


def notify_url(base_url: str, shop_slug: str) -> str:
    return base_url.rstrip("/") + NOTIFY_PATH.format(shop=shop_slug)


@dataclass(frozen=True)
class ShopWechat:
    """The shop's WeChat Pay configuration, and whether it is the simulator's."""

    config: WechatPayConfig
    mini: WechatMiniConfig | None

    @property
    def simulator(self) -> bool:
        return self.config.simulator

    def pay_client(self) -> WechatPayClient:
        return pay_client(self.config, current_app)

    def mini_client(self) -> HttpWechatMiniClient | None:
        return mini_client(self.mini, current_app) if self.mini is not None else None


def get_account(session: Session) -> WechatPayAccount | None:
    return session.scalar(select(WechatPayAccount))


def save_account(session: Session, data: Mapping[str, Any], shop_slug: str) -> WechatPayAccount:
    """Store the shop's real merchant credentials (validated by ``WechatPayConfig``)."""
    if not isinstance(data.get("notify_base_url"), str) or \
            not data["notify_base_url"].startswith("https://"):
        raise ValidationFailed([FieldError("/notify_base_url", "the shop's public https base "
                                           "URL, where WeChat Pay sends notifications")])
    mini_secret = data.get("mini_secret", "")
    if not isinstance(mini_secret, str) or len(mini_secret) > 64:
        raise ValidationFailed.single("/mini_secret", "the mini-program AppSecret")
    fields = {k: v for k, v in data.items() if k not in ("notify_base_url", "mini_secret",
                                                          "simulator", "base_url")}
    fields["notify_url"] = notify_url(data["notify_base_url"], shop_slug)
    config = WechatPayConfig.from_dict(fields)
    blob = {"pay": config.to_dict(), "mini_secret": mini_secret}
    token = _fernet(_app_settings().secret_key).encrypt(json.dumps(blob).encode()).decode()
    account = get_account(session)
    if account is None:
        account = WechatPayAccount(mchid=config.mchid, appid=config.appid, config_enc=token)
        session.add(account)
    account.mchid, account.appid, account.config_enc = config.mchid, config.appid, token
    account.enabled = True
    session.flush()
    return account


def _decrypt_blob(secret_key: str, config_enc: str) -> dict[str, Any]:
    try:
        raw = _fernet(secret_key).decrypt(config_enc.encode())
    except InvalidToken:
        raise ServiceUnavailable("the stored WeChat Pay credentials cannot be read with this "
                                 "secret key", code=OrderErrorCode.WECHATPAY_NOT_CONFIGURED
                                 .value) from None
    return json.loads(raw)


def shop_wechat(session: Session, shop_id: int, shop_slug: str,
                base_url: str | None = None) -> ShopWechat:
    """The configuration a shop pays with: its own account, else the simulator (if on).
    A shop that has stored its own account never falls back to the simulator, even while
    the account is switched off.

    Built configurations are kept per process (keyed by what they are built from): loading
    and checking an RSA private key costs tens of milliseconds, and the notification
    handler must answer fast."""
    account = get_account(session)
    settings = _app_settings()
    if account is not None and account.enabled:
        return _real(settings.secret_key, account.config_enc)
    if account is not None or not settings.simulators_enabled:
        raise ServiceUnavailable("WeChat Pay is not configured for this shop",
                                 code=OrderErrorCode.WECHATPAY_NOT_CONFIGURED.value)
    url = notify_url(base_url or SIMULATOR_NOTIFY_BASE, shop_slug)
    key = (str(settings.data_dir), shop_id, url)
    found = _simulated.get(key)
    if found is None:
        found = ShopWechat(simulator_pay_config(settings, shop_id=shop_id, notify_url=url),
                           simulator_mini_config(settings))
        if len(_simulated) >= 256:
            _simulated.clear()
        _simulated[key] = found
    return found


@functools.lru_cache(maxsize=256)
def _real(secret_key: str, config_enc: str) -> ShopWechat:
    blob = _decrypt_blob(secret_key, config_enc)
    config = WechatPayConfig.from_dict(blob["pay"])
    mini = (WechatMiniConfig(appid=config.appid, secret=blob["mini_secret"])
            if blob.get("mini_secret") else None)
    return ShopWechat(config, mini)


_simulated: dict[tuple[str, int, str], ShopWechat] = {}
