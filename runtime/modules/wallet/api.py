"""Wallet API: the member's balance and ledger, top-up tiers, top-ups through WeChat Pay,
and the notify endpoint WeChat Pay calls for top-ups and payouts."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.http import json_body
from runtime.modules.members.auth import current_member, member_required
from runtime.modules.members.serializers import card_dict
from runtime.modules.wallet import cards, service, wechatpay
from runtime.modules.wallet.models import TopUp, WalletEntry
from runtime.modules.wallet.settings import wallet_settings
from runtime.tenancy import current_shop, db
from runtime.wechat import notify

wallet_api = shop_api_blueprint("wallet_api", __name__)
TAGS = ["wallet"]

OPENAPI = ApiComponents()
OPENAPI.schema("TopUp", {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "out_trade_no": {"type": "string"},
                   "amount_fen": {"type": "integer"}, "bonus_fen": {"type": "integer"},
                   "status": {"enum": ["pending", "paid", "closed"]},
                   "paid_at": {"type": ["string", "null"]}},
})
OPENAPI.schema("Wallet", {
    "type": "object",
    "properties": {
        "balance_fen": {"type": "integer"}, "principal_fen": {"type": "integer"},
        "bonus_fen": {"type": "integer"},
        "tiers": {"type": "array", "items": {"type": "object", "properties": {
            "pay_fen": {"type": "integer"}, "bonus_fen": {"type": "integer"}}}},
        "entries": {"type": "array", "items": {"type": "object"}},
        "next_before_id": {"type": ["integer", "null"]},
    },
})


def topup_dict(topup: TopUp) -> dict[str, Any]:
    return {"id": topup.id, "out_trade_no": topup.out_trade_no, "amount_fen": topup.amount_fen,
            "bonus_fen": topup.bonus_fen, "status": topup.status,
            "paid_at": topup.paid_at.isoformat() if topup.paid_at else None}


def entry_dict(entry: WalletEntry) -> dict[str, Any]:
    return {"id": entry.id, "kind": entry.kind, "delta_fen": entry.delta_fen,
            "principal_delta_fen": entry.principal_delta_fen,
            "bonus_delta_fen": entry.bonus_delta_fen,
            "balance_after_fen": entry.principal_after_fen + entry.bonus_after_fen,
            "reason": entry.reason, "ref_type": entry.ref_type, "ref_id": entry.ref_id,
            "created_at": entry.created_at.isoformat()}


def _shop_wechat() -> Any:
    from runtime.modules.payments.accounts import shop_wechat

    shop = current_shop()
    assert shop is not None
    return shop_wechat(db(), shop.id, shop.slug)


@wallet_api.get("/wallet/tiers")
@operation(tags=TAGS)
def topup_tiers():
    """The shop's top-up tiers (充 X 送 Y) and limits."""
    settings = wallet_settings(db())
    return jsonify({"enabled": settings.topup_enabled,
                    "tiers": [{"pay_fen": t.pay_fen, "bonus_fen": t.bonus_fen}
                              for t in settings.topup_tiers],
                    "allow_custom_amount": settings.allow_custom_amount,
                    "min_topup_fen": settings.min_topup_fen,
                    "max_topup_fen": settings.max_topup_fen})


@wallet_api.get("/me/wallet")
@member_required
@operation(tags=TAGS, responses={"200": json_response("Wallet")},
           parameters=[{"name": "before_id", "in": "query", "required": False,
                        "schema": {"type": "integer"}}])
def my_wallet():
    """The member's balance (principal and bonus) and its ledger, 20 entries per page."""
    raw = request.args.get("before_id", "")
    if raw and not raw.isdigit():
        raise ValidationFailed.single("/before_id", "an entry id", "type")
    session, member = db(), current_member()
    entries = service.history(session, member.id, limit=20,
                              before_id=int(raw) if raw else None)
    settings = wallet_settings(session)
    return jsonify({**service.balance_of(session, member.id).as_dict(),
                    "tiers": [{"pay_fen": t.pay_fen, "bonus_fen": t.bonus_fen}
                              for t in settings.topup_tiers],
                    "entries": [entry_dict(e) for e in entries],
                    "next_before_id": entries[-1].id if len(entries) == 20 else None})


