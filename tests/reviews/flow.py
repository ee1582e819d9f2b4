"""Helpers for the review tests: a completed order reached through the real money path
(quote, submit, WeChat Pay simulator notification, shipment, receipt confirmed), photos
uploaded through the reviews API, and reads in short sessions of their own."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from runtime.db import use_shop
from runtime.modules.fulfilment import shipping
from runtime.modules.orders.state import Actor
from runtime.wechat.pay.simulator import send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.orders.flow import Shopper, sku_of

STAFF = Actor.merchant(None, "店员小王")


def products(factory: Any, shop: Any, *prices: int) -> list[Any]:
    """A product per price, each with one SKU in stock; returns the SKUs."""
    return [sku_of(factory, shop, factory.product(shop, price_fen=p, stock=50)) for p in prices]


def shipped_order(app: Any, factory: Any, shop: Any, buyer: Shopper, skus: list[Any]
                  ) -> dict[str, Any]:
    """An order of one of each SKU, paid (simulated WeChat Pay notification) and shipped."""
    if not getattr(buyer, "_has_address", False):
        buyer.add_address()
        buyer._has_address = True  # type: ignore[attr-defined]
    quote = buyer.quote(source="items", items=[{"sku_id": s.id, "qty": 1} for s in skus])
    order = buyer.submit(quote["quote_id"]).json
    buyer.pay(order["id"])
    with app.app_context():
        assert send_payment_notification(order["order_no"], transport=AppTransport(app)).accepted
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
        tracking_no="YT123456", actor=STAFF)
    return buyer.order(order["id"])


def completed_order(app: Any, factory: Any, shop: Any, buyer: Shopper, skus: list[Any]
                    ) -> dict[str, Any]:
    """As :func:`shipped_order`, then the buyer confirms receipt (the order completes)."""
    order = shipped_order(app, factory, shop, buyer, skus)
    done = buyer.call("POST", f"/orders/{order['id']}/confirm-receipt").json
    assert done["status"] == "completed"
    return buyer.order(order["id"])


def run(app: Any, factory: Any, shop: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in its own committed transaction, like a console view or a job."""
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        result = func(s, *args, **kwargs)
        s.commit()
        return result


def read(app: Any, factory: Any, shop: Any, func: Any, *args: Any) -> Any:
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        return func(s, *args)


def png(colour: tuple[int, int, int] = (200, 60, 60), size: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload_photo(buyer: Shopper, data: bytes, filename: str = "photo.png",
                 expect: int = 201) -> Any:
    response = buyer.client.post(f"{buyer.base}/reviews/photos", headers=buyer.headers,
                                 data={"file": (io.BytesIO(data), filename)},
                                 content_type="multipart/form-data")
    assert response.status_code == expect, response.get_data(as_text=True)
    return response.json


def review_body(order: dict[str, Any], line_index: int = 0, **changes: Any) -> dict[str, Any]:
    line = order["lines"][line_index]
    return {"order_id": order["id"], "line_id": line["id"], "stars": 5,
            "content": "质量很好，物流也快", **changes}
