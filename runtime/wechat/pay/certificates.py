"""WeChat Pay platform certificates (平台证书): download, check, keep, rotate.

``GET /v3/certificates`` lists WeChat's platform certificates, each encrypted with the
merchant's APIv3 key (AEAD_AES_256_GCM, associated data ``certificate``); the answer itself
is signed by one of them. Only WeChat and the merchant know the APIv3 key, so a certificate
that decrypts is WeChat's; the answer's signature is then verified with the keys already
trusted plus the ones just decrypted (the first download has no other). WeChat issues a new
certificate before the old one expires and signs with either during the change-over, so a
merchant keeps every certificate until it expires and calls the newest valid one current.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from runtime.wechat.errors import NotificationError, ResponseVerificationFailed, WechatPayApiError
from runtime.wechat.pay import crypto
from runtime.wechat.pay.client import api_error, send_signed
from runtime.wechat.transport import Transport, lower_headers

CERTIFICATES_PATH = "/v3/certificates"
ASSOCIATED_DATA = "certificate"
EXPIRY_WARNING = timedelta(days=30)
"""Warn the merchant when the current certificate expires within this."""


@dataclass(frozen=True)
class PlatformCertificate:
    """One platform certificate: its serial (``Wechatpay-Serial``), validity and PEM."""

    serial_no: str
    effective_at: datetime
    expires_at: datetime
    pem: str

    @classmethod
    def from_pem(cls, pem: str) -> PlatformCertificate:
        cert = crypto.load_certificate(pem)
        crypto.certificate_public_key(cert)  # an RSA key, or ValueError
        return cls(crypto.certificate_serial(cert), cert.not_valid_before_utc,
                   cert.not_valid_after_utc, pem)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return crypto.certificate_public_key(crypto.load_certificate(self.pem))

    def valid_at(self, now: datetime) -> bool:
        return self.effective_at <= now < self.expires_at


@dataclass(frozen=True)
class MerchantSigner:
    """What signs a request: enough to download certificates before any is trusted."""

    mchid: str
    merchant_serial_no: str
    merchant_private_key: rsa.RSAPrivateKey
    base_url: str


def _malformed(detail: str) -> WechatPayApiError:
    return WechatPayApiError(detail, http_status=200, wechat_code="MALFORMED_RESPONSE")


def decrypt_certificates(body: bytes, apiv3_key: str) -> list[PlatformCertificate]:
    """The certificates of a ``/v3/certificates`` answer, each decrypted and checked against
    the serial WeChat lists it under. A wrong APIv3 key raises ``DecryptError``."""
    try:
        answer = json.loads(body)
    except ValueError:
        raise _malformed("the certificate list is not JSON") from None
    items = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(items, list) or not items:
        raise _malformed("the certificate list is empty")
    found = []
    for item in items:
        resource = item.get("encrypt_certificate") if isinstance(item, dict) else None
        if not isinstance(resource, dict) or resource.get("associated_data") != ASSOCIATED_DATA:
            raise _malformed("a certificate entry has no encrypt_certificate")
        pem = crypto.decrypt_resource(apiv3_key, resource).decode()
        try:
            cert = PlatformCertificate.from_pem(pem)
        except ValueError as exc:
            raise _malformed(f"a decrypted certificate does not load: {exc}") from None
        if str(item.get("serial_no", "")).upper() != cert.serial_no:
            raise _malformed(f"certificate {cert.serial_no} is listed as {item.get('serial_no')}")
        found.append(cert)
    return found


def download(transport: Transport, merchant: Any, apiv3_key: str,
             trusted: Mapping[str, rsa.RSAPublicKey]) -> list[PlatformCertificate]:
    """``GET /v3/certificates`` as ``merchant``: the certificates, after the answer's
    signature verified with ``trusted`` plus the certificates themselves."""
    response = send_signed(transport, merchant, "GET", CERTIFICATES_PATH)
    if not response.ok:
        raise api_error(response)
    certificates = decrypt_certificates(response.body, apiv3_key)
    keys = {**trusted, **{c.serial_no: c.public_key for c in certificates}}
    try:
        crypto.WechatPayVerifier(keys).verify(lower_headers(response.headers), response.body)
    except NotificationError as exc:
        raise ResponseVerificationFailed(f"GET {CERTIFICATES_PATH}: {exc.detail}") from exc
    return certificates


def keep(kept: Iterable[PlatformCertificate], downloaded: Iterable[PlatformCertificate],
         now: datetime) -> list[PlatformCertificate]:
    """Old and new together, one per serial, expired ones dropped, newest first."""
    by_serial = {c.serial_no: c for c in (*kept, *downloaded) if c.expires_at > now}
    return sorted(by_serial.values(), key=lambda c: (c.effective_at, c.serial_no), reverse=True)


def current(certificates: Iterable[PlatformCertificate],
            now: datetime) -> PlatformCertificate | None:
    """The newest certificate in force now."""
    valid = [c for c in certificates if c.valid_at(now)]
    return max(valid, key=lambda c: (c.effective_at, c.serial_no), default=None)


def expiry_warning(certificates: Iterable[PlatformCertificate],
                   now: datetime) -> dict[str, Any] | None:
    """``{"kind": "none_valid"}`` or ``{"kind": "expiring", "serial_no", "days"}`` when the
    current certificate expires within :data:`EXPIRY_WARNING`, else None."""
    newest = current(certificates, now)
    if newest is None:
        return {"kind": "none_valid"}
    left = newest.expires_at - now
    if left > EXPIRY_WARNING:
        return None
    return {"kind": "expiring", "serial_no": newest.serial_no, "days": max(left.days, 0),
            "expires_at": newest.expires_at.astimezone(UTC).isoformat()}
