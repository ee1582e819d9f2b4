"""Coupons API: ``GET /api/v1/shops/<shop>/coupons`` (claimable, with the caller's claimed
state; short-cached, private), ``POST .../coupons/<id>/claim``, ``GET .../me/coupons``.
Every endpoint answers 404 ``module_disabled`` while the shop has the module off; so does
the H5 page 我的优惠券 (``/s/<shop>/coupons/mine``)."""

from __future__ import annotations

from flask import jsonify, request

from runtime.api import render_shell_page, shop_api_blueprint, shop_pages_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.modules.coupons import service
from runtime.modules.members.auth import (
    current_member,
    member_optional,
    member_required,
    optional_member,
)
from runtime.shoptime import shop_zone
from runtime.tenancy import db

coupons_api = shop_api_blueprint("coupons_api", __name__)
TAGS = ["coupons"]
STATE_MAX_AGE = 15

OPENAPI = ApiComponents()
_CARD = {
    "id": {"type": "integer"}, "title": {"type": "string"},
    "kind": {"enum": ["amount", "discount"]},
    "value_fen": {"type": ["integer", "null"]},
    "discount_percent": {"type": ["integer", "null"]},
    "threshold_fen": {"type": "integer"}, "value_text": {"type": "string"},
    "rule_text": {"type": "string"}, "valid_text": {"type": "string"},
    "left": {"type": ["integer", "null"]},
}
OPENAPI.schema("ClaimableCoupons", {
    "type": "object", "required": ["items"],
    "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
        **_CARD, "claimed": {"type": "boolean"}, "can_claim": {"type": "boolean"}}}}}})
OPENAPI.schema("MemberCoupon", {"type": "object", "properties": {
    **_CARD, "template_id": {"type": "integer"},
    "status": {"enum": ["unused", "used", "expired", "revoked"]},
    "valid_from": {"type": "string", "format": "date-time"},
    "valid_until": {"type": "string", "format": "date-time"},
    "usable_now": {"type": "boolean"}}})
OPENAPI.schema("MemberCoupons", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/MemberCoupon"}}}})


@coupons_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


def _ids_arg() -> list[int] | None:
    """``ids=1,2``; the H5 script adds ``at=<ms>`` after a claim to pass the short cache."""
    raw = request.args.get("ids")
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    if len(parts) > 50 or not all(p.isdigit() and 0 < int(p) < 2**63 for p in parts):
        raise ValidationFailed.single("/ids", "up to 50 coupon ids, comma separated", "type")
    return [int(p) for p in parts]


@coupons_api.get("/coupons")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("ClaimableCoupons")},
           parameters=[{"name": "ids", "in": "query", "required": False,
                        "schema": {"type": "string"},
                        "description": "only these coupons, in this order (the strip's picks)"}])
def claimable_coupons():
    """Coupons open for claiming (the coupon centre, the strip), with whether the caller
    holds one and can claim another."""
    session = db()
    member = optional_member()
    templates = service.claimable(session, _ids_arg())
    states = service.claim_states(session, member.id if member else None,
                                  [t.id for t in templates])
    items = [{**c, **states[c["id"]]} for c in service.coupon_cards(session, templates)]
    session.commit()
    response = jsonify({"items": items})
    response.headers["Cache-Control"] = f"private, max-age={STATE_MAX_AGE}"
    return response


@coupons_api.post("/coupons/<int:template_id>/claim")
@member_required
@operation(tags=TAGS, responses={"201": json_response("MemberCoupon", "Claimed"),
                                 "409": {"description": "Sold out, limit reached or closed"}})
def claim_coupon(template_id: int):
    """Claim a coupon (once per member unless the coupon allows more)."""
    session, member = db(), current_member()
    coupon = service.claim(session, member.id, template_id)
    template = service.get_template_of(session, coupon)
    view = service.coupon_view(coupon, template, shop_zone(session))
    session.commit()
    return jsonify(view), 201


@coupons_api.get("/me/coupons")
@member_required
@operation(tags=TAGS, responses={"200": json_response("MemberCoupons")},
           parameters=[{"name": "status", "in": "query", "required": False,
                        "schema": {"enum": ["unused", "used", "expired", "revoked"]}}])
def my_coupons():
    """My coupons (all, or of one status); a coupon past its end is expired."""
    session, member = db(), current_member()
    zone = shop_zone(session)
    rows = service.member_coupons(session, member.id, request.args.get("status") or None)
    items = [service.coupon_view(c, t, zone) for c, t in rows]
    session.commit()
    response = jsonify({"items": items})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- H5 page (a shell; mine.js reads GET me/coupons like the mini-program) ----------------

coupons_pages = shop_pages_blueprint("coupons", __name__)
MINE_TABS = (("unused", "可使用"), ("used", "已使用"), ("expired", "已过期"))


@coupons_pages.get("/coupons/mine")
def mine_page():
    """我的优惠券, by tab (``?status=unused|used|expired``)."""
    status = request.args.get("status", "unused")
    if status not in dict(MINE_TABS):
        status = "unused"
    return render_shell_page("coupons", "mine.html", "我的优惠券", tabs=MINE_TABS,
                             status=status)
