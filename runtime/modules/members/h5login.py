"""H5 login by phone: a one-time code (6 digits, 10 minutes, 5 tries, one per minute).

Guessing is bounded per phone, whatever the client address: at most
``CODES_PER_PHONE_PER_HOUR`` codes and ``WRONG_CODES_PER_PHONE_PER_HOUR`` wrong guesses in any
hour (then 429 until the hour's first code ages out), i.e. about 10 in a million an hour.

Without an SMS provider the code can only be delivered in development: with the local
simulators on (the embedded demo and tests) it is written to the log; otherwise asking for
a code answers 503 ``sms_not_configured``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ServiceUnavailable, TooManyRequests, ValidationFailed
from runtime.modules.members.errors import MemberErrorCode
from runtime.modules.members.models import LoginCode
from runtime.modules.members.service import LoginResult, check_phone, login_by_phone
from runtime.redis_scripts import COUNT_IN_WINDOW

log = logging.getLogger("mallkit.members.h5login")

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
CODES_PER_IP_PER_HOUR = 10
CODES_PER_PHONE_PER_HOUR = 5
WRONG_CODES_PER_PHONE_PER_HOUR = 10
HOUR = timedelta(hours=1)
IP_KEY = "mallkit:{shop_id}:members:h5code:ip:{ip}"



def count_ip_request(connection: Any, shop_id: int, ip: str) -> None:
    """At most ``CODES_PER_IP_PER_HOUR`` code requests per client IP and shop: 429 beyond."""
    count, ttl = COUNT_IN_WINDOW(
        connection, keys=[IP_KEY.format(shop_id=shop_id, ip=(ip or "unknown")[:64])], args=[3600])
    if int(count) > CODES_PER_IP_PER_HOUR:
        raise TooManyRequests("too many login codes from this address; try again later",
                              retry_after=max(int(ttl), 1))


@dataclass(frozen=True)
class CodeSent:
    phone: str
    expires_in: int
    resend_in: int


def _hash(phone: str, code: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(session: Session, phone: str, *, secret: str, dev_delivery: bool) -> CodeSent:
    phone = check_phone(phone)
    if not dev_delivery:
        raise ServiceUnavailable("no SMS provider is configured for H5 login",
                                 code=MemberErrorCode.SMS_NOT_CONFIGURED.value)
    now = utcnow()
    last = session.scalar(select(LoginCode).where(LoginCode.phone == phone)
                          .order_by(LoginCode.id.desc()).limit(1))
    if last is not None and now - last.created_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
        raise TooManyRequests(f"a code was sent less than a minute ago; retry in {wait}s",
                              retry_after=wait)
    recent = _codes_of_the_hour(session, phone, now)
    if len(recent) >= CODES_PER_PHONE_PER_HOUR:
        raise _hour_limit(recent, now, "too many login codes for this phone")
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(LoginCode(phone=phone, code_hash=_hash(phone, code, secret),
                          expires_at=now + CODE_TTL))
    session.flush()
    log.warning("H5 login code for %s: %s (development delivery; valid %d minutes)",
                phone, code, CODE_TTL.seconds // 60)
    return CodeSent(phone, int(CODE_TTL.total_seconds()), int(RESEND_AFTER.total_seconds()))


def verify_code(session: Session, phone: str, code: str, *, secret: str) -> LoginResult:
    """Log in with the latest code sent to ``phone``; wrong codes count against it."""
    phone = check_phone(phone)
    if not isinstance(code, str) or not code.isdigit() or len(code) != 6:
        raise ValidationFailed.single("/code", "the 6-digit code", "pattern")
    now = utcnow()
    record = session.scalar(select(LoginCode).where(LoginCode.phone == phone)
                            .order_by(LoginCode.id.desc()).limit(1).with_for_update())
    invalid = ValidationFailed.single("/code", "wrong or expired code",
                                      MemberErrorCode.LOGIN_CODE_INVALID.value)
    recent = _codes_of_the_hour(session, phone, now)
    if sum(c.attempts for c in recent) >= WRONG_CODES_PER_PHONE_PER_HOUR:
        raise _hour_limit(recent, now, "too many wrong codes for this phone")
    if record is None or record.used_at is not None or record.expires_at <= now \
            or record.attempts >= MAX_ATTEMPTS:
        raise invalid
    if not hmac.compare_digest(record.code_hash, _hash(phone, code, secret)):
        record.attempts += 1
        session.commit()
        raise invalid
    record.used_at = now
    return login_by_phone(session, phone)


def _codes_of_the_hour(session: Session, phone: str, now: Any) -> list[LoginCode]:
    return list(session.scalars(select(LoginCode).where(
        LoginCode.phone == phone, LoginCode.created_at > now - HOUR)
        .order_by(LoginCode.created_at)))


def _hour_limit(recent: list[LoginCode], now: Any, message: str) -> TooManyRequests:
    wait = int((recent[0].created_at + HOUR - now).total_seconds()) + 1
    return TooManyRequests(f"{message}; try again later", retry_after=max(wait, 1))
