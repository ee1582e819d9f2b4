"""Fulfilment asks the ``fulfilment_hold`` hook before an order leaves, and orders fires
``order_received`` / ``order_completed`` when the buyer has it: a module plugs in without
editing orders/state.py."""

from __future__ import annotations

import pytest

from runtime.errors import Conflict
from runtime.modules.fulfilment import shipping
from runtime.modules.hookspecs import hookimpl
from tests.fulfilment.test_shipping import STAFF, paid_order, run
from tests.orders.flow import shopper, sku_of


class GroupBuy:
    """What a group-buy module would implement: hold until the group is full."""

    def __init__(self) -> None:
        self.full: set[int] = set()
        self.calls: list[tuple[str, int]] = []

    @hookimpl
    def fulfilment_hold(self, session, order):
        return None if order.id in self.full else "拼团未成团"

    @hookimpl
    def order_received(self, session, order):
        self.calls.append(("received", order.id))

    @hookimpl
    def order_completed(self, session, order):
        self.calls.append(("completed", order.id))


@pytest.fixture
def group_buy(app):
    plugins = app.extensions["mallkit"].modules.plugins
    plugin = GroupBuy()
    plugins.register(plugin, name="test-group-buy")
    yield plugin
    plugins.unregister(name="test-group-buy")


def test_a_held_order_does_not_ship_until_the_module_lets_it(app, client, factory, shop, clock,
                                                             group_buy):
    alice = shopper(app, client, factory, shop, openid="o-alice")
    alice.add_address()
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id)
    with pytest.raises(Conflict) as refused:
        run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
            tracking_no="YT123456", actor=STAFF)
    assert refused.value.code == "fulfilment_held"
    assert refused.value.extra["reason"] == "拼团未成团"
    assert alice.order(order["id"])["status"] == "paid"  # nothing was written

    group_buy.full.add(order["id"])
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
        tracking_no="YT123456", actor=STAFF)
    assert group_buy.calls == []
    done = alice.call("POST", f"/orders/{order['id']}/confirm-receipt").json
    assert done["status"] == "completed"
    assert group_buy.calls == [("received", order["id"]), ("completed", order["id"])]
