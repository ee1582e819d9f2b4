"""Sign-in API: ``GET``/``POST /api/v1/shops/<shop>/signin``, ``POST .../signin/makeup``.
Every endpoint answers 404 ``module_disabled`` while the shop has the module off."""

from __future__ import annotations

from flask import jsonify

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.http import json_body
from runtime.modules.members.auth import (
    current_member,
    member_optional,
    member_required,
    optional_member,
)
from runtime.modules.signin import service
from runtime.tenancy import db

signin_api = shop_api_blueprint("signin_api", __name__)
TAGS = ["signin"]

OPENAPI = ApiComponents()
OPENAPI.schema("SigninCalendar", {
    "type": "object",
    "properties": {
        "month": {"type": "string", "examples": ["2026-11"]},
        "today": {"type": "string", "format": "date"},
        "days": {"type": "array", "items": {"type": "object", "properties": {
            "date": {"type": "string", "format": "date"}, "signed": {"type": "boolean"},
            "makeup": {"type": "boolean"}, "points": {"type": "integer"},
            "can_make_up": {"type": "boolean"}}}},
        "signed_today": {"type": "boolean"}, "streak": {"type": "integer"},
        "today_points": {"type": "integer"},
        "cycle": {"type": "array", "items": {"type": "object", "properties": {
            "day": {"type": "integer"}, "points": {"type": "integer"}}}},
        "makeup": {"type": "object", "properties": {
            "enabled": {"type": "boolean"}, "cost_points": {"type": "integer"},
            "max_per_month": {"type": "integer"}, "left": {"type": "integer"}}},
        "milestones": {"type": "array", "items": {"type": "object", "properties": {
            "days": {"type": "integer"}, "points": {"type": "integer"},
            "reached": {"type": "boolean"}, "granted": {"type": "boolean"}}}},
        "month_days_signed": {"type": "integer"},
    },
})
OPENAPI.schema("SigninResult", {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"}, "points": {"type": "integer"},
        "streak": {"type": "integer"}, "cycle_day": {"type": "integer"},
        "makeup": {"type": "boolean"}, "cost_points": {"type": "integer"},
        "milestones": {"type": "array", "items": {"type": "object", "properties": {
            "days": {"type": "integer"}, "points": {"type": "integer"}}}},
        "calendar": {"$ref": "#/components/schemas/SigninCalendar"},
    },
})


@signin_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


@signin_api.get("/signin")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("SigninCalendar")})
def signin_calendar():
    """This month's sign-in calendar: days signed, streak, today's reward, make-ups left."""
    member = optional_member()
    return jsonify(service.calendar_for(db(), member.id if member else None).as_dict())


@signin_api.post("/signin")
@member_required
@operation(tags=TAGS, responses={"201": json_response("SigninResult", "Signed in"),
                                 "409": {"description": "Already signed in today"}})
def sign_in():
    """Sign in for today (shop-local day); once a day, whatever the number of requests."""
    session, member = db(), current_member()
    result = service.sign_in(session, member.id)
    session.commit()
    return jsonify({**result.as_dict(),
                    "calendar": service.calendar_for(session, member.id).as_dict()}), 201


@signin_api.post("/signin/makeup")
@member_required
@operation(tags=TAGS, responses={"201": json_response("SigninResult", "Made up")},
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["date"],
               "properties": {"date": {"type": "string", "format": "date"}}}}}})
def make_up():
    """Make up a missed day of this month (costs points; a few per month)."""
    body = json_body()
    if "date" not in body:
        raise ValidationFailed.single("/date", "'date' is required", "required")
    day = service.parse_day(body["date"])
    session, member = db(), current_member()
    result = service.make_up(session, member.id, day)
    session.commit()
    return jsonify({**result.as_dict(),
                    "calendar": service.calendar_for(session, member.id).as_dict()}), 201
