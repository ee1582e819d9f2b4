"""Two shops with a shopper each, for the per-module cross-shop tests: shop A's rows must be
out of reach of shop B's member (and of A's member through B's URLs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from runtime.db import use_shop
from tests.factories import Factory
from tests.orders.flow import Shopper, shopper


@dataclass
class TwoShops:
    factory: Factory
    a: Any
    b: Any
    alice: Shopper  # a member of shop A
    bob: Shopper  # a member of shop B

    def count(self, shop: Any, model: Any) -> int:
        with self.factory._session() as s:
            use_shop(s, shop.id)
            return s.scalar(select(func.count()).select_from(model))

    def foreign_token_call(self, method: str, path: str, json: Any = None) -> Any:
        """Alice's token (shop A) sent to shop B's URL."""
        return self.alice.client.open(f"/api/v1/shops/{self.b.slug}{path}", method=method,
                                      json=json, headers=self.alice.headers)


def two_shops(app: Any, client: Any, factory: Factory) -> TwoShops:
    a = factory.shop(slug="shop-a", name="甲店")
    b = factory.shop(slug="shop-b", name="乙店")
    alice = shopper(app, client, factory, a, openid="o-alice")
    bob = shopper(app, app.test_client(), factory, b, openid="o-bob")
    return TwoShops(factory, a, b, alice, bob)
