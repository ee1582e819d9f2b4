"""Distribution API under ``/api/v1/shops/<shop>/distribution/``: ``apply``, ``bind``, ``me``,
``commissions``, ``team``, ``withdrawals``, ``poster``. Every endpoint answers 404
``module_disabled`` while the shop has the module off."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.http import json_body
from runtime.modules.distribution import ledger, posters, service, withdrawals
from runtime.modules.distribution.models import (
    Application,
    Commission,
    DistributorLevel,
)
from runtime.modules.distribution.settings import distribution_settings
from runtime.modules.members.auth import current_member, member_required
from runtime.tenancy import db

distribution_api = shop_api_blueprint("distribution_api", __name__)
TAGS = ["distribution"]
PREFIX = "/distribution"

OPENAPI = ApiComponents()
OPENAPI.schema("DistributionMe", {
    "type": "object",
    "properties": {
        "enrolment": {"type": "string", "enum": ["everyone", "apply", "threshold"]},
        "is_distributor": {"type": "boolean"},
        "distributor": {"type": ["object", "null"], "properties": {
            "code": {"type": "string"}, "status": {"type": "string"},
            "level": {"type": ["string", "null"]}, "share_query": {"type": "string"}}},
        "earnings": {"type": "object", "properties": {
            "pending_fen": {"type": "integer"}, "available_fen": {"type": "integer"},
            "frozen_fen": {"type": "integer"}, "withdrawn_fen": {"type": "integer"},
            "settled_fen": {"type": "integer"}}},
        "referrer_member_id": {"type": ["integer", "null"]},
        "application": {"type": ["object", "null"]},
        "form": {"type": "array", "items": {"type": "object"}},
        "withdraw": {"type": "object"},
    },
})
OPENAPI.schema("Commission", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "order_no": {"type": "string"}, "level": {"type": "integer"},
        "base_fen": {"type": "integer"}, "amount_fen": {"type": "integer"},
        "status": {"type": "string", "enum": ["pending", "settled", "cancelled"]},
        "due_at": {"type": ["string", "null"]}, "settled_at": {"type": ["string", "null"]},
    },
})
OPENAPI.schema("Withdrawal", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "no": {"type": "string"},
        "method": {"type": "string", "enum": ["wallet", "bank", "wechat"]},
        "amount_fen": {"type": "integer"}, "fee_fen": {"type": "integer"},
        "net_fen": {"type": "integer"},
        "status": {"type": "string",
                   "enum": ["auditing", "rejected", "approved", "paid", "failed"]},
        "reason": {"type": "string"}, "applied_at": {"type": "string"},
        "transfer_state": {"type": "string", "description":
                           "WeChat change: the transfer bill's state at WeChat Pay"},
        "paid_at": {"type": ["string", "null"]},
    },
})


@distribution_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


def _before() -> int | None:
    raw = request.args.get("before")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed.single("/before", "an id", "type")
    return int(raw)


def commission_dict(row: Commission) -> dict[str, Any]:
    return {"id": row.id, "order_no": row.order_no, "level": row.level, "rule": row.rule,
            "base_fen": row.base_fen, "amount_fen": row.amount_fen, "status": row.status,
            "due_at": row.due_at.isoformat() if row.due_at else None,
            "settled_at": row.settled_at.isoformat() if row.settled_at else None}


def me_dict(session: Any, member_id: int) -> dict[str, Any]:
    settings = distribution_settings(session)
    d = service.distributor_of(session, member_id)
    level = session.get(DistributorLevel, d.level_id) if d and d.level_id else None
    application = session.scalar(select(Application).where(Application.member_id == member_id)
                                 .order_by(Application.id.desc()))
    return {
        "enrolment": settings.enrolment,
        "is_distributor": d is not None,
        "distributor": {"code": d.code, "status": d.status,
                        "level": level.name if level else None,
                        "share_query": f"from={d.code}"} if d else None,
        "earnings": ledger.earnings(session, member_id),
        "referrer_member_id": service.referrer_of(session, member_id),
        "application": {"id": application.id, "status": application.status,
                        "reason": application.reason} if application else None,
        "form": [{"key": f.key, "label": f.label, "required": f.required}
                 for f in settings.application_fields],
        "withdraw": {"min_fen": settings.withdraw_min_fen,
                     "fee_rate": str(settings.withdraw_fee_rate),
                     "daily_limit_fen": settings.withdraw_daily_limit_fen,
                     "methods": withdrawals._methods(settings)},
    }


@distribution_api.get(f"{PREFIX}/me")
@member_required
@operation(tags=TAGS, responses={"200": json_response("DistributionMe")})
def me():
    """The distributor centre: status, code, earnings (estimated, available, frozen,
    withdrawn), referrer, application and withdrawal rules."""
    return jsonify(me_dict(db(), current_member().id))


@distribution_api.post(f"{PREFIX}/apply")
@member_required
@operation(tags=TAGS, responses={"201": json_response("DistributionMe", "Applied")})
def apply_view():
    """Become a distributor (everyone / threshold) or apply with the shop's form."""
    body = json_body()
    session, member = db(), current_member()
    result = service.apply(session, member.id, body.get("answers"))
    session.commit()
    return jsonify({"result": result.status, **me_dict(session, member.id)}), 201


