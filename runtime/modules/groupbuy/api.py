"""Group-buy API under ``/api/v1/shops/<shop>/groupbuy``: activities (live seats and open
groups, cached a few seconds), a group (members, empty seats, countdown), leaving a group,
the buyer's group buys and a group's share card. 404 ``module_disabled`` while it is off.
Orders themselves go through ``checkout/quote`` and ``orders`` with ``activity``. Also the
H5 pages under ``/s/<shop>/groupbuy`` (an activity, a group), shells over this API."""

from __future__ import annotations

from flask import Response, jsonify, request

from runtime.api import render_shell_page, shop_api_blueprint, shop_pages_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules import switches
from runtime.modules.groupbuy import activities, groups, serializers, sharecard
from runtime.modules.members.auth import (
    current_member_id,
    member_optional,
    member_required,
    optional_member,
)
from runtime.tenancy import current_shop, db

groupbuy_api = shop_api_blueprint("groupbuy_api", __name__)
TAGS = ["groupbuy"]
LIVE_SECONDS = 5

OPENAPI = ApiComponents()
_GROUP = {"type": "object", "properties": {
    "id": {"type": "integer"}, "activity_id": {"type": "integer"},
    "status": {"type": "string", "enum": ["open", "success", "failed"]},
    "size": {"type": "integer"}, "joined": {"type": "integer"}, "virtual": {"type": "integer"},
    "seats_left": {"type": "integer"}, "expire_at": {"type": "string"},
    "members": {"type": "array", "items": {"type": "object"}},
    "share_path": {"type": "string"}, "now": {"type": "string"}}}
OPENAPI.schema("GroupbuyGroup", _GROUP)
OPENAPI.schema("GroupbuyActivity", {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "group_size": {"type": "integer"},
    "badge": {"type": "string"}, "state": {"type": "string",
                                           "enum": ["not_started", "live", "ended"]},
    "starts_at": {"type": "string"}, "ends_at": {"type": "string"},
    "group_price_fen": {"type": ["integer", "null"]},
    "leader_price_fen": {"type": ["integer", "null"]}, "stock": {"type": "integer"},
    "open_groups": {"type": "array", "items": {"$ref": "#/components/schemas/GroupbuyGroup"}},
    "skus": {"type": "array", "items": {"type": "object"}}, "now": {"type": "string"}}})
OPENAPI.schema("GroupbuyActivities", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"$ref": "#/components/schemas/GroupbuyActivity"}},
    "now": {"type": "string"}}})
OPENAPI.schema("GroupbuyMine", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"type": "object"}}, "now": {"type": "string"}}})


def _live(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={LIVE_SECONDS}"
    return response


def _shown() -> int:
    return int(switches.settings_of(db(), "groupbuy")["open_groups_shown"])


@groupbuy_api.get("/groupbuy/activities")
@operation(tags=TAGS, parameters=[{"name": "product_id", "in": "query", "required": False,
                                   "schema": {"type": "integer", "minimum": 1}}],
           responses={"200": json_response("GroupbuyActivities")})
def list_activities():
    """Live group buys with their open groups (cached a few seconds: seats are live);
    ``?product_id=`` those of one product with their SKU prices (the product page)."""
    session = db()
    raw = request.args.get("product_id", "")
    if raw and not (raw.isdigit() and int(raw) > 0):
        raise ValidationFailed.single("/product_id", "a product id")
    product_id = int(raw) if raw else None
    rows = activities.list_activities(session, live_only=True, product_id=product_id)
    return _live(jsonify({"items": serializers.activities_json(
        session, rows, open_groups=_shown(), detail=product_id is not None),
        "now": utcnow().isoformat()}))


@groupbuy_api.get("/groupbuy/activities/<int:activity_id>")
@operation(tags=TAGS, responses={"200": json_response("GroupbuyActivity")})
def activity_detail(activity_id: int):
    """One group buy: state (not started / live / ended), SKU prices, stock, open groups."""
    session = db()
    activity = activities.get_activity(session, activity_id)
    return _live(jsonify(serializers.activities_json(session, [activity], detail=True,
                                                     open_groups=max(_shown(), 1))[0]))


@groupbuy_api.get("/groupbuy/groups/<int:group_id>")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("GroupbuyGroup")})
def group_detail(group_id: int):
    """A group: members' avatars, empty seats, when it ends, and the caller's place in it."""
    session = db()
    member = optional_member()
    group = groups.get_group(session, group_id)
    response = jsonify(serializers.group_json(session, group, member.id if member else None))
    response.headers["Cache-Control"] = "private, max-age=5"
    return response


@groupbuy_api.post("/groupbuy/groups/<int:group_id>/leave")
@member_required
@operation(tags=TAGS, responses={"200": json_response("GroupbuyGroup")})
def leave(group_id: int):
    """Leave an open group: the order is refunded in full (a leader hands over)."""
    session = db()
    member_id = current_member_id()
    groups.leave_group(session, group_id, member_id)
    session.commit()
    return jsonify(serializers.group_json(session, groups.get_group(session, group_id),
                                          member_id))


@groupbuy_api.get("/groupbuy/mine")
@member_required
@operation(tags=TAGS, responses={"200": json_response("GroupbuyMine")})
def mine():
    """The caller's group buys, newest first, with their groups."""
    session = db()
    rows = groups.member_rows(session, current_member_id())
    response = jsonify({"items": serializers.mine_json(session, rows),
                        "now": utcnow().isoformat()})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@groupbuy_api.get("/groupbuy/groups/<int:group_id>/share-card")
@operation(tags=TAGS, responses={"200": {"description": "PNG",
                                         "content": {"image/png": {}}}})
def share_card(group_id: int):
    """The group's share card: product, price, seats left and a QR code of its page."""
    session = db()
    group = groups.get_group(session, group_id)
    data = serializers.group_json(session, group)
    activity = data["activity"]
    shop = current_shop()
    assert shop is not None
    url = f"{request.host_url.rstrip('/')}/s/{shop.slug}/groupbuy/groups/{group.id}"
    png = sharecard.render(
        title=(activity["product"] or {}).get("title", activity["title"]),
        price_fen=activity["group_price_fen"] or 0, badge=activity["badge"],
        seats_left=data["seats_left"], url=url,
        share_title=switches.settings_of(session, "groupbuy")["share_title"])
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


# --- H5 pages (shells; groupbuy.js reads the API above, like the mini-program) ------------

groupbuy_pages = shop_pages_blueprint("groupbuy", __name__)


def _page(template: str, title: str, **context: object) -> str:
    return render_shell_page("groupbuy", template, title, **context)


@groupbuy_pages.get("/groupbuy/activities/<int:activity_id>")
def activity_page(activity_id: int):
    """拼团商品: prices, SKUs, 去开团 and the open groups to join."""
    activity = activities.get_activity(db(), activity_id)
    return _page("activity.html", activity.title, activity_id=activity.id)


@groupbuy_pages.get("/groupbuy/groups/<int:group_id>")
def group_page(group_id: int):
    """拼团详情 (the share link's page): seats, countdown, invite, join or leave."""
    group = groups.get_group(db(), group_id)
    return _page("group.html", "拼团详情", group_id=group.id)
