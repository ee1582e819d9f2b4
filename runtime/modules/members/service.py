"""Members: finding or creating them at login, their profile and phone, and the purchase
stats the orders module feeds (see :mod:`runtime.modules.members.purchases`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.members import locks
from runtime.modules.members.errors import MemberBlocked, MemberNotFound, PhoneInUse
from runtime.modules.members.models import Gender, Member, MemberSource, MemberStatus

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
NICKNAME_MAX = 64
AVATAR_RE = re.compile(r"^https://[^\s\"'<>]{1,490}$")


@dataclass(frozen=True)
class LoginResult:
    member: Member
    created: bool


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise MemberNotFound(member_id)
    return member


def require_members(session: Session, member_ids: Iterable[int]) -> None:
    """Raise :class:`MemberNotFound` unless every id is a member of the current shop (other
    modules call this before creating a per-member row such as a points account)."""
    wanted = set(member_ids)
    if not wanted:
        return
    found = set(session.scalars(select(Member.id).where(Member.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise MemberNotFound(missing[0])


def lock_member(session: Session, member_id: int) -> Member:
    member = session.scalar(locks.members_for_update([member_id]))
    if member is None:
        raise MemberNotFound(member_id)
    return member


def check_phone(phone: Any, pointer: str = "/phone") -> str:
    if not isinstance(phone, str) or not PHONE_RE.match(phone.strip()):
        raise ValidationFailed.single(pointer, "an 11-digit mainland mobile number is required",
                                      "pattern")
    return phone.strip()


def _find_or_create(session: Session, where: Any, make: Any) -> LoginResult:
    """Find a member or insert one; a concurrent first login of the same shopper wins once."""
    member = session.scalar(select(Member).where(where))
    if member is not None:
        return LoginResult(member, False)
    try:
        with session.begin_nested():
            member = make()
            session.add(member)
            session.flush()
        return LoginResult(member, True)
    except IntegrityError:
        member = session.scalar(select(Member).where(where))
        if member is None:
            raise
        return LoginResult(member, False)


def login_by_openid(session: Session, openid: str, unionid: str | None = None) -> LoginResult:
    """The member behind a mini-program openid, created on first login."""
    if not openid or len(openid) > 64:
        raise ValidationFailed.single("/code", "WeChat returned no usable openid")
    result = _find_or_create(
        session, Member.openid == openid,
        lambda: Member(openid=openid, unionid=unionid or None, source=MemberSource.MINIPROGRAM))
    member = result.member
    _check_active(member)
    if unionid and not member.unionid:
        member.unionid = unionid
    member.last_login_at = utcnow()
    if result.created:
        _reward_signup(session, member)
    return result


def login_by_phone(session: Session, phone: str) -> LoginResult:
    """The member with this phone (H5 login), created on first login."""
    phone = check_phone(phone)
    result = _find_or_create(
        session, Member.phone == phone, lambda: Member(phone=phone, source=MemberSource.H5))
    _check_active(result.member)
    result.member.last_login_at = utcnow()
    if result.created:
        _reward_signup(session, result.member)
    return result


def _check_active(member: Member) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise MemberBlocked("this member account is blocked")


def bind_phone(session: Session, member_id: int, phone: str) -> Member:
    """Attach a phone number (from WeChat's phone button or verified by code)."""
    phone = check_phone(phone)
    member = lock_member(session, member_id)
    if member.phone == phone:
        return member
    other = session.scalar(select(Member.id).where(Member.phone == phone, Member.id != member.id))
    if other is not None:
        raise PhoneInUse("this phone number belongs to another member",
                         extra={"errors": [{"pointer": "/phone", "message": "already in use",
                                            "code": "unique"}]})
    had_phone = member.phone is not None
    member.phone = phone
    session.flush()
    if not had_phone:
        reward_action(session, member, "bind_phone")
    return member


def nicknames(session: Session, member_ids: Iterable[int]) -> dict[int, str]:
    """Members' nicknames by id, in one query (unknown ids left out)."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Member.id, Member.nickname)
                                .where(Member.id.in_(ids))).all())


PROFILE_FIELDS = ("nickname", "avatar_url", "birthday", "gender")


def update_profile(session: Session, member_id: int, values: dict[str, Any]) -> Member:
    """Change nickname, avatar, birthday and gender; a profile completed the first time earns
    the ``complete_profile`` reward."""
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    for name in sorted(set(values) - set(PROFILE_FIELDS)):
        errors.append(FieldError(f"/{name}", f"unknown field '{name}'", "unknown"))
    if "nickname" in values:
        nickname = values["nickname"]
        if not isinstance(nickname, str) or len(nickname.strip()) > NICKNAME_MAX:
            errors.append(FieldError("/nickname", f"at most {NICKNAME_MAX} characters", "type"))
        else:
            changes["nickname"] = nickname.strip()
    if "avatar_url" in values:
        url = values["avatar_url"]
        if not isinstance(url, str) or (url and not AVATAR_RE.match(url)):
            errors.append(FieldError("/avatar_url", "an https URL is required", "pattern"))
        else:
            changes["avatar_url"] = url
    if "birthday" in values:
        changes["birthday"] = _parse_birthday(values["birthday"], errors)
    if "gender" in values:
        gender = values["gender"]
        if not isinstance(gender, str) or gender not in {g.value for g in Gender}:
            errors.append(FieldError("/gender", "one of unknown, male, female", "enum"))
        else:
            changes["gender"] = gender
    errors.raise_if_any()
    member = lock_member(session, member_id)
    was_complete = profile_complete(member)
    if member.birthday is not None and "birthday" in changes \
            and changes["birthday"] != member.birthday:
        raise ValidationFailed.single("/birthday", "the birthday can be set only once",
                                      "immutable")
    for key, value in changes.items():
        setattr(member, key, value)
    session.flush()
    if not was_complete and profile_complete(member):
        reward_action(session, member, "complete_profile")
    return member


def _parse_birthday(value: Any, errors: list[FieldError]) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or not (date(1900, 1, 1) <= day <= utcnow().date()):
        errors.append(FieldError("/birthday", "a date YYYY-MM-DD in the past", "format"))
        return None
    return day


def profile_complete(member: Member) -> bool:
    return bool(member.nickname and member.avatar_url and member.birthday
                and member.gender != Gender.UNKNOWN)


def set_status(session: Session, member_id: int, status: str) -> Member:
    if status not in {s.value for s in MemberStatus}:
        raise ValidationFailed.single("/status", "one of active, blocked", "enum")
    member = lock_member(session, member_id)
    member.status = status
    if status == MemberStatus.BLOCKED:
        from runtime.modules.members.tokens import revoke_all

        revoke_all(session, member.id)
    session.flush()
    return member


# --- action rewards -------------------------------------------------------------------------


def _reward_signup(session: Session, member: Member) -> None:
    """A new member starts on the level growth 0 reaches, then gets the signup reward."""
    from runtime.modules.members.levels import refresh_level

    refresh_level(session, member, reason="signup")
    reward_action(session, member, "signup")


def reward_action(session: Session, member: Member, action: str) -> None:
    """Growth for a one-off action (signup, bind_phone, complete_profile), at most once per
    member (idempotency key ``action-<action>-<member>``); other modules reward it through
    the ``member_event`` hook (points: the shop's points for the action)."""
    from runtime.modules.loader import hooks
    from runtime.modules.members.levels import add_growth
    from runtime.modules.members.settings import member_settings

    key = f"action-{action}-{member.id}"
    growth = member_settings(session).growth_for_action(action)
    if growth > 0:
        add_growth(session, member.id, growth, reason=action, key=key)
    hooks(session).member_event(session=session, member=member, event=action)
