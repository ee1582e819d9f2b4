"""The members module's error codes and the domain errors the API maps to problem+json."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, Forbidden, NotFound, Unauthorized


class MemberErrorCode(StrEnum):
    MEMBER_NOT_FOUND = "member_not_found"
    MEMBER_BLOCKED = "member_blocked"
    TOKEN_INVALID = "invalid_token"
    LOGIN_REQUIRED = "login_required"
    PHONE_IN_USE = "phone_in_use"
    LOGIN_CODE_INVALID = "login_code_invalid"
    LOGIN_CODE_THROTTLED = "login_code_throttled"
    H5_LOGIN_DISABLED = "h5_login_disabled"
    SMS_NOT_CONFIGURED = "sms_not_configured"
    WECHAT_LOGIN_NOT_CONFIGURED = "wechat_login_not_configured"
    LEVEL_NOT_FOUND = "level_not_found"
    LEVEL_IN_USE = "level_in_use"
    TAG_NOT_FOUND = "tag_not_found"
    TAG_NAME_TAKEN = "tag_name_taken"
    TAG_IS_RULE = "tag_is_rule"
    CARD_PLAN_NOT_FOUND = "card_plan_not_found"
    EXPORT_NOT_FOUND = "export_not_found"
    NOTICE_NOT_FOUND = "notice_not_found"


class MemberNotFound(NotFound):
    code = MemberErrorCode.MEMBER_NOT_FOUND.value

    def __init__(self, member_id: object) -> None:
        super().__init__(f"no member {member_id}")


class MemberBlocked(Forbidden):
    code = MemberErrorCode.MEMBER_BLOCKED.value
    title = "Member blocked"


class TokenInvalid(Unauthorized):
    code = MemberErrorCode.TOKEN_INVALID.value


class PhoneInUse(Conflict):
    code = MemberErrorCode.PHONE_IN_USE.value
    title = "Phone number in use"


def not_found(what: str, ident: object, code: MemberErrorCode) -> NotFound:
    return NotFound(f"no {what} {ident}", code=code.value)
