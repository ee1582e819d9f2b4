"""WeChat Pay API v3 cryptography with ``cryptography``: signatures, verification, AEAD.

* Requests are signed by the merchant (RSA-SHA256, PKCS#1 v1.5) over
  ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`` and sent as the ``Authorization`` header.
* ``wx.requestPayment`` parameters are signed over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``.
* Responses and notifications are signed by WeChat over ``TIMESTAMP\\nNONCE\\nBODY\\n`` with the
  key that ``Wechatpay-Serial`` names: WeChat Pay's public key (``PUB_KEY_ID_...``) or a
  platform certificate (its serial number in upper-case hex).
* Notification resources are AEAD_AES_256_GCM encrypted with the merchant's APIv3 key.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from runtime.clock import utcnow
from runtime.wechat.errors import (
    DecryptError,
    InvalidSignature,
    MalformedNotification,
    SignatureProbe,
    StaleTimestamp,
    UnknownSerial,
)

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
SIGNATURE_PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_"
AEAD_ALGORITHM = "AEAD_AES_256_GCM"
MAX_CLOCK_SKEW_SECONDS = 5 * 60
APIV3_KEY_LENGTH = 32

HEADER_TIMESTAMP = "wechatpay-timestamp"
HEADER_NONCE = "wechatpay-nonce"
HEADER_SIGNATURE = "wechatpay-signature"
HEADER_SERIAL = "wechatpay-serial"

_AUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')


# --- keys ------------------------------------------------------------------------------------


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#8 as WeChat issues ``apiclient_key.pem``, or PKCS#1)."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("WeChat Pay needs an RSA private key")
    return key


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """An RSA public key from PEM (``pub_key.pem`` of the WeChat Pay public-key mode)."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM public key: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("WeChat Pay needs an RSA public key")
    return key


def load_certificate(pem: str | bytes) -> x509.Certificate:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise ValueError(f"not a PEM certificate: {exc}") from None


def certificate_serial(cert: x509.Certificate) -> str:
    """The serial as WeChat writes it: upper-case hex without separators."""
    return format(cert.serial_number, "X")


def certificate_public_key(cert: x509.Certificate) -> rsa.RSAPublicKey:
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("WeChat Pay certificates carry RSA keys")
    return key


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_key_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


# --- signing ---------------------------------------------------------------------------------


def new_nonce() -> str:
    """32 random characters, as the WeChat SDKs use for ``nonce_str``."""
    return secrets.token_hex(16).upper()


def sign(private_key: rsa.RSAPrivateKey, message: bytes | str) -> str:
    """Base64 RSA-SHA256 (PKCS#1 v1.5) signature of ``message``."""
    data = message.encode() if isinstance(message, str) else message
    return base64.b64encode(private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key: rsa.RSAPublicKey, message: bytes | str, signature: str) -> bool:
    data = message.encode() if isinstance(message, str) else message
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, _CryptoInvalidSignature):
        return False
    return True


