"""Member-day API: ``GET /api/v1/shops/<shop>/memberday`` — the day, its benefits and
whether the logged-in shopper takes part. 404 ``module_disabled`` while the module is off."""

from __future__ import annotations

from flask import jsonify

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.modules.memberday import service
from runtime.modules.members.auth import member_optional, optional_member
from runtime.tenancy import db

memberday_api = shop_api_blueprint("memberday_api", __name__)
TAGS = ["memberday"]

OPENAPI = ApiComponents()
OPENAPI.schema("MemberDay", {
    "type": "object",
    "properties": {
        "title": {"type": "string", "examples": ["会员日"]},
        "today": {"type": "string", "format": "date"},
        "is_today": {"type": "boolean"},
        "next_date": {"type": "string", "format": "date"},
        "days_until": {"type": "integer", "minimum": 0},
        "discount_percent": {"type": "integer", "description": "what members pay (90 = 九折)"},
        "points_multiplier": {"type": "integer"},
        "benefit_text": {"type": "string", "examples": ["会员9折 · 积分2倍"]},
        "min_level_rank": {"type": "integer"},
        "eligible": {"type": ["boolean", "null"],
                     "description": "whether the logged-in member takes part; null without one"},
    },
})


@memberday_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


@memberday_api.get("/memberday")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("MemberDay")})
def member_day():
    """The shop's member day as of today (shop-local): is it today, or in how many days."""
    member = optional_member()
    day = service.member_day(db(), member.id if member else None)
    response = jsonify(day.as_dict())
    response.headers["Cache-Control"] = "private, max-age=60"
    return response
