"""Seckill API under ``/api/v1/shops/<shop>/``: ``seckill/slots``, ``seckill/activities``,
``seckill/activities/<id>``, ``seckill/live`` (short-cached live stock), the order token,
``POST seckill/orders`` (202 + ticket) and ``seckill/tickets/<ticket>``. Every endpoint
answers 404 ``module_disabled`` while the shop has the module off."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from runtime import logs
from runtime.api import (
    API_PREFIX,
    render_shell_page,
    shop_api_blueprint,
    shop_pages_blueprint,
)
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.clock import utcnow
from runtime.errors import NotFound
from runtime.extension import state
from runtime.http import json_body
from runtime.modules.members.auth import (
    BEARER,
    ScriptCaller,
    current_member_id,
    member_required,
)
from runtime.modules.seckill import front, gate, live, ordering, service
from runtime.modules.seckill.errors import module_off
from runtime.tenancy import current_shop, db, read_mostly, scope_request

seckill_api = shop_api_blueprint("seckill_api", __name__)
TAGS = ["seckill"]
LIVE_MAX_AGE = 2

OPENAPI = ApiComponents()
_TIMING = {"state": {"enum": ["running", "not_started", "ended", "off"]},
           "slot_id": {"type": ["integer", "null"]},
           "starts_at": {"type": ["string", "null"], "format": "date-time"},
           "ends_at": {"type": ["string", "null"], "format": "date-time"}}
OPENAPI.schema("SeckillSlot", {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "start": {"type": "string", "examples": ["10:00"]},
    "end": {"type": "string", "examples": ["12:00"]}}})
OPENAPI.schema("SeckillActivity", {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, **_TIMING,
    "slots": {"type": "array", "items": {"$ref": "#/components/schemas/SeckillSlot"}},
    "skus": {"type": "array", "items": {"type": "object", "properties": {
        "sku_id": {"type": "integer"}, "product_id": {"type": "integer"},
        "title": {"type": "string"}, "price_fen": {"type": "integer"},
        "seckill_price_fen": {"type": "integer"}, "stock": {"type": "integer"},
        "sold": {"type": "integer"}, "left": {"type": "integer"},
        "per_order_limit": {"type": "integer"}, "per_user_limit": {"type": "integer"}}}}}})
OPENAPI.schema("SeckillTicket", {"type": "object", "properties": {
    "ticket": {"type": "string"}, "status": {"enum": ["queued", "created", "failed"]},
    "order_id": {"type": ["integer", "null"]}, "reason": {"type": ["string", "null"]}}})
_ORDER_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["activity_id", "sku_id", "token"],
    "properties": {"activity_id": {"type": "integer", "minimum": 1},
                   "sku_id": {"type": "integer", "minimum": 1},
                   "qty": {"type": "integer", "minimum": 1, "maximum": 999},
                   "token": {"type": "string"},
                   "fulfilment": {"enum": ["express", "pickup", "local"]},
                   "address_id": {"type": "integer", "minimum": 1},
                   "pickup_point_id": {"type": "integer", "minimum": 1},
                   "remark": {"type": "string", "maxLength": 200}}}}}}


def _shop_id() -> int:
    shop = current_shop()
    assert shop is not None
    return shop.id


@seckill_api.get("/seckill/slots")
@operation(tags=TAGS, responses={"200": {"description": "The shop's daily slots", "content": {
    "application/json": {"schema": {"type": "object", "properties": {"items": {
        "type": "array", "items": {"$ref": "#/components/schemas/SeckillSlot"}}}}}}}})
def slots():
    """The shop's daily seckill slots (场次) in shop time."""
    return jsonify({"items": [service.slot_json(s) for s in service.list_slots(db())],
                    "now": utcnow().isoformat()})


@seckill_api.get("/seckill/activities")
@operation(tags=TAGS, responses={"200": {"description": "Activities not ended", "content": {
    "application/json": {"schema": {"type": "object", "properties": {"items": {
        "type": "array", "items": {"$ref": "#/components/schemas/SeckillActivity"}}}}}}}})
def activities():
    """Activities that are on and not ended, with their timing (server time) and SKUs."""
    session = db()
    zone, now = service.zone(session), utcnow()
    items = [service.activity_json(session, v, zone, now) for v in service.load_activities(session)
             if v.activity.enabled]
    return jsonify({"items": [i for i in items if i["state"] != "ended"], "now": now.isoformat()})