def request_message(method: str, url: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What a request signature covers; ``url`` is the path with its query, no host."""
    return f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"


def response_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What a response or notification signature covers."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


@dataclass(frozen=True)
class Authorization:
    """The parameters of an ``Authorization: WECHATPAY2-SHA256-RSA2048 ...`` header."""

    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str

    def header(self) -> str:
        return (f'{AUTH_SCHEMA} mchid="{self.mchid}",nonce_str="{self.nonce_str}",'
                f'signature="{self.signature}",timestamp="{self.timestamp}",'
                f'serial_no="{self.serial_no}"')

    @classmethod
    def parse(cls, header: str) -> Authorization:
        schema, _, params = header.strip().partition(" ")
        if schema != AUTH_SCHEMA:
            raise InvalidSignature(f"Authorization schema must be {AUTH_SCHEMA}")
        values = dict(_AUTH_PARAM.findall(params))
        missing = [k for k in ("mchid", "nonce_str", "signature", "timestamp", "serial_no")
                   if not values.get(k)]
        if missing:
            raise InvalidSignature(f"Authorization lacks {', '.join(missing)}")
        return cls(values["mchid"], values["nonce_str"], values["signature"],
                   values["timestamp"], values["serial_no"])


def build_authorization(*, mchid: str, serial_no: str, private_key: rsa.RSAPrivateKey,
                        method: str, url: str, body: bytes, timestamp: int | None = None,
                        nonce: str | None = None) -> Authorization:
    """Sign a request to WeChat Pay as the merchant ``mchid`` with its certificate ``serial_no``."""
    ts = str(timestamp if timestamp is not None else int(utcnow().timestamp()))
    nonce = nonce or new_nonce()
    signature = sign(private_key, request_message(method, url, ts, nonce, body))
    return Authorization(mchid, nonce, signature, ts, serial_no)


def verify_authorization(auth: Authorization, public_key: rsa.RSAPublicKey, *, method: str,
                         url: str, body: bytes, now: datetime | None = None) -> None:
    """Check a merchant's request signature (what WeChat Pay, or our simulator, does)."""
    check_timestamp(auth.timestamp, now)
    if not verify(public_key, request_message(method, url, auth.timestamp, auth.nonce_str, body),
                  auth.signature):
        raise InvalidSignature("request signature does not verify")


def jsapi_message(app_id: str, time_stamp: str, nonce_str: str, package: str) -> str:
    return f"{app_id}\n{time_stamp}\n{nonce_str}\n{package}\n"


def sign_jsapi(private_key: rsa.RSAPrivateKey, *, app_id: str, time_stamp: str,
               nonce_str: str, package: str) -> str:
    """``paySign`` for ``wx.requestPayment`` (``signType: RSA``)."""
    return sign(private_key, jsapi_message(app_id, time_stamp, nonce_str, package))


def verify_jsapi(public_key: rsa.RSAPublicKey, params: Mapping[str, Any]) -> bool:
    """Does ``params`` (as given to ``wx.requestPayment``) carry a valid ``paySign``?"""
    try:
        message = jsapi_message(str(params["appId"]), str(params["timeStamp"]),
                                str(params["nonceStr"]), str(params["package"]))
    except KeyError:
        return False
    return params.get("signType") == "RSA" and verify(public_key, message,
                                                      str(params.get("paySign", "")))


# --- verification of what WeChat signs --------------------------------------------------------


def check_timestamp(timestamp: str, now: datetime | None = None) -> int:
    """The timestamp as an int; :class:`StaleTimestamp` if more than 5 minutes from ``now``."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        raise InvalidSignature(f"timestamp {timestamp!r} is not an integer") from None
    current = int((now or utcnow()).timestamp())
    if abs(current - value) > MAX_CLOCK_SKEW_SECONDS:
        raise StaleTimestamp(f"timestamp {value} is {current - value} s from now; "
                             f"more than {MAX_CLOCK_SKEW_SECONDS} s is rejected")
    return value


def is_signature_probe(signature: str) -> bool:
    return signature.startswith(SIGNATURE_PROBE_PREFIX)


class WechatPayVerifier:
    """Verifies WeChat's signatures with the key the ``Wechatpay-Serial`` header names.

    ``keys`` maps a serial to an RSA public key: the ``PUB_KEY_ID_...`` of WeChat Pay's public
    key and/or the serials of platform certificates (both may be present while migrating).
    """

    def __init__(self, keys: Mapping[str, rsa.RSAPublicKey]) -> None:
        if not keys:
            raise ValueError("a verifier needs at least one WeChat Pay key")
        self.keys = dict(keys)

    def verify(self, headers: Mapping[str, str], body: bytes, *,
               now: datetime | None = None) -> str:
        """Raise unless ``body`` is signed by a known WeChat key; returns the serial used.

        ``headers`` must be keyed by lower-case name.
        """
        missing = [h for h in (HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE, HEADER_SERIAL)
                   if not headers.get(h)]
        if missing:
            raise InvalidSignature(f"missing header(s): {', '.join(missing)}")
        signature = headers[HEADER_SIGNATURE]
        if is_signature_probe(signature):
            raise SignatureProbe("signature probe: answered as a failed verification")
        serial = headers[HEADER_SERIAL]
        key = self.keys.get(serial)
        if key is None:
            raise UnknownSerial(f"Wechatpay-Serial {serial!r} is not a configured WeChat Pay "
                                f"public key id or platform certificate serial")
        timestamp = headers[HEADER_TIMESTAMP]
        check_timestamp(timestamp, now)
        if not verify(key, response_message(timestamp, headers[HEADER_NONCE], body), signature):
            raise InvalidSignature("Wechatpay-Signature does not verify")
        return serial


def sign_response_headers(private_key: rsa.RSAPrivateKey, serial: str, body: bytes, *,
                          timestamp: int | None = None, nonce: str | None = None,
                          ) -> dict[str, str]:
    """The ``Wechatpay-*`` headers WeChat puts on a response or notification (simulator side)."""
    ts = str(timestamp if timestamp is not None else int(utcnow().timestamp()))
    nonce = nonce or new_nonce()
    return {
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": sign(private_key, response_message(ts, nonce, body)),
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": AUTH_SCHEMA,
    }


# --- AEAD_AES_256_GCM ------------------------------------------------------------------------


def _apiv3_key(key: str | bytes) -> bytes:
    raw = key.encode() if isinstance(key, str) else key
    if len(raw) != APIV3_KEY_LENGTH:
        raise ValueError(f"the APIv3 key must be {APIV3_KEY_LENGTH} bytes, got {len(raw)}")
    return raw


def decrypt_resource(apiv3_key: str | bytes, resource: Mapping[str, Any]) -> bytes:
    """Plaintext of a notification ``resource`` (``ciphertext``, ``nonce``, ``associated_data``)."""
    algorithm = resource.get("algorithm")
    if algorithm != AEAD_ALGORITHM:
        raise MalformedNotification(f"resource.algorithm must be {AEAD_ALGORITHM}, "
                                    f"got {algorithm!r}")
    ciphertext, nonce = resource.get("ciphertext"), resource.get("nonce")
    associated = resource.get("associated_data") or ""
    if not isinstance(ciphertext, str) or not isinstance(nonce, str) \
            or not isinstance(associated, str):
        raise MalformedNotification("resource needs string ciphertext, nonce, associated_data")
    return aead_decrypt(apiv3_key, nonce=nonce, ciphertext=ciphertext,
                        associated_data=associated)


def aead_decrypt(apiv3_key: str | bytes, *, nonce: str, ciphertext: str,
                 associated_data: str) -> bytes:
    try:
        data = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("ciphertext is not base64") from None
    try:
        return AESGCM(_apiv3_key(apiv3_key)).decrypt(
            nonce.encode(), data, associated_data.encode() or None)
    except (InvalidTag, ValueError):
        raise DecryptError("AEAD_AES_256_GCM authentication failed: wrong APIv3 key, or the "
                           "resource was altered") from None


def aead_encrypt(apiv3_key: str | bytes, plaintext: bytes, *, associated_data: str,
                 nonce: str | None = None) -> dict[str, str]:
    """Encrypt like WeChat does for a notification resource (simulator side)."""
    nonce = nonce or secrets.token_hex(6)
    ciphertext = AESGCM(_apiv3_key(apiv3_key)).encrypt(nonce.encode(), plaintext,
                                                       associated_data.encode() or None)
    return {"algorithm": AEAD_ALGORITHM, "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data, "nonce": nonce}
