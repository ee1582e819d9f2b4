"""Invite API: ``GET /api/v1/shops/<shop>/invite/me`` (my code, link, share path, QR code,
invited count and rewards) and ``POST .../invite/bind`` (accept the invite of ``code``).
404 ``module_disabled`` while the module is off."""

from __future__ import annotations

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.http import json_body
from runtime.modules.invite import service
from runtime.modules.members.auth import current_member, member_required
from runtime.tenancy import current_shop, db

invite_api = shop_api_blueprint("invite_api", __name__)
TAGS = ["invite"]

OPENAPI = ApiComponents()
OPENAPI.schema("InviteMe", {
    "type": "object",
    "properties": {
        "title": {"type": "string", "examples": ["邀请有礼"]},
        "code": {"type": "string", "examples": ["K7QX2MPA"]},
        "link": {"type": "string", "description": "the H5 invite link (?invite=<code>)"},
        "share_path": {"type": "string", "examples": ["/pages/index/index?invite=K7QX2MPA"]},
        "qr": {"type": "string", "description": "the link as an SVG QR code (a data: URI)"},
        "trigger": {"type": "string", "enum": ["register", "first_paid_order"]},
        "inviter_points": {"type": "integer"}, "invitee_points": {"type": "integer"},
        "inviter_coupons": {"type": "integer"}, "invitee_coupons": {"type": "integer"},
        "invited": {"type": "integer"}, "rewarded": {"type": "integer"},
        "points_earned": {"type": "integer"}, "coupons_earned": {"type": "integer"},
        "recent": {"type": "array", "items": {"type": "object"}},
    },
})
OPENAPI.schema("InviteBind", {
    "type": "object",
    "properties": {"bound": {"type": "boolean"}, "status": {"type": "string"},
                   "invitee_points": {"type": "integer"},
                   "invitee_coupon_ids": {"type": "array", "items": {"type": "integer"}}},
})


@invite_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


@invite_api.get("/invite/me")
@member_required
@operation(tags=TAGS, responses={"200": json_response("InviteMe")})
def me():
    """My invite code, its link, share path and QR code, the rewards on offer and mine."""
    session = db()
    rules = service.settings(session)
    mine = service.summary(session, current_member().id)
    session.commit()
    link = service.invite_link(request.host_url.rstrip("/"), current_shop().slug, mine.code)
    response = jsonify({
        "title": rules.title, "code": mine.code, "link": link,
        "share_path": service.share_path(mine.code), "qr": service.qr_data_uri(link),
        "trigger": rules.trigger, "inviter_points": rules.inviter_points,
        "invitee_points": rules.invitee_points,
        "inviter_coupons": len(rules.inviter_coupon_template_ids),
        "invitee_coupons": len(rules.invitee_coupon_template_ids),
        "invited": mine.invited, "rewarded": mine.rewarded,
        "points_earned": mine.points_earned, "coupons_earned": mine.coupons_earned,
        "recent": mine.recent})
    response.headers["Cache-Control"] = "private, max-age=30"
    return response


@invite_api.post("/invite/bind")
@member_required
@operation(tags=TAGS, responses={"200": json_response("InviteBind")})
def bind():
    """Accept the invite of ``code`` (a share link's ``invite``): ``bound: false`` when this
    member accepted one before; 409 for one's own code or a member who is not new."""
    session = db()
    result = service.bind(session, current_member().id, json_body().get("code"))
    session.commit()
    invitation = result.invitation
    return jsonify({"bound": result.bound, "status": invitation.status,
                    "invitee_points": invitation.invitee_points if result.bound else 0,
                    "invitee_coupon_ids": list(invitation.invitee_coupon_ids or [])
                    if result.bound else []})
