"""Helpers for the money-path tests: a shop with a product, a logged-in shopper, and the
API calls of a checkout, driven through the real endpoints."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.catalog.models import Sku
from tests.factories import Factory

_keys = itertools.count(1)

ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园 1 号", "adcode": "440305",
           "latitude": 22.5431, "longitude": 113.9465}


def sku_of(factory: Factory, shop: Any, product: Any) -> Sku:
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.scalars(select(Sku).where(Sku.product_id == product.id).order_by(Sku.id)).first()


def new_key() -> str:
    return f"submit-key-{next(_keys):06d}"


@dataclass
class Shopper:
    """A member of ``shop`` with a token, talking to the API through ``client``."""

    app: Flask
    client: FlaskClient
    shop: Any
    member: Any
    token: str

    @property
    def base(self) -> str:
        return f"/api/v1/shops/{self.shop.slug}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, json: Any = None, expect: int | None = 200,
             headers: dict[str, str] | None = None) -> Any:
        response = self.client.open(self.base + path, method=method, json=json,
                                    headers={**self.headers, **(headers or {})})
        if expect is not None:
            assert response.status_code == expect, (response.status_code,
                                                    response.get_data(as_text=True))
        return response

    def add_address(self, **changes: Any) -> dict[str, Any]:
        return self.call("POST", "/addresses", {**ADDRESS, **changes}, 201).json

    def add_to_cart(self, sku_id: int, qty: int = 1) -> dict[str, Any]:
        return self.call("POST", "/cart/items", {"sku_id": sku_id, "qty": qty}).json

    def quote(self, expect: int = 200, **body: Any) -> Any:
        return self.call("POST", "/checkout/quote", body, expect).json

    def submit(self, quote_id: str, key: str | None = None, expect: int | None = 201) -> Any:
        return self.call("POST", "/orders", {"quote_id": quote_id}, expect,
                         headers={"Idempotency-Key": key or new_key()})

    def buy(self, sku_id: int, qty: int = 1, **quote_body: Any) -> dict[str, Any]:
        """Buy now: quote the item and submit it; returns the order."""
        quote = self.quote(source="items", items=[{"sku_id": sku_id, "qty": qty}],
                           **quote_body)
        return self.submit(quote["quote_id"]).json

    def pay(self, order_id: int, method: str = "wechatpay", expect: int = 200) -> Any:
        return self.call("POST", f"/orders/{order_id}/pay", {"method": method}, expect).json

    def order(self, order_id: int) -> dict[str, Any]:
        return self.call("GET", f"/orders/{order_id}").json


def shopper(app: Flask, client: FlaskClient, factory: Factory, shop: Any,
            openid: str | None = None) -> Shopper:
    member = factory.member(shop, openid=openid)
    return Shopper(app, client, shop, member, factory.member_token(shop, member))


def stock_of(factory: Factory, shop: Any, sku_id: int) -> int:
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.get(Sku, sku_id).stock
