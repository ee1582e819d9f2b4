"""Members API under ``/api/v1/shops/<shop>``: WeChat and H5 login, the member's profile,
phone binding, levels, notices and paid membership cards."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import json_response, operation
from runtime.errors import Conflict, ServiceUnavailable, ValidationFailed
from runtime.extension import state
from runtime.http import json_body
from runtime.modules.members import cards, h5login, levels, notices, service, tokens
from runtime.modules.members.auth import (
    clear_member_cookie,
    current_member,
    current_token,
    member_required,
    set_member_cookie,
)
from runtime.modules.members.errors import MemberErrorCode
from runtime.modules.members.serializers import (
    card_dict,
    level_dict,
    member_dict,
    notice_dict,
    plan_dict,
)
from runtime.modules.members.service import LoginResult
from runtime.modules.members.settings import member_settings
from runtime.tenancy import current_shop, db
from runtime.wechat import apps
from runtime.wechat.errors import InvalidCode

members_api = shop_api_blueprint("members_api", __name__)
TAGS = ["members"]


def _body_field(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise ValidationFailed.single(f"/{name}", f"'{name}' is required", "required")
    return body[name]


def _mini_client() -> Any:
    """The shop's mini-program API client (its own AppID, or the simulator in development).
    The request's transaction ends here: WeChat is never called while it is open."""
    client = apps.shop_mini_client(db(), current_app)
    db().commit()
    if client is None:
        raise ServiceUnavailable("the shop has not configured its mini-program AppSecret",
                                 code=MemberErrorCode.WECHAT_LOGIN_NOT_CONFIGURED.value)
    return client


def _login_response(result: LoginResult, client: str, cookie: bool = False):
    """The new token in the body, or (``cookie``: H5 pages) only in the HttpOnly cookie."""
    session = db()
    ttl = member_settings(session).token_ttl_days
    issued = tokens.issue_token(session, result.member, client=client, ttl_days=ttl)
    session.commit()
    body = {"expires_at": issued.expires_at.isoformat(), "created": result.created,
            "member": member_dict(session, result.member)}
    if not cookie:
        body["token"] = issued.token
    response = jsonify(body)
    response.status_code = 201 if result.created else 200
    if cookie:
        shop = current_shop()
        assert shop is not None
        set_member_cookie(response, issued.token, ttl * 86400, shop.slug)
    return response


@members_api.post("/auth/wechat")
@operation(tags=TAGS, responses={"200": json_response("MemberLogin"),
                                 "201": json_response("MemberLogin", "A new member")},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["code"],
               "properties": {"code": {"type": "string", "description": "from wx.login"}}}}}})
def login_wechat():
    """Log in with a wx.login code: our member (created on first login) and an API token."""
    code = _body_field(json_body(), "code")
    if not isinstance(code, str) or not 1 <= len(code) <= 128:
        raise ValidationFailed.single("/code", "the wx.login code", "type")
    try:
        mini = _mini_client().code2session(code)
    except InvalidCode:
        raise ValidationFailed.single("/code", "WeChat rejected this login code (used, "
                                               "expired or invalid)", "invalid_code") from None
    result = service.login_by_openid(db(), mini.openid, mini.unionid)
    return _login_response(result, "miniprogram")


@members_api.post("/auth/h5/code")
@operation(tags=TAGS, responses={"202": {"description": "Code sent"}},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["phone"],
               "properties": {"phone": {"type": "string"}}}}}})
def h5_request_code():
    """Send a one-time login code to a phone (H5 login; logged in development)."""
    phone = _body_field(json_body(), "phone")
    session = db()
    if not member_settings(session).h5_login_enabled:
        raise Conflict("H5 login is switched off", code=MemberErrorCode.H5_LOGIN_DISABLED.value)
    mk = state()
    shop = current_shop()
    assert shop is not None
    h5login.count_ip_request(mk.redis, shop.id, request.remote_addr or "")
    sent = h5login.request_code(session, phone, secret=mk.settings.secret_key,
                                dev_delivery=mk.settings.simulators_enabled)
    session.commit()
    return jsonify({"sent": True, "expires_in": sent.expires_in,
                    "resend_in": sent.resend_in}), 202


@members_api.post("/auth/h5")
@operation(tags=TAGS, responses={"200": json_response("MemberLogin"),
                                 "201": json_response("MemberLogin", "A new member")},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["phone", "code"],
               "properties": {"phone": {"type": "string"}, "code": {"type": "string"},
                              "session": {"enum": ["token", "cookie"], "description":
                                          "cookie: the token goes only into the HttpOnly "
                                          "cookie mallkit_member (H5 pages)"}}}}}})
