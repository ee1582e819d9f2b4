"""Which WeChat Pay merchant a shop talks to, and the client for it.

A shop with its own :class:`WechatPayAccount` always uses it: real credentials, WeChat's
real hosts, never the simulator (while the account is switched off, WeChat Pay is simply not
available); the AppID it charges for is the shop's mini-program (``runtime.wechat.apps``).
Without an account, the local simulator stands in, but only while
``settings.simulators_enabled`` (switched on explicitly: the demo and the tests); otherwise
WeChat Pay is not available for the shop (503 ``wechatpay_not_configured``).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime import credentials, extension
from runtime.clock import utcnow
from runtime.errors import Conflict, FieldError, MallkitError, ServiceUnavailable, ValidationFailed
from runtime.modules.payments.errors import PaymentErrorCode
from runtime.modules.payments.models import WechatPayAccount
from runtime.wechat import apps, keys, pay_client, transport_for
from runtime.wechat.errors import UnknownSerial
from runtime.wechat.pay import certificates, crypto, probe
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.config import WECHATPAY_BASE_URLS, WechatPayConfig
from runtime.wechat.pay.objects import Notification
from runtime.wechat.pay.simulator import simulator_pay_config
from runtime.wechat.simkeys import KeyMode

NOTIFY_PATH = "/api/v1/payments/wechatpay/notify/{shop}"
SIMULATOR_NOTIFY_BASE = "http://127.0.0.1:5000"
PURPOSE = "wechatpay-account"
credentials.register_sealed(WechatPayAccount, "config_enc", PURPOSE)
REFRESH_ON_UNKNOWN_SERIAL = 600  # seconds
log = logging.getLogger(__name__)


def _app_settings() -> Any:
    return extension.state().settings


def notify_url(base_url: str, shop_slug: str) -> str:
    return base_url.rstrip("/") + NOTIFY_PATH.format(shop=shop_slug)


@dataclass(frozen=True)
class ShopWechat:
    """The shop's WeChat Pay configuration, and whether it is the simulator's."""

    config: WechatPayConfig

    @property
    def simulator(self) -> bool:
        return self.config.simulator

    def pay_client(self) -> WechatPayClient:
        return pay_client(self.config, extension.current())


def get_account(session: Session) -> WechatPayAccount | None:
    return session.scalar(select(WechatPayAccount))


def save_account(session: Session, data: Mapping[str, Any], shop_slug: str) -> WechatPayAccount:
    """Store the shop's real merchant credentials (validated by ``WechatPayConfig``); the
    AppID is the shop's mini-program's, which must be set first. In platform-certificate
    mode the certificates are downloaded from WeChat Pay with these very credentials."""
    errors = []
    if not isinstance(data.get("notify_base_url"), str) or \
            not data["notify_base_url"].startswith("https://"):
        errors.append(FieldError("/notify_base_url", "the shop's public https base URL, where "
                                                     "WeChat Pay sends notifications"))
    appid = apps.shop_appid(session)
    if appid is None:
        errors.append(FieldError("/appid", "set the mini-program's AppID first (Settings > "
                                           "WeChat mini-program)", "wechat_app_missing"))
    key_mode = data.get("key_mode") or KeyMode.PUBLIC_KEY.value
    if not isinstance(key_mode, str) or key_mode not in set(KeyMode):
        errors.append(FieldError("/key_mode", "public_key or platform_certificate"))
    if errors:
        raise ValidationFailed(errors)
    fields = {k: v for k, v in data.items() if k not in ("notify_base_url", "simulator",
                                                          "base_url", "appid", "key_mode",
                                                          "platform_certificates")}
    fields.update(notify_url=notify_url(data["notify_base_url"], shop_slug), appid=appid)
    if key_mode == KeyMode.PLATFORM_CERTIFICATE:
        fields.update(public_key_id="", public_key_pem="",
                      platform_certificates=_certificates_for(session, fields))
    config = WechatPayConfig.from_dict(fields)
    account = get_account(session)
    if account is None:
        account = WechatPayAccount(mchid=config.mchid, config_enc="")
        session.add(account)
    _store(account, config)
    account.enabled = True
    session.flush()
    return account


def _store(account: WechatPayAccount, config: WechatPayConfig) -> None:
    pay = config.to_dict()
    del pay["appid"]
    account.mchid = config.mchid
    account.config_enc = credentials.seal(_app_settings().credential_keys, PURPOSE, {"pay": pay})


def _certificates_for(session: Session, fields: dict[str, Any]) -> list[str]:
    """Platform certificates for a config being saved: those already kept for this merchant
    plus a fresh download signed with the submitted credentials (422 naming
    ``/platform_certificates`` with the reason when WeChat Pay says no)."""
    try:
        WechatPayConfig.from_dict({**fields, "public_key_id": "", "platform_certificates": []})
    except ValidationFailed as error:
        others = [e for e in error.errors if e.pointer != "/public_key_id"]
        if others:
            raise ValidationFailed(others) from None
    account = get_account(session)
    kept: list[certificates.PlatformCertificate] = []
    if account is not None and account.mchid == fields["mchid"]:
        try:
            stored = _decrypt_blob(_app_settings().credential_keys, account.config_enc)["pay"]
        except ServiceUnavailable:  # sealed with another secret key: start afresh
            stored = {}
        kept = [certificates.PlatformCertificate.from_pem(p)
                for p in stored.get("platform_certificates", [])]
    signer = certificates.MerchantSigner(
        fields["mchid"], fields["merchant_serial_no"],
        crypto.load_private_key(fields["merchant_private_key_pem"]), WECHATPAY_BASE_URLS[0])
    try:
        downloaded = certificates.download(transport_for(extension.current(), simulator=False),
                                           signer, fields["apiv3_key"],
                                           {c.serial_no: c.public_key for c in kept})
    except MallkitError as error:
        result = probe.explain(error)
        raise ValidationFailed([FieldError("/platform_certificates", result.detail,
                                           result.outcome.value)]) from None
    return [c.pem for c in certificates.keep(kept, downloaded, utcnow())]


def refresh_certificates(session: Session, shop_id: int,
                         shop_slug: str) -> list[certificates.PlatformCertificate]:
    """Download WeChat Pay's platform certificates again and keep them with the unexpired
    old ones (rotation). Only for an enabled account in platform-certificate mode."""
    account = get_account(session)
    if account is None or not account.enabled:
        raise Conflict("the shop has no WeChat Pay account of its own",
                       code=PaymentErrorCode.WECHATPAY_NOT_CONFIGURED.value)
    config = shop_wechat(session, shop_id, shop_slug).config
    if config.public_key_id:
        raise Conflict("this account verifies WeChat Pay with its public key; it keeps no "
                       "platform certificates", code="wechatpay_public_key_mode")
    client = pay_client(config, extension.current())
    downloaded = certificates.download(client.transport, config, config.apiv3_key,
                                       config.wechatpay_keys)
    kept = certificates.keep(_platform_certificates(config), downloaded, utcnow())
    _store(account, dataclasses.replace(config, platform_certificates=tuple(c.pem for c in kept)))
    session.flush()
    return kept


def _platform_certificates(config: WechatPayConfig) -> list[certificates.PlatformCertificate]:
    return [certificates.PlatformCertificate.from_pem(p) for p in config.platform_certificates]


def parse_notification(session: Session, shop_id: int, shop_slug: str, headers: Any,
                       body: bytes) -> Notification:
    """Verify and decrypt a notification for the shop. In platform-certificate mode an
    unknown ``Wechatpay-Serial`` (WeChat signing with a successor not yet downloaded) makes
    one certificate download first, at most every :data:`REFRESH_ON_UNKNOWN_SERIAL` per shop
    so forged serials cannot make it call WeChat Pay over and over."""
    config = shop_wechat(session, shop_id, shop_slug).config
    try:
        return pay_client(config, extension.current()).parse_notification(headers, body)
    except UnknownSerial:
        redis = extension.state().redis
        if config.simulator or config.public_key_id or not redis.set(
                keys.certificate_refresh_gate(shop_id), "1", nx=True,
                ex=REFRESH_ON_UNKNOWN_SERIAL):
            raise
        try:
            refresh_certificates(session, shop_id, shop_slug)
        except MallkitError as exc:
            log.warning("certificate download for shop %s after an unknown serial failed: %s",
                        shop_id, exc.detail)
            raise UnknownSerial("Wechatpay-Serial is unknown, and downloading the platform "
                                "certificates did not help") from exc
    config = shop_wechat(session, shop_id, shop_slug).config
    return pay_client(config, extension.current()).parse_notification(headers, body)


def check_credentials(session: Session, shop_id: int, shop_slug: str) -> probe.ProbeResult:
    """"Test these credentials": a harmless query (and, in platform-certificate mode, a
    certificate download, which also proves the APIv3 key)."""
    try:
        config = shop_wechat(session, shop_id, shop_slug).config
    except ServiceUnavailable as error:
        return probe.ProbeResult(probe.Outcome.NOT_CONFIGURED, detail=error.detail)
    client = pay_client(config, extension.current())
    result = probe.probe(client)
    if result.ok and not config.public_key_id:
        try:
            certificates.download(client.transport, config, config.apiv3_key,
                                  config.wechatpay_keys)
        except MallkitError as error:
            return probe.explain(error)
    return result


def account_status(session: Session, shop_id: int, shop_slug: str) -> dict[str, Any]:
    """What the WeChat Pay screen shows: merchant, AppID, key mode, certificates (newest
    first, the current one marked) and the expiry warning. Never a secret."""
    account = get_account(session)
    status: dict[str, Any] = {
        "configured": account is not None and account.enabled,
        "mchid": account.mchid if account else None, "appid": apps.shop_appid(session),
        "key_mode": None, "certificates": [], "certificate_warning": None,
        "simulator_stands_in": _app_settings().simulators_enabled and account is None}
    if not status["configured"] or status["appid"] is None:
        return status
    try:
        config = shop_wechat(session, shop_id, shop_slug).config
    except ServiceUnavailable as error:
        return {**status, "unreadable": error.detail}
    now = utcnow()
    if config.public_key_id:
        status.update(key_mode=KeyMode.PUBLIC_KEY.value, public_key_id=config.public_key_id)
        return status
    kept = _platform_certificates(config)
    newest = certificates.current(kept, now)
    status.update(key_mode=KeyMode.PLATFORM_CERTIFICATE.value,
                  certificate_warning=certificates.expiry_warning(kept, now),
                  certificates=[{"serial_no": c.serial_no,
                                 "effective_at": c.effective_at.isoformat(),
                                 "expires_at": c.expires_at.isoformat(),
                                 "current": c == newest, "in_force": c.valid_at(now)}
                                for c in kept])
    return status


def _decrypt_blob(keys: credentials.Keys, config_enc: str) -> dict[str, Any]:
    try:
        return credentials.unseal(keys, PURPOSE, config_enc)
    except credentials.CredentialsUnreadable:
        raise ServiceUnavailable("the stored WeChat Pay credentials cannot be read with this "
                                 "secret key", code=PaymentErrorCode.WECHATPAY_NOT_CONFIGURED
                                 .value) from None


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
        appid = apps.shop_appid(session)
        if appid is None:
            raise ServiceUnavailable("WeChat Pay needs the shop's mini-program AppID",
                                     code=PaymentErrorCode.WECHATPAY_NOT_CONFIGURED.value)
        return _real(settings.credential_keys, account.config_enc, appid)
    if account is not None or not settings.simulators_enabled:
        raise ServiceUnavailable("WeChat Pay is not configured for this shop",
                                 code=PaymentErrorCode.WECHATPAY_NOT_CONFIGURED.value)
    url = notify_url(base_url or SIMULATOR_NOTIFY_BASE, shop_slug)
    key = (str(settings.data_dir), shop_id, url)
    found = _simulated.get(key)
    if found is None:
        found = ShopWechat(simulator_pay_config(settings, shop_id=shop_id, notify_url=url))
        if len(_simulated) >= 256:
            _simulated.clear()
        _simulated[key] = found
    return found


@functools.lru_cache(maxsize=256)
def _real(keys: tuple[str, ...], config_enc: str, appid: str) -> ShopWechat:
    blob = _decrypt_blob(keys, config_enc)
    return ShopWechat(WechatPayConfig.from_dict({**blob["pay"], "appid": appid}))


_simulated: dict[tuple[str, int, str], ShopWechat] = {}
