"""``WechatPayConfig``: one shop's WeChat Pay merchant credentials, validated on creation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa

from runtime.errors import FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.wechat.pay import crypto

WECHATPAY_BASE_URLS = ("https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com")
"""The only hosts a real (non-simulator) configuration may talk to."""
SIMULATOR_PREFIX = "/_sim/wechatpay"

_MCHID = re.compile(r"^\d{6,32}$")
_APPID = re.compile(r"^wx[0-9a-zA-Z]{16}$")
_SERIAL = re.compile(r"^[0-9A-Fa-f]{8,64}$")


@dataclass(frozen=True)
class WechatPayConfig:
    """Merchant credentials for WeChat Pay API v3, per shop.

    WeChat's signatures are verified with WeChat Pay's public key (``public_key_id`` +
    ``public_key_pem``; the only mode for new merchants) and/or platform certificates
    (``platform_certificates``, PEMs; the serial comes from each certificate). ``simulator``
    marks the local simulator's configuration (see ``simulator_pay_config``); a real
    configuration must use WeChat's own hosts, so it can never reach a simulator.
    """

    mchid: str
    appid: str
    merchant_private_key_pem: str = field(repr=False)
    merchant_serial_no: str
    apiv3_key: str = field(repr=False)
    notify_url: str = ""
    public_key_id: str = ""
    public_key_pem: str = field(default="", repr=False)
    platform_certificates: tuple[str, ...] = field(default=(), repr=False)
    base_url: str = WECHATPAY_BASE_URLS[0]
    simulator: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.platform_certificates, list):
            object.__setattr__(self, "platform_certificates", tuple(self.platform_certificates))
        errors = list(self._errors())
        if errors:
            raise ValidationFailed(errors)

    def _errors(self):
        if not _MCHID.match(self.mchid or ""):
            yield FieldError("/mchid", "mchid is the merchant number: 6-32 digits")
        if not _APPID.match(self.appid or ""):
            yield FieldError("/appid", "appid is the mini-program's AppID: wx + 16 characters")
        try:
            crypto.load_private_key(self.merchant_private_key_pem)
        except ValueError as exc:
            yield FieldError("/merchant_private_key_pem", str(exc))
        if not _SERIAL.match(self.merchant_serial_no or ""):
            yield FieldError("/merchant_serial_no",
                             "the merchant API certificate serial number, in hex")
        if len((self.apiv3_key or "").encode()) != crypto.APIV3_KEY_LENGTH:
            yield FieldError("/apiv3_key",
                             f"the APIv3 key is exactly {crypto.APIV3_KEY_LENGTH} characters")
        if self.public_key_id or self.public_key_pem:
            if not self.public_key_id.startswith(crypto.PUBLIC_KEY_ID_PREFIX):
                yield FieldError("/public_key_id", f"the WeChat Pay public key id starts with "
                                                   f"{crypto.PUBLIC_KEY_ID_PREFIX}")
            try:
                crypto.load_public_key(self.public_key_pem)
            except ValueError as exc:
                yield FieldError("/public_key_pem", str(exc))
        for index, pem in enumerate(self.platform_certificates):
            try:
                crypto.load_certificate(pem)
            except ValueError as exc:
                yield FieldError(f"/platform_certificates/{index}", str(exc))
        if not self.public_key_id and not self.platform_certificates:
            yield FieldError("/public_key_id", "configure WeChat Pay's public key (PUB_KEY_ID_...) "
                                               "or at least one platform certificate")
        yield from self._url_errors()

    def _url_errors(self):
        if self.notify_url:
            parts = urlsplit(self.notify_url)
            schemes = {"http", "https"} if self.simulator else {"https"}
            if parts.scheme not in schemes or not parts.netloc:
                yield FieldError("/notify_url", "notify_url must be an absolute "
                                 + ("http(s)" if self.simulator else "https") + " URL")
            elif parts.query:
                yield FieldError("/notify_url", "WeChat Pay does not allow a query string in "
                                                "notify_url")
        if self.simulator:
            if not urlsplit(self.base_url).path.rstrip("/").endswith(SIMULATOR_PREFIX):
                yield FieldError("/base_url", f"a simulator configuration points at "
                                              f"{SIMULATOR_PREFIX}")
        elif self.base_url.rstrip("/") not in WECHATPAY_BASE_URLS:
            yield FieldError("/base_url", "a real configuration talks only to "
                                          + " or ".join(WECHATPAY_BASE_URLS))

    # --- derived ----------------------------------------------------------------------------

    @cached_property
    def merchant_private_key(self) -> rsa.RSAPrivateKey:
        return crypto.load_private_key(self.merchant_private_key_pem)

    @cached_property
    def wechatpay_keys(self) -> dict[str, rsa.RSAPublicKey]:
        """WeChat's verification keys by the serial ``Wechatpay-Serial`` would name."""
        keys: dict[str, rsa.RSAPublicKey] = {}
        if self.public_key_id:
            keys[self.public_key_id] = crypto.load_public_key(self.public_key_pem)
        for pem in self.platform_certificates:
            cert = crypto.load_certificate(pem)
            keys[crypto.certificate_serial(cert)] = crypto.certificate_public_key(cert)
        return keys

    @cached_property
    def verifier(self) -> crypto.WechatPayVerifier:
        return crypto.WechatPayVerifier(self.wechatpay_keys)

    # --- storage ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; holds secrets (private key, APIv3 key): store it encrypted or private."""
        return {"mchid": self.mchid, "appid": self.appid,
                "merchant_private_key_pem": self.merchant_private_key_pem,
                "merchant_serial_no": self.merchant_serial_no, "apiv3_key": self.apiv3_key,
                "notify_url": self.notify_url, "public_key_id": self.public_key_id,
                "public_key_pem": self.public_key_pem,
                "platform_certificates": list(self.platform_certificates),
                "base_url": self.base_url, "simulator": self.simulator}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WechatPayConfig:
        """Build from stored or submitted settings; field errors come back as one 422."""
        errors = FieldErrors()
        values: dict[str, Any] = {}
        for name in ("mchid", "appid", "merchant_private_key_pem", "merchant_serial_no",
                     "apiv3_key"):
            value = data.get(name)
            if not isinstance(value, str) or not value:
                errors.append(FieldError(f"/{name}", f"{name} is required", "required"))
            values[name] = value if isinstance(value, str) else ""
        for name in ("notify_url", "public_key_id", "public_key_pem", "base_url"):
            value = data.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors.append(FieldError(f"/{name}", f"{name} must be a string", "type"))
                continue
            if value:
                values[name] = value
        certs = data.get("platform_certificates") or []
        if not isinstance(certs, list) or not all(isinstance(c, str) for c in certs):
            errors.append(FieldError("/platform_certificates",
                                     "platform_certificates is a list of PEM strings", "type"))
            certs = []
        simulator = data.get("simulator", False)
        if not isinstance(simulator, bool):
            errors.append(FieldError("/simulator", "simulator must be true or false", "type"))
            simulator = False
        errors.raise_if_any()
        return cls(**values, platform_certificates=tuple(certs), simulator=simulator)
