"""Points API: the member's balance, what expires soon, the ledger, the shop's rules."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.modules.members.auth import current_member, member_required
from runtime.modules.points import service
from runtime.modules.points.models import PointEntry
from runtime.modules.points.settings import points_settings
from runtime.tenancy import db

points_api = shop_api_blueprint("points_api", __name__)

REASONS = {"order_paid": "购物奖励", "order_deduction": "下单抵扣", "order_closed": "订单关闭退回",
           "order_refund_return": "退款退回", "order_refund_reverse": "退款扣回",
           "signup": "注册奖励", "bind_phone": "绑定手机奖励", "complete_profile": "完善资料奖励",
           "signin": "签到奖励", "signin_makeup": "补签", "signin_milestone": "签到里程碑奖励",
           "birthday_gift": "生日礼", "expired": "积分过期", "manual_adjustment": "商家调整",
           "gift": "赠送", "import": "原系统迁移", "pointsmall_exchange": "积分兑换",
           "pointsmall_return": "兑换退回", "invite_reward": "邀请有礼",
           "invite_reward_back": "邀请奖励收回"}

OPENAPI = ApiComponents()
OPENAPI.schema("PointsSummary", {
    "type": "object",
    "properties": {
        "balance": {"type": "integer"},
        "expiring": {"type": "array", "items": {"type": "object", "properties": {
            "expires_at": {"type": "string", "format": "date-time"},
            "points": {"type": "integer"}}}},
        "rules": {"type": "object"},
        "entries": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"}, "delta": {"type": "integer"},
            "balance_after": {"type": "integer"}, "reason": {"type": "string"},
            "label": {"type": "string"}, "created_at": {"type": "string"},
            "expires_at": {"type": ["string", "null"]}}}},
        "next_before_id": {"type": ["integer", "null"]},
    },
})


def entry_dict(entry: PointEntry) -> dict[str, Any]:
    return {"id": entry.id, "kind": entry.kind, "delta": entry.delta,
            "balance_after": entry.balance_after, "reason": entry.reason,
            "label": REASONS.get(entry.reason, entry.reason),
            "ref_type": entry.ref_type, "ref_id": entry.ref_id,
            "created_at": entry.created_at.isoformat(),
            "expires_at": entry.expires_at.isoformat() if entry.expires_at and entry.delta > 0
            else None}


def _before_id() -> int | None:
    raw = request.args.get("before_id")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise ValidationFailed.single("/before_id", "an entry id", "type")
    return int(raw)


@points_api.get("/me/points")
@member_required
@operation(tags=["points"], responses={"200": json_response("PointsSummary")},
           parameters=[{"name": "before_id", "in": "query", "required": False,
                        "schema": {"type": "integer"}, "description": "page before this entry"}])
def my_points():
    """The member's points: balance, soon-expiring lots, the ledger (20 per page)."""
    session, member = db(), current_member()
    settings = points_settings(session)
    entries = service.history(session, member.id, limit=20, before_id=_before_id())
    return jsonify({
        "balance": service.balance_of(session, member.id),
        "expiring": [{"expires_at": at.isoformat(), "points": pts} for at, pts in
                     service.expiring_soon(session, member.id, settings.expiry_notice_days)],
        "rules": {"earn_points_per_yuan": settings.earn_points_per_yuan,
                  "deduction_enabled": settings.deduction_enabled,
                  "deduction_points_per_yuan": settings.deduction_points_per_yuan,
                  "deduction_max_percent": settings.deduction_max_percent,
                  "expiry_policy": settings.expiry_policy},
        "entries": [entry_dict(e) for e in entries],
        "next_before_id": entries[-1].id if len(entries) == 20 else None,
    })