@wallet_api.post("/me/wallet/topups")
@member_required
@operation(tags=TAGS, requestBody={"content": {"application/json": {"schema": {
    "type": "object", "required": ["amount_fen"],
    "properties": {"amount_fen": {"type": "integer", "minimum": 1}}}}}},
    responses={"201": {"description": "The top-up and the wx.requestPayment parameters",
                       "content": {"application/json": {"schema": {
                           "type": "object", "properties": {
                               "topup": {"$ref": "#/components/schemas/TopUp"},
                               "request_payment": {"type": ["object", "null"]},
                               "h5_url": {"type": ["string", "null"]},
                               "simulated": {"type": "boolean"}}}}}}})
def create_topup():
    """Start a top-up: the bonus of its tier is fixed now; pay with wx.requestPayment, or in
    a browser (phone login) through WeChat Pay H5's ``h5_url``."""
    body = json_body()
    if "amount_fen" not in body:
        raise ValidationFailed.single("/amount_fen", "'amount_fen' is required", "required")
    session, member = db(), current_member()
    shop = current_shop()
    assert shop is not None
    service.check_topup_amount(wallet_settings(session), body["amount_fen"])
    topup, payment = wechatpay.start_topup(
        session, member.id, member.openid, body["amount_fen"], wechat=_shop_wechat(),
        shop_id=shop.id, shop_slug=shop.slug, client_ip=request.remote_addr or "")
    return jsonify({"topup": topup_dict(topup), "request_payment": None, "h5_url": None,
                    "simulated": topup.simulated, **payment}), 201


@wallet_api.get("/me/wallet/topups/<int:topup_id>")
@member_required
@operation(tags=TAGS, responses={"200": json_response("TopUp")})
def get_topup(topup_id: int):
    """One of the member's top-ups (poll it after wx.requestPayment)."""
    return jsonify(topup_dict(service.get_topup(db(), topup_id, current_member().id)))


@wallet_api.post("/wallet/wechatpay/notify")
@operation(tags=TAGS, security=[], responses={
    "204": {"description": "Received (also for a replay of a handled notification)"},
    "400": {"description": "WeChat's {code, message}: malformed or undecryptable"},
    "401": {"description": "WeChat's {code, message}: signature invalid or stale"}})
def wechatpay_notify():
    """WeChat Pay notifications for top-ups and payouts (signed, encrypted)."""
    def apply() -> str:
        from runtime.modules.payments.accounts import parse_notification

        shop = current_shop()
        assert shop is not None
        notification = parse_notification(db(), shop.id, shop.slug, request.headers,
                                          request.get_data())
        outcome = wechatpay.handle_notification(db(), notification)
        return f"{notification.event_type} {notification.id}: {outcome}"

    return notify.receive(db(), f"the wallet of {current_shop().slug}", apply)


@wallet_api.post("/me/cards")
@member_required
@operation(tags=["members"], parameters=[{"name": "Idempotency-Key", "in": "header",
                                          "required": True,
                                          "schema": {"type": "string", "maxLength": 64}}],
           requestBody={"content": {"application/json": {"schema": {
               "type": "object", "required": ["plan_id"],
               "properties": {"plan_id": {"type": "integer"}}}}}},
           responses={"201": {"description": "The card bought"}})
def buy_card():
    """Buy a paid membership card (members) with the stored-value balance."""
    body = json_body()
    if "plan_id" not in body:
        raise ValidationFailed.single("/plan_id", "'plan_id' is required", "required")
    plan_id = body["plan_id"]
    if isinstance(plan_id, bool) or not isinstance(plan_id, int):
        raise ValidationFailed.single("/plan_id", "a card plan id", "type")
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed.single("/headers/Idempotency-Key", "an Idempotency-Key header "
                                      "of 1-64 characters is required", "required")
    session = db()
    card = cards.buy_with_balance(session, current_member().id, plan_id, request_key=key)
    session.commit()
    return jsonify(card_dict(card)), 201
