"""Bargain API under ``/api/v1/shops/<shop>/bargain``: live activities (cached a few
seconds), launching (POST ``launches``), the caller's launches, one launch (progress,
helpers, share info) and a friend's cut (POST ``launches/<id>/help``). 404
``module_disabled`` while it is off. The launch itself is bought through ``checkout/quote``
and ``orders`` with ``activity: {kind: "bargain", id: <launch id>}``. Also the H5 pages under
``/s/<shop>/bargain`` (an activity, a launch), shells over this API."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import render_shell_page, shop_api_blueprint, shop_pages_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.modules.bargain import activities, launches, serializers
from runtime.modules.bargain.models import BargainLaunch
from runtime.modules.bargain.settings import bargain_settings
from runtime.modules.members.auth import (
    current_member_id,
    member_optional,
    member_required,
    optional_member,
)
from runtime.tenancy import current_shop, db

bargain_api = shop_api_blueprint("bargain_api", __name__)
TAGS = ["bargain"]
LIVE_SECONDS = 5

OPENAPI = ApiComponents()
OPENAPI.schema("BargainActivity", {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "sku_id": {"type": "integer"},
    "state": {"type": "string", "enum": ["not_started", "live", "ended"]},
    "start_price_fen": {"type": "integer"}, "floor_price_fen": {"type": "integer"},
    "helpers_needed": {"type": "integer"}, "valid_hours": {"type": "integer"},
    "floor_only": {"type": "boolean"}, "self_cut": {"type": "boolean"},
    "stock": {"type": "integer"}, "starts_at": {"type": "string"}, "ends_at": {"type": "string"},
    "product": {"type": ["object", "null"]}}})
OPENAPI.schema("BargainActivities", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"$ref": "#/components/schemas/BargainActivity"}}}})
OPENAPI.schema("BargainLaunch", {"type": "object", "properties": {
    "id": {"type": "integer"}, "activity_id": {"type": "integer"},
    "status": {"type": "string", "enum": ["cutting", "floor", "bought", "expired"]},
    "price_fen": {"type": "integer"}, "cut_fen": {"type": "integer"},
    "left_fen": {"type": "integer"}, "percent": {"type": "integer"},
    "helpers_needed": {"type": "integer"}, "cuts": {"type": "integer"},
    "expire_at": {"type": "string"}, "helpers": {"type": "array", "items": {"type": "object"}},
    "share": {"type": "object"}, "mine": {"type": "boolean"}, "helped": {"type": "boolean"}}})
OPENAPI.schema("BargainLaunches", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"$ref": "#/components/schemas/BargainLaunch"}}}})
OPENAPI.schema("BargainCut", {"type": "object", "properties": {
    "amount_fen": {"type": "integer"}, "price_after_fen": {"type": "integer"},
    "launch": {"$ref": "#/components/schemas/BargainLaunch"}}})


def _launch_json(launch: BargainLaunch, viewer_id: int | None) -> dict[str, Any]:
    shop = current_shop()
    assert shop is not None
    session = db()
    data = serializers.launches_json(session, [launch], viewer_id=viewer_id, helpers=True,
                                     shop_slug=shop.slug)[0]
    data["share"]["title"] = bargain_settings(session).share_title
    return data


@bargain_api.get("/bargain/activities")
@operation(tags=TAGS, responses={"200": json_response("BargainActivities")})
def list_activities():
    """Live bargains (cached a few seconds: stock is live)."""
    session = db()
    response = jsonify({"items": serializers.activities_json(
        session, activities.list_activities(session, live_only=True))})
    response.headers["Cache-Control"] = f"public, max-age={LIVE_SECONDS}"
    return response


@bargain_api.get("/bargain/activities/<int:activity_id>")
@operation(tags=TAGS, responses={"200": json_response("BargainActivity")})
def activity_detail(activity_id: int):
    """One bargain: state (not started / live / ended), prices, helpers needed, stock, rules."""
    session = db()
    data = serializers.activities_json(session, [activities.get_activity(session,
                                                                         activity_id)])[0]
    data["rules_text"] = bargain_settings(session).rules_text
    response = jsonify(data)
    response.headers["Cache-Control"] = f"public, max-age={LIVE_SECONDS}"
    return response


@bargain_api.post("/bargain/launches")
@member_required
@operation(tags=TAGS, responses={"201": json_response("BargainLaunch"),
                                 "200": json_response("BargainLaunch")})
def launch():
    """Launch a bargain of ``activity_id`` (201), or get back the caller's launch of it that
    is still open (200)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "activity_id" not in body:
        raise ValidationFailed.single("/activity_id", "the id of a bargain activity", "required")
    session = db()
    member_id = current_member_id()
    launched = launches.launch(session, body["activity_id"], member_id)
    session.commit()
    return jsonify(_launch_json(launched.launch, member_id)), 201 if launched.created else 200


@bargain_api.get("/bargain/launches")
@member_required
@operation(tags=TAGS, responses={"200": json_response("BargainLaunches")})
def mine():
    """The caller's launches, newest first, with their progress."""
    session = db()
    shop = current_shop()
    assert shop is not None
    member_id = current_member_id()
    rows = launches.member_launches(session, member_id)
    response = jsonify({"items": serializers.launches_json(session, rows, viewer_id=member_id,
                                                           shop_slug=shop.slug)})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bargain_api.get("/bargain/launches/<int:launch_id>")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("BargainLaunch")})
def launch_detail(launch_id: int):
    """A launch: price, progress, helpers, countdown, share info, and whether the caller
    launched it or has cut it."""
    member = optional_member()
    response = jsonify(_launch_json(launches.get_launch(db(), launch_id),
                                    member.id if member else None))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bargain_api.post("/bargain/launches/<int:launch_id>/help")
@member_required
@operation(tags=TAGS, responses={"201": json_response("BargainCut")})
def help_cut(launch_id: int):
    """A friend's cut (帮砍一刀): 409 already helped / expired / finished, 422 self-cut."""
    session = db()
    member_id = current_member_id()
    cut = launches.help_cut(session, launch_id, member_id)
    session.commit()
    return jsonify({"amount_fen": cut.amount_fen, "price_after_fen": cut.price_after_fen,
                    "launch": _launch_json(launches.get_launch(session, launch_id),
                                           member_id)}), 201


# --- H5 pages (shells; bargain.js reads the API above, like the mini-program) -------------

bargain_pages = shop_pages_blueprint("bargain", __name__)


def _page(template: str, title: str, **context: object) -> str:
    return render_shell_page("bargain", template, title, **context)


@bargain_pages.get("/bargain/activities/<int:activity_id>")
def activity_page(activity_id: int):
    """砍价商品: prices, rules, 发起砍价."""
    activity = activities.get_activity(db(), activity_id)
    return _page("activity.html", activity.title, activity_id=activity.id)


@bargain_pages.get("/bargain/launches/<int:launch_id>")
def launch_page(launch_id: int):
    """砍价详情 (the share link's page): progress bar, helpers, countdown, share, buy, or a
    friend's 帮砍一刀."""
    row = launches.get_launch(db(), launch_id)
    return _page("launch.html", "砍价详情", launch_id=row.id)
