"""Audit log screens: a shop's owners see their shop's events, platform admins every event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from builder import forms, nav
from builder.auth import current_membership, current_user, require_login, shop_blueprint
from runtime.accounts.models import Role
from runtime.audit import service
from runtime.audit.models import AuditEvent
from runtime.audit.service import Action
from runtime.errors import Forbidden, NotFound
from runtime.fielderrors import FieldErrors
from runtime.tenancy import current_shop, db

ACTION_LABELS = {
    Action.LOGIN_SUCCEEDED: _l("Logged in"),
    Action.LOGIN_FAILED: _l("Failed login"),
    Action.PLATFORM_ADMIN_ENTERED_SHOP: _l("Platform admin entered the shop"),
    Action.STAFF_INVITED: _l("Staff invited"),
    Action.STAFF_INVITATION_REVOKED: _l("Staff invitation revoked"),
    Action.STAFF_JOINED: _l("Staff joined"),
    Action.STAFF_REMOVED: _l("Staff removed"),
    Action.STAFF_ROLE_CHANGED: _l("Staff role changed"),
    Action.WECHATPAY_CREDENTIALS_CHANGED: _l("WeChat Pay credentials changed"),
    Action.SECRETS_ROTATED: _l("Stored credentials re-sealed"),
    Action.EXPORT_DOWNLOADED: _l("Export downloaded"),
    Action.DISTRIBUTION_REFERRER_CHANGED: _l("Referrer changed (distribution)"),
    Action.DISTRIBUTION_RULESET_ACKNOWLEDGED: _l("Legal notice accepted (distribution rule set)"),
    Action.DISTRIBUTION_RULESET_SWITCHED: _l("Distribution rule set switched"),
    Action.MERCHANT_REFUND: _l("Merchant refund"),
}

shop_audit = shop_blueprint("console_audit", __name__)
platform_audit = Blueprint("console_platform_audit", __name__, url_prefix="/console")


def _filters() -> tuple[int | None, str | None]:
    errors = FieldErrors()
    raw = request.args.get("before", "")
    before = int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None
    errors.check(not raw or before is not None, "/before", "an event id", "range")
    action = request.args.get("action") or None
    if action is not None and action not in ACTION_LABELS:
        errors.add("/action", "unknown action", "enum")
    errors.raise_if_any()
    return before, action


def _event_json(event: AuditEvent) -> dict[str, Any]:
    return {"id": event.id, "shop_id": event.shop_id, "action": event.action,
            "actor": event.actor, "actor_user_id": event.actor_user_id,
            "target": event.target, "detail": event.detail, "ip": event.ip,
            "request_id": event.request_id, "created_at": event.created_at.isoformat()}


def _answer(events: list[AuditEvent], scope: str) -> ResponseReturnValue:
    more = events[-1].id if len(events) == service.PAGE_SIZE else None
    if forms.wants_json():
        return jsonify({"events": [_event_json(e) for e in events], "next_before": more})
    return render_template("console/audit.html", events=events, scope=scope, next_before=more,
                           labels=ACTION_LABELS, action=request.args.get("action", ""))


@shop_audit.get("/audit")
def shop_events() -> ResponseReturnValue:
    """The shop's events, for its owners (a platform admin inside the shop sees them too)."""
    member = current_membership()
    user = current_user()
    is_platform = user is not None and user.is_platform_admin
    if not is_platform and (member is None or member.role != Role.OWNER):
        raise Forbidden(_l("Only the shop's owners can read its audit log."),
                        code="owner_only")
    before, action = _filters()
    assert current_shop() is not None
    return _answer(list(service.shop_events(db(), before_id=before, action=action)), "shop")


@platform_audit.get("/platform/audit")
@require_login
def all_events() -> ResponseReturnValue:
    user = current_user()
    if user is None or not user.is_platform_admin:
        raise NotFound("not found", code="not_found")
    before, action = _filters()
    return _answer(list(service.all_events(db(), before_id=before, action=action)), "platform")


def init_app(app: Flask) -> None:
    app.register_blueprint(shop_audit)
    app.register_blueprint(platform_audit)
    nav.register(app, "settings", _l("Audit log"), "console_audit.shop_events", order=30)
