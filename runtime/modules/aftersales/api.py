"""The buyer's after-sales API under ``/api/v1/shops/<shop>/``: ``aftersales`` (apply, list),
``aftersales/photos`` (upload a photo first), ``aftersales/<id>``, ``.../cancel``,
``.../return-shipment``. A request of another member or shop answers 404."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import FieldError, ValidationFailed
from runtime.extension import state
from runtime.http import json_body
from runtime.media.errors import too_large
from runtime.media.processing import MediaLimits
from runtime.media.refs import asset_url
from runtime.modules.aftersales import photos, service
from runtime.modules.aftersales.models import AfterSaleKind, AfterSaleStatus
from runtime.modules.aftersales.serializers import aftersale_detail, aftersale_summary
from runtime.modules.members.auth import current_member, member_required
from runtime.tenancy import db

aftersales_api = shop_api_blueprint("aftersales_api", __name__)
TAGS = ["aftersales"]

OPENAPI = ApiComponents()
OPENAPI.schema("AfterSale", {"type": "object", "properties": {
    "id": {"type": "integer"}, "no": {"type": "string"}, "order_id": {"type": "integer"},
    "line_id": {"type": "integer"}, "kind": {"enum": [k.value for k in AfterSaleKind]},
    "status": {"enum": [s.value for s in AfterSaleStatus]},
    "status_label": {"type": "string"}, "qty": {"type": "integer"},
    "amount_fen": {"type": "integer"}, "freight_fen": {"type": "integer"},
    "total_fen": {"type": "integer"}, "reason": {"type": "string"},
    "return_address": {"type": ["object", "null"]},
    "history": {"type": "array", "items": {"type": "object"}}}})
OPENAPI.schema("AfterSalePage", {"type": "object", "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AfterSale"}},
    "next_cursor": {"type": ["integer", "null"]}}})
CREATE_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["order_id", "line_id", "kind", "amount_fen", "reason"],
    "properties": {
        "order_id": {"type": "integer", "minimum": 1}, "line_id": {"type": "integer",
                                                                  "minimum": 1},
        "kind": {"enum": [k.value for k in AfterSaleKind]},
        "amount_fen": {"type": "integer", "minimum": 0,
                       "description": "At most what the line paid less what was refunded; "
                                      "0 for an exchange"},
        "qty": {"type": "integer", "minimum": 1}, "reason": {"type": "string",
                                                             "maxLength": 80},
        "description": {"type": "string", "maxLength": 500},
        "images": {"type": "array", "maxItems": 9, "items": {
            "type": "object", "required": ["media_id"],
            "properties": {"media_id": {"type": "integer"}}}}}}}}}
DETAIL = {"200": json_response("AfterSale"), "404": {"description": "No such request of "
                                                                    "mine"},
          "409": {"description": "Not allowed in the request's status"}}


def _detail(aftersale) -> dict[str, Any]:
    lines = service.lines_of(db(), [aftersale])
    return aftersale_detail(db(), aftersale, lines.get(aftersale.line_id),
                            service.history(db(), aftersale.id))


def _done(aftersale, status: int = 200):
    db().commit()
    response = jsonify(_detail(aftersale))
    response.status_code = status
    return response


@aftersales_api.post("/aftersales")
@member_required
@operation(tags=TAGS, requestBody=CREATE_BODY, responses={
    "201": json_response("AfterSale", "Created"),
    "404": {"description": "Not my order"},
    "409": {"description": "aftersale_already_open, aftersale_window_closed, "
                           "aftersale_kind_not_allowed, order_not_refundable"},
    "422": {"description": "A field is wrong (e.g. /amount_fen above what is refundable)"}})
def create():
    """Ask for a refund, a return or an exchange of one line of my order."""
    return _done(service.create_request(db(), current_member().id, json_body()), 201)


@aftersales_api.get("/aftersales")
@member_required
@operation(tags=TAGS, parameters=[
    {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
    responses={"200": json_response("AfterSalePage")})
def my_aftersales():
    """My after-sale requests, newest first (``before``: the last id of the previous page)."""
    raw = request.args.get("before", "")
    if raw and not raw.isdigit():
        raise ValidationFailed.single("/before", "an id from the previous page")
    rows = service.list_for_member(db(), current_member().id, int(raw) if raw else None)
    lines = service.lines_of(db(), rows)
    db().commit()
    return jsonify({"items": [aftersale_summary(a, lines.get(a.line_id)) for a in rows],
                    "next_cursor": rows[-1].id if len(rows) == service.PAGE_SIZE else None})


@aftersales_api.post("/aftersales/photos")
@member_required
@operation(tags=TAGS, requestBody={"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}},
    responses={"201": {"description": "Stored: ``{media_id, url}`` to put in ``images``"},
               "422": {"description": "Not an image (``/file``)"}})
def upload_photo():
    """Upload a photo for a request (multipart ``file``; what ``wx.uploadFile`` sends)."""
    limits = MediaLimits.from_settings(state().settings)
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise too_large("a photo is at most the shop's upload limit") from None
    if upload is None:
        raise ValidationFailed([FieldError("/file", "choose a photo", "required")])
    asset = photos.upload_photo(db(), upload.read(limits.max_bytes + 1), upload.filename or "")
    db().commit()
    return jsonify({"media_id": asset.id, "url": asset_url(asset)}), 201


@aftersales_api.get("/aftersales/<int:aftersale_id>")
@member_required
@operation(tags=TAGS, responses=DETAIL)
def my_aftersale(aftersale_id: int):
    """One of my requests with its history and the shop's return address."""
    return _done(service.get_aftersale(db(), aftersale_id, current_member().id))


@aftersales_api.post("/aftersales/<int:aftersale_id>/cancel")
@member_required
@operation(tags=TAGS, responses=DETAIL)
def cancel(aftersale_id: int):
    """Withdraw my request (before the goods are sent back)."""
    return _done(service.cancel(db(), aftersale_id, current_member().id))


@aftersales_api.post("/aftersales/<int:aftersale_id>/return-shipment")
@member_required
@operation(tags=TAGS, responses=DETAIL, requestBody={"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["carrier", "tracking_no"],
                                    "properties": {
                                        "carrier": {"type": "string", "maxLength": 40},
                                        "tracking_no": {"type": "string",
                                                        "maxLength": 40}}}}}})
def return_shipment(aftersale_id: int):
    """I sent the goods back: the carrier and tracking number."""
    return _done(service.ship_back(db(), aftersale_id, current_member().id, json_body()))
