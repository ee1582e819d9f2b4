"""The local simulators' own key material, generated once under ``DATA_DIR/wxsim``.

The WeChat Pay simulator gives every shop a merchant number of its own (:func:`sim_mchid`),
whose last digit picks the verification mode WeChat uses towards it: ``1`` answers and notifies
signed with WeChat Pay's public key (``PUB_KEY_ID_...``), ``2`` with a platform certificate.
All sim merchants share the simulator's merchant key pair and APIv3 key. The mini-program
simulator has one AppID and secret.
"""

from __future__ import annotations

import enum
import fcntl
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from runtime.clock import utcnow
from runtime.settings import Settings
from runtime.wechat.errors import SimulatorDisabled
from runtime.wechat.pay import crypto

SIM_MCHID = re.compile(r"^19\d{7,20}[12]$")
MATERIAL_VERSION = 1


class KeyMode(enum.StrEnum):
    """How WeChat signs towards a merchant: its public key, or a platform certificate."""

    PUBLIC_KEY = "public_key"
    PLATFORM_CERTIFICATE = "platform_certificate"


def sim_mchid(shop_id: int, mode: KeyMode | str = KeyMode.PUBLIC_KEY) -> str:
    """The simulated merchant number of a shop (``19`` + shop id + mode digit)."""
    if not isinstance(shop_id, int) or shop_id < 0:
        raise ValueError("shop_id must be a non-negative integer")
    return f"19{shop_id:07d}{1 if KeyMode(mode) is KeyMode.PUBLIC_KEY else 2}"


def is_sim_mchid(mchid: str) -> bool:
    return bool(SIM_MCHID.match(mchid or ""))


def sim_key_mode(mchid: str) -> KeyMode:
    return KeyMode.PUBLIC_KEY if mchid.endswith("1") else KeyMode.PLATFORM_CERTIFICATE

_cache: dict[Path, SimulatorMaterial] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class SimulatorMaterial:
    """Keys, certificates and identities of the simulated WeChat side and its sim merchant."""

    appid: str
    mini_secret: str = field(repr=False)
    apiv3_key: str = field(repr=False)
    merchant_key_pem: str = field(repr=False)
    merchant_cert_pem: str
    merchant_serial: str
    public_key_id: str
    wechatpay_key_pem: str = field(repr=False)
    public_key_pem: str
    platform_key_pem: str = field(repr=False)
    platform_cert_pem: str
    platform_serial: str

    @cached_property
    def merchant_key(self) -> rsa.RSAPrivateKey:
        return crypto.load_private_key(self.merchant_key_pem)

    @cached_property
    def merchant_public_key(self) -> rsa.RSAPublicKey:
        return crypto.certificate_public_key(crypto.load_certificate(self.merchant_cert_pem))

    @cached_property
    def wechatpay_key(self) -> rsa.RSAPrivateKey:
        return crypto.load_private_key(self.wechatpay_key_pem)

    @cached_property
    def platform_key(self) -> rsa.RSAPrivateKey:
        return crypto.load_private_key(self.platform_key_pem)


def simulator_material(settings: Settings) -> SimulatorMaterial:
    """Load (or generate once, across processes) the material under ``DATA_DIR/wxsim``."""
    if not settings.simulators_enabled:
        raise SimulatorDisabled("WeChat simulators are off (MALLKIT_SIMULATORS)")
    directory = (settings.data_dir / "wxsim").resolve()
    with _cache_lock:
        material = _cache.get(directory)
        if material is None:
            material = _cache[directory] = _load_or_generate(directory)
        return material


def _load_or_generate(directory: Path) -> SimulatorMaterial:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "material.json"
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            data = json.loads(path.read_text())
            if data.get("version") == MATERIAL_VERSION:
                data.pop("version")
                return SimulatorMaterial(**data)
        material = _generate()
        tmp = directory / "material.json.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"version": MATERIAL_VERSION, **asdict(material)}, out, indent=1)
        os.replace(tmp, path)
        return material


def self_signed(key: rsa.RSAPrivateKey, common_name: str, organization: str, *,
                not_before: datetime | None = None,
                not_after: datetime | None = None) -> x509.Certificate:
    """A self-signed certificate (valid from yesterday for ten years unless told)."""
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = utcnow()
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=3650))
            .sign(key, hashes.SHA256()))


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _generate() -> SimulatorMaterial:
    merchant_key, wechatpay_key, platform_key = new_key(), new_key(), new_key()
    merchant_cert = self_signed(merchant_key, "mallkit simulated merchant",
                                 "mallkit simulated merchant")
    platform_cert = self_signed(platform_key, "mallkit WeChat Pay simulator platform",
                                 "mallkit WeChat Pay simulator")
    public_key_id = (f"{crypto.PUBLIC_KEY_ID_PREFIX}01"
                     f"{utcnow():%Y%m%d}{secrets.randbelow(10**20):020d}")
    return SimulatorMaterial(
        appid="wx" + secrets.token_hex(8),
        mini_secret=secrets.token_hex(16),
        apiv3_key=secrets.token_urlsafe(24)[:32],
        merchant_key_pem=crypto.private_key_pem(merchant_key),
        merchant_cert_pem=crypto.certificate_pem(merchant_cert),
        merchant_serial=crypto.certificate_serial(merchant_cert),
        public_key_id=public_key_id,
        wechatpay_key_pem=crypto.private_key_pem(wechatpay_key),
        public_key_pem=crypto.public_key_pem(wechatpay_key.public_key()),
        platform_key_pem=crypto.private_key_pem(platform_key),
        platform_cert_pem=crypto.certificate_pem(platform_cert),
        platform_serial=crypto.certificate_serial(platform_cert),
    )
