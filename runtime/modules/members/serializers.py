"""JSON shapes of members, levels and notices for the API (and their OpenAPI schemas)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.api.openapi import ApiComponents
from runtime.modules.members.levels import benefits_of
from runtime.modules.members.models import CardPlan, Level, Member, MemberCard, Notice


def level_dict(level: Level) -> dict[str, Any]:
    return {"id": level.id, "name": level.name, "rank": level.rank,
            "growth_threshold": level.growth_threshold,
            "discount_percent": level.discount_percent, "free_shipping": level.free_shipping,
            "points_multiplier": str(level.points_multiplier),
            "birthday_gift_points": level.birthday_gift_points,
            "description": level.description}


def member_dict(session: Session, member: Member) -> dict[str, Any]:
    """The member as the app shows them: profile, level and benefits, points, balance,
    usable coupons (``coupon_count``: null while no module holds coupons), the paid card
    running now and whether the shop sells cards."""
    from runtime.modules.members.cards import card_summary
    from runtime.modules.members.queries import EMPTY_WALLET, member_balances

    held = member_balances(session, [member.id])
    benefits = benefits_of(session, member)
    level = session.get(Level, member.level_id) if member.level_id else None
    return {
        "id": member.id,
        "nickname": member.nickname,
        "avatar_url": member.avatar_url,
        "phone": member.phone,
        "birthday": member.birthday.isoformat() if member.birthday else None,
        "gender": member.gender,
        "has_wechat": member.openid is not None,
        "growth": member.growth,
        "level": level_dict(level) if level else None,
        "benefits": {"discount_percent": benefits.discount_percent,
                     "free_shipping": benefits.free_shipping,
                     "points_multiplier": str(benefits.points_multiplier)},
        "points": held["points"].get(member.id, 0),
        "wallet": dict(held["wallet"].get(member.id, EMPTY_WALLET)),
        "coupon_count": held["coupons"].get(member.id, 0) if "coupons" in held else None,
        **card_summary(session, member.id),
        "stats": {"order_count": member.order_count, "total_spent_fen": member.total_spent_fen},
        "joined_at": member.created_at.isoformat(),
    }


def notice_dict(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "kind": notice.kind, "title": notice.title, "body": notice.body,
            "data": notice.data, "read": notice.read_at is not None,
            "created_at": notice.created_at.isoformat()}


def plan_dict(plan: CardPlan) -> dict[str, Any]:
    return {"id": plan.id, "name": plan.name, "level_id": plan.level_id,
            "price_fen": plan.price_fen, "days": plan.days}


def card_dict(card: MemberCard) -> dict[str, Any]:
    return {"id": card.id, "plan_id": card.plan_id, "level_id": card.level_id,
            "price_fen": card.price_fen, "starts_at": card.starts_at.isoformat(),
            "expires_at": card.expires_at.isoformat()}


LEVEL_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "rank": {"type": "integer"},
        "growth_threshold": {"type": "integer"},
        "discount_percent": {"type": "integer", "description": "what the member pays, % "
                                                               "(95 = 九五折)"},
        "free_shipping": {"type": "boolean"}, "points_multiplier": {"type": "string"},
        "birthday_gift_points": {"type": "integer"}, "description": {"type": "string"},
    },
}
OPENAPI = ApiComponents()
OPENAPI.schema("MemberLevel", LEVEL_SCHEMA)
OPENAPI.schema("Member", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "nickname": {"type": "string"},
        "avatar_url": {"type": "string"}, "phone": {"type": ["string", "null"]},
        "birthday": {"type": ["string", "null"], "format": "date"},
        "gender": {"enum": ["unknown", "male", "female"]}, "has_wechat": {"type": "boolean"},
        "growth": {"type": "integer"},
        "level": {"oneOf": [{"$ref": "#/components/schemas/MemberLevel"}, {"type": "null"}]},
        "benefits": {"type": "object"}, "points": {"type": "integer"},
        "wallet": {"type": "object", "properties": {
            "balance_fen": {"type": "integer"}, "principal_fen": {"type": "integer"},
            "bonus_fen": {"type": "integer"}}},
        "coupon_count": {"type": ["integer", "null"], "description": "unused, unexpired "
                         "coupons; null while the shop has coupons off"},
        "card": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
            "name": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}],
            "description": "the paid member card running now (expires_at: the end of the "
                           "last card stacked after it)"},
        "cards_on_sale": {"type": "boolean", "description": "the shop sells paid cards"},
        "stats": {"type": "object"}, "joined_at": {"type": "string", "format": "date-time"},
    },
})
OPENAPI.schema("MemberLogin", {
    "type": "object",
    "required": ["expires_at", "member"],
    "properties": {
        "token": {"type": "string", "description": "send as Authorization: Bearer <token>; "
                  "absent when the H5 login asked for a cookie session (the token is then "
                  "in the HttpOnly cookie mallkit_member)"},
        "expires_at": {"type": "string", "format": "date-time"},
        "created": {"type": "boolean"},
        "member": {"$ref": "#/components/schemas/Member"},
    },
})
OPENAPI.schema("MemberNotice", {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
                   "title": {"type": "string"}, "body": {"type": "string"},
                   "data": {"type": "object"}, "read": {"type": "boolean"},
                   "created_at": {"type": "string", "format": "date-time"}},
})
