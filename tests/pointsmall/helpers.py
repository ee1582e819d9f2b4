"""Points-mall test helpers: items through the real service, balances through the points
ledger."""

from __future__ import annotations

from typing import Any

from runtime.db import use_shop
from runtime.modules.points import service as points
from runtime.modules.pointsmall import service
from tests.factories import Factory


def add_item(factory: Factory, shop: Any, sku_id: int, **data: Any) -> Any:
    with factory.app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        item = service.create_item(s, {"sku_id": sku_id, "points": 100, "stock": 10, **data})
        s.commit()
        return item


def give_points(factory: Factory, shop: Any, member_id: int, amount: int, key: str = "gift"
                ) -> None:
    with factory.app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        points.credit(s, member_id, amount, reason="gift", key=key)
        s.commit()


def balance(factory: Factory, shop: Any, member_id: int) -> int:
    with factory._session() as s:
        use_shop(s, shop.id)
        return points.balance_of(s, member_id)


def item_row(factory: Factory, shop: Any, item_id: int) -> Any:
    with factory._session() as s:
        use_shop(s, shop.id)
        return service.get_item(s, item_id)