@distribution_api.post(f"{PREFIX}/bind")
@member_required
@operation(tags=TAGS)
def bind_view():
    """Bind to the distributor of ``code`` (from a share link's ``from``) under the shop's
    binding mode; ``bound: false`` with a reason when the existing binding stays."""
    body = json_body()
    session, member = db(), current_member()
    result = service.bind(session, member.id, body.get("code"))
    session.commit()
    return jsonify({"bound": result.bound, "reason": result.reason,
                    "referrer_member_id": result.binding.referrer_member_id
                    if result.binding else None})


@distribution_api.get(f"{PREFIX}/commissions")
@member_required
@operation(tags=TAGS)
def commissions_view():
    """My commissions, newest first (``status``, ``before`` for the next page)."""
    status = request.args.get("status")
    if status not in (None, "pending", "settled", "cancelled"):
        raise ValidationFailed.single("/status", "pending, settled or cancelled", "enum")
    query = select(Commission).where(
        Commission.beneficiary_member_id == current_member().id
    ).order_by(Commission.id.desc()).limit(20)
    if status:
        query = query.where(Commission.status == status)
    if (before := _before()) is not None:
        query = query.where(Commission.id < before)
    items = [commission_dict(r) for r in db().scalars(query)]
    return jsonify({"items": items, "next_before": items[-1]["id"] if len(items) == 20
                    else None})


@distribution_api.get(f"{PREFIX}/team")
@member_required
@operation(tags=TAGS)
def team_view():
    """My customers two levels deep."""
    return jsonify(service.team(db(), current_member().id))


@distribution_api.get(f"{PREFIX}/withdrawals")
@member_required
@operation(tags=TAGS)
def withdrawals_view():
    """My withdrawals, newest first."""
    rows = withdrawals.list_withdrawals(db(), member_id=current_member().id, before=_before())
    return jsonify({"items": [withdrawals.as_dict(r) for r in rows]})


@distribution_api.post(f"{PREFIX}/withdrawals")
@member_required
@operation(tags=TAGS, responses={"201": json_response("Withdrawal", "Applied")})
def withdraw_view():
    """Withdraw ``amount_fen`` to the balance (at once), WeChat change or a bank account
    (both audited)."""
    body = json_body()
    session, member = db(), current_member()
    row = withdrawals.apply(session, member.id, body)
    session.commit()
    return jsonify(withdrawals.as_dict(row)), 201


@distribution_api.get(f"{PREFIX}/withdrawals/<int:withdrawal_id>")
@member_required
@operation(tags=TAGS, responses={"200": json_response("Withdrawal")})
def withdrawal_view(withdrawal_id: int):
    """One of my withdrawals."""
    row = withdrawals.get_withdrawal(db(), withdrawal_id, current_member().id)
    return jsonify(withdrawals.as_dict(row))


@distribution_api.get(f"{PREFIX}/poster")
@member_required
@operation(tags=TAGS, responses={"200": {"description": "PNG poster",
                                         "content": {"image/png": {}}}})
def poster_view():
    """My share poster (PNG) of a product (``product_id``) or the shop, with a QR code of
    the H5 link carrying ``from=<my code>``; cached per distributor and product."""
    raw = request.args.get("product_id")
    product_id = None
    if raw is not None:
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationFailed.single("/product_id", "a product id", "type")
        product_id = int(raw)
    session = db()
    data = posters.poster_png(session, current_member().id, product_id,
                              base_url=request.host_url.rstrip("/"))
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