def h5_login():
    """Log in on H5 with a phone and the one-time code sent to it."""
    body = json_body()
    phone, code = _body_field(body, "phone"), _body_field(body, "code")
    mode = body.get("session", "token")
    if mode not in ("token", "cookie"):
        raise ValidationFailed.single("/session", "token or cookie", "enum")
    session = db()
    if not member_settings(session).h5_login_enabled:
        raise Conflict("H5 login is switched off", code=MemberErrorCode.H5_LOGIN_DISABLED.value)
    result = h5login.verify_code(session, phone, code, secret=state().settings.secret_key)
    return _login_response(result, "h5", cookie=mode == "cookie")


@members_api.post("/auth/logout")
@member_required
@operation(tags=TAGS, responses={"204": {"description": "Logged out"}})
def logout():
    """Revoke the token of this request (or every token with {"everywhere": true})."""
    body = request.get_json(silent=True) or {}
    session = db()
    if isinstance(body, dict) and body.get("everywhere") is True:
        tokens.revoke_all(session, current_member().id)
    else:
        tokens.revoke(session, current_token())
    session.commit()
    response = Response(status=204)
    shop = current_shop()
    assert shop is not None
    clear_member_cookie(response, shop.slug)
    return response


@members_api.get("/me")
@member_required
@operation(tags=TAGS, responses={"200": json_response("Member")})
def me():
    """The logged-in member: profile, level and benefits, points and balance."""
    return jsonify(member_dict(db(), current_member()))


@members_api.patch("/me")
@member_required
@operation(tags=TAGS, responses={"200": json_response("Member")},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "additionalProperties": False,
               "properties": {"nickname": {"type": "string", "maxLength": 64},
                              "avatar_url": {"type": "string"},
                              "birthday": {"type": "string", "format": "date"},
                              "gender": {"enum": ["unknown", "male", "female"]}}}}}})
def update_me():
    """Change nickname, avatar, birthday (once) and gender."""
    session = db()
    member = service.update_profile(session, current_member().id, json_body())
    session.commit()
    return jsonify(member_dict(session, member))


@members_api.post("/me/phone")
@member_required
@operation(tags=TAGS, responses={"200": json_response("Member")},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["code"],
               "properties": {"code": {"type": "string",
                                       "description": "from the getPhoneNumber button"}}}}}})
def bind_phone():
    """Bind the phone number the member shared with the getPhoneNumber button."""
    code = _body_field(json_body(), "code")
    if not isinstance(code, str) or not 1 <= len(code) <= 128:
        raise ValidationFailed.single("/code", "the getPhoneNumber code", "type")
    try:
        phone = _mini_client().get_phone_number(code)
    except InvalidCode:
        raise ValidationFailed.single("/code", "WeChat rejected this phone code",
                                      "invalid_code") from None
    session = db()
    member = service.bind_phone(session, current_member().id, phone.pure_phone_number)
    session.commit()
    return jsonify(member_dict(session, member))


@members_api.get("/levels")
@operation(tags=TAGS, responses={"200": {"description": "The shop's member levels", "content": {
    "application/json": {"schema": {"type": "object", "properties": {"levels": {
        "type": "array", "items": {"$ref": "#/components/schemas/MemberLevel"}}}}}}}})
def list_levels():
    """The shop's member levels and their benefits, lowest first."""
    return jsonify({"levels": [level_dict(lv) for lv in levels.list_levels(db())]})


@members_api.get("/me/notices")
@member_required
@operation(tags=TAGS, responses={"200": {"description": "Notices, newest first", "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "unread": {"type": "integer"},
        "notices": {"type": "array", "items": {"$ref": "#/components/schemas/MemberNotice"}}}}}}}})
def list_notices():
    """The member's notices (points expiring, sign-in reminders), newest first."""
    session, member = db(), current_member()
    return jsonify({"unread": notices.unread_count(session, member.id),
                    "notices": [notice_dict(n) for n in notices.list_notices(session,
                                                                              member.id)]})


@members_api.post("/me/notices/<int:notice_id>/read")
@member_required
@operation(tags=TAGS, responses={"200": json_response("MemberNotice")})
def read_notice(notice_id: int):
    """Mark one notice read."""
    session = db()
    notice = notices.mark_read(session, current_member().id, notice_id)
    session.commit()
    return jsonify(notice_dict(notice))


@members_api.get("/cards")
@operation(tags=TAGS)
def list_card_plans():
    """Paid membership cards on sale (付费会员卡)."""
    return jsonify({"plans": [plan_dict(p) for p in cards.list_plans(db(), active_only=True)]})


@members_api.get("/me/cards")
@member_required
@operation(tags=TAGS)
def my_cards():
    """The member's active and upcoming paid cards."""
    return jsonify({"cards": [card_dict(c) for c in cards.active_cards(db(),
                                                                      current_member().id)]})
