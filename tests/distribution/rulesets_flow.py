"""Helpers for the rule-set tests: the owner accepts the notice and switches a rule set on;
a distributor who bound to a code and bought."""

from __future__ import annotations

from typing import Any

from runtime.audit.service import Origin
from runtime.modules.distribution.rulesets import notice
from tests.distribution.flow import (
    bind,
    buyer,
    distributor,
    drain,
    in_shop,
    receive,
    wechat_paid,
)
from tests.orders.flow import Shopper


def rules_on(app, factory, shop, *rules: str) -> None:
    owner = factory.merchant(shop)
    origin = Origin(user_id=owner.id, label=owner.email)
    for rule in rules:
        in_shop(app, factory, shop, notice.acknowledge, rule, notice.VERSION, origin,
                is_owner=True)
        in_shop(app, factory, shop, notice.switch, rule, True, origin)


def person(app, client, factory, shop, name: str, referrer_code: str | None = None
           ) -> tuple[Shopper, str]:
    """A distributor (with an address), bound to ``referrer_code``; returns their code."""
    someone = buyer(app, client, factory, shop, name)
    code = distributor(someone)["distributor"]["code"]
    if referrer_code is not None:
        assert bind(someone, referrer_code)["bound"] is True
    return someone, code


def bought(app, factory, shop, redis_conn, someone: Shopper, sku_id: int, *,
           received: bool = True) -> dict[str, Any]:
    """Pay for one unit (the ``order_paid`` follow-up job run), and receive it."""
    order = wechat_paid(app, someone, [(sku_id, 1)])
    drain(app, redis_conn)
    if received:
        receive(someone, app, factory, shop, order["id"])
    return order