@seckill_api.get("/seckill/activities/<int:activity_id>")
@operation(tags=TAGS, responses={"200": json_response("SeckillActivity")})
def activity(activity_id: int):
    """One activity: ``state`` running / not_started / ended and its window's times."""
    session = db()
    view = service.get_activity(session, activity_id)
    if not view.activity.enabled:
        raise NotFound("no such seckill activity")
    now = utcnow()
    return jsonify({**service.activity_json(session, view, service.zone(session), now),
                    "now": now.isoformat()})


@seckill_api.get("/seckill/live")
@operation(tags=TAGS, responses={"200": {"description": "Live stock of running and coming "
                                                        "activities (cached 2 s)"}})
def live_stock():
    """Sold and left per activity SKU now, for the blocks' progress bars (short-cached)."""
    session = db()
    body = live.live_board(session, state().redis, _shop_id(), public=True)
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/json")
    response.headers["Cache-Control"] = f"public, max-age={LIVE_MAX_AGE}"
    return response


@seckill_api.get("/seckill/activities/<int:activity_id>/token")
@member_required
@operation(tags=TAGS, responses={"200": {"description": "The order token of the running slot"},
                                 "409": {"description": "Not started / ended"}})
def order_token(activity_id: int):
    """An order token, issued only once the slot has opened (server time)."""
    session = db()
    view = service.get_activity(session, activity_id)
    if not view.activity.enabled:
        raise NotFound("no such seckill activity")
    return jsonify(ordering.issue_token(session, current_app.config["SECRET_KEY"], _shop_id(),
                                        activity_id, current_member_id()))


# --- the gate's endpoint -------------------------------------------------------------------

#: ``POST .../seckill/orders`` alone: it enters the shop through :mod:`.front` (no table read
#: while the process holds the shop's front; the switch is checked there, so the optional-module
#: guard, which reads the database, has no shop to check) in a reader's transaction.
seckill_gate_api = Blueprint("seckill_gate_api", __name__,
                             url_prefix=f"{API_PREFIX}/shops/<shop_slug>")


@seckill_gate_api.url_value_preprocessor
def enter_front(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is None or "shop_slug" not in values:
        return
    read_mostly()
    g.seckill_front = found = front.front_for(values.pop("shop_slug"), db)
    scope_request(found.shop_id)
    logs.bind(shop=found.slug, shop_id=found.shop_id)
    if not found.enabled:
        raise module_off()


@seckill_gate_api.post("/seckill/orders")
@operation(tags=TAGS, requestBody=_ORDER_BODY, security=[BEARER],
           responses={"202": json_response("SeckillTicket", "Queued"),
                      "401": {"description": "No live member token"},
                      "409": {"description": "Not started, ended, limit reached or sold out"},
                      "422": {"description": "A bad field or over the per-order limit"},
                      "429": {"description": "Too many attempts (Retry-After)"}})
def place_order():
    """Try to buy: the gate answers at once; the order is created by a job (poll the ticket).
    The gate checks the member token's cached grant too, so a refusal costs its one Redis
    call and no SQL."""
    caller = ScriptCaller()
    request = ordering.parse_order_request(json_body())
    shop: front.Front = g.seckill_front
    ticket = ordering.place(db, state().redis, shop.shop_id, caller, request,
                            attempts=shop.attempts, secret=current_app.config["SECRET_KEY"])
    response = jsonify(ticket.as_dict())
    response.status_code = 202
    response.headers["Location"] = f"{API_PREFIX}/shops/{shop.slug}/seckill/tickets/" \
                                   f"{ticket.ticket}"
    return response


@seckill_api.get("/seckill/tickets/<ticket>")
@member_required
@operation(tags=TAGS, responses={"200": json_response("SeckillTicket")})
def ticket_status(ticket: str):
    """queued, created (``order_id``) or failed (``reason``)."""
    found = gate.read_ticket(state().redis, _shop_id(), ticket) if ticket.isalnum() \
        and len(ticket) <= 40 else None
    if found is None or found.member_id != current_member_id():
        raise NotFound("no such ticket")
    return jsonify(found.as_dict())


# --- the H5 seckill page ----------------------------------------------------------------------

seckill_h5 = shop_pages_blueprint("seckill", __name__)


@seckill_h5.get("/seckill/<int:activity_id>")
def seckill_page(activity_id: int):
    """The H5 seckill page of an activity (``?sku=``): the product at its seckill price, the
    countdown by server time, sold progress, 马上抢 through the same API as the mini-program,
    and a share link; the shell of the storefront's pages, rendered by ``seckill.js``."""
    view = service.get_activity(db(), activity_id)
    if not view.activity.enabled:
        raise NotFound("no such seckill activity")
    return render_shell_page("seckill", "page.html", view.activity.title,
                             activity_id=activity_id,
                             sku_id=request.args.get("sku", type=int) or 0)
