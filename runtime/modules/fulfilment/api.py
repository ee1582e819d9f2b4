"""Shopper-facing fulfilment API: checkout options, pickup points and an order's pickup
code (with QR)."""

from __future__ import annotations

from flask import jsonify, url_for

from runtime.api import shop_api_blueprint
from runtime.api.openapi import operation
from runtime.errors import NotFound
from runtime.modules.fulfilment import service
from runtime.modules.fulfilment.shipping import pickup_code_of, pickup_qr_svg
from runtime.modules.members.auth import (
    current_member,
    member_required,
)
from runtime.modules.orders import addresses
from runtime.modules.orders.errors import OrderErrorCode
from runtime.modules.orders.service import get_order
from runtime.modules.orders.settings import get_settings
from runtime.tenancy import db

fulfilment_api = shop_api_blueprint("fulfilment_api", __name__)


@fulfilment_api.get("/pickup-points")
@operation(tags=["fulfilment"])
def pickup_points():
    """The shop's active self-pickup points."""
    items = [service.pickup_point_dict(p)
             for p in service.list_pickup_points(db(), active_only=True)]
    return jsonify({"items": items})


@fulfilment_api.get("/orders/<int:order_id>/pickup-code")
@member_required
@operation(tags=["fulfilment"])
def pickup_code(order_id: int):
    """The pickup code of my paid self-pickup order, and its QR code (SVG) for the store."""
    order = get_order(db(), order_id, member_id=current_member().id)
    code = pickup_code_of(db(), order.id)
    if code is None:
        raise NotFound("this order has no pickup code (not a paid self-pickup order)",
                       code=OrderErrorCode.PICKUP_CODE_NOT_FOUND.value)
    verify_url = url_for("orders_console.pickup_verify", code=code.code, _external=True) \
        if _console_has_pickup() else code.code
    return jsonify({"code": code.code, "verified_at": code.verified_at.isoformat()
                    if code.verified_at else None, "pickup_point": order.pickup_point,
                    "qr_content": verify_url, "qr_svg": pickup_qr_svg(verify_url)})


def _console_has_pickup() -> bool:
    from flask import current_app

    return "orders_console.pickup_verify" in current_app.view_functions


@fulfilment_api.get("/checkout/options")
@member_required
@operation(tags=["checkout"])
def checkout_options():
    """What the shop offers at checkout: fulfilment methods, pickup points, payment methods."""
    settings = get_settings(db())
    points = [service.pickup_point_dict(p)
              for p in service.list_pickup_points(db(), active_only=True)]
    default = addresses.default_address(db(), current_member().id)
    db().commit()
    return jsonify({
        "fulfilment": [m for m, on in (("express", settings.allow_express),
                                       ("pickup", settings.allow_pickup and bool(points)),
                                       ("local", settings.allow_local)) if on],
        "payment_methods": [m for m, on in (("wechatpay", settings.allow_wechatpay),
                                            ("wallet", settings.allow_wallet),
                                            ("cod", settings.allow_cod)) if on],
        "pickup_points": points, "invoice_enabled": settings.invoice_enabled,
        "default_address": addresses.address_dict(default) if default else None,
        "unpaid_timeout_minutes": settings.unpaid_timeout_minutes,
    })
