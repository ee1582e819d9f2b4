"""A hypothesis test over random referral trees, self-purchase, the opt-in rule sets
(推三返一 and 链动2+1, acknowledged and on), partial and full refunds before and after
settlement: no commission of any rule ever goes to anyone more than two steps up the buyer's
chain as it stood when the order was made, no level but 1 and 2 exists, and the ledger stays
in step with every balance."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from runtime.modules.aftersales import service as aftersales
from runtime.modules.distribution import service
from runtime.modules.distribution.models import Commission
from runtime.modules.distribution.rulesets import tuisan
from runtime.modules.wallet.service import adjust
from tests.distribution.flow import (
    MERCHANT,
    drain,
    in_shop,
    read,
    receive,
    reconciled,
    sku_of,
    switch_on,
)
from tests.distribution.rulesets_flow import rules_on
from tests.orders.flow import shopper

_names = itertools.count()

# 0 refers 1, 2, 3 (three new buyers: 推三返一; 0 is a boss after two, so 3 joins 0's team);
# 3 refers 4 and 5 (to 0's team, two steps up) and 4 refers 6 (0 is three steps up: nothing)
DEEP = [-1, 0, 0, 0, 3, 3, 4]
trees = st.lists(st.integers(min_value=-1, max_value=6), min_size=2, max_size=7)
refunds = st.lists(st.tuples(st.integers(0, 6), st.integers(1, 100), st.booleans()),
                   max_size=4)


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@example(parents=DEEP, buyers=[], refund_plan=[], self_purchase=False)
@given(parents=trees, buyers=st.lists(st.integers(0, 6), max_size=3),
       refund_plan=refunds, self_purchase=st.booleans())
def test_never_a_third_level_and_the_ledger_in_step(app, client, factory, shop, clock,
                                                    redis_conn, parents, buyers, refund_plan,
                                                    self_purchase):
    product = factory.product(shop, price_fen=3000, stock=1000)
    switch_on(factory, shop, self_purchase=self_purchase, binding_mode="latest",
              chain21_product_ids=str(product.id))
    rules_on(app, factory, shop, "tuisan", "chain21")
    sku = sku_of(factory, shop, product)
    people = [shopper(app, client, factory, shop, openid=f"o-prop-{next(_names)}")
              for _ in parents]
    codes = [p.call("POST", "/distribution/apply", {}, 201).json["distributor"]["code"]
             for p in people]
    for i, parent in enumerate(parents):  # any order: a bind closing a loop is refused
        if parent >= 0:
            answer = people[i].call("POST", "/distribution/bind",
                                    {"code": codes[parent % len(people)]}, expect=None)
            assert answer.status_code in (200, 409), answer.json
            if answer.status_code == 409:
                assert answer.json["code"] in ("self_binding", "binding_cycle")

    def chain(member_id):
        up1 = read(factory, shop, lambda s: service.referrer_of(s, member_id))
        up2 = read(factory, shop, lambda s: service.referrer_of(s, up1)) if up1 else None
        return [member_id, up1, up2]

    orders = []
    with_address: set[int] = set()
    for index in [*range(len(people)), *buyers]:  # everyone once (链动 places), then more
        person = people[index % len(people)]
        if person.member.id not in with_address:
            person.add_address()
            with_address.add(person.member.id)
        in_shop(app, factory, shop, adjust, person.member.id, principal_delta_fen=100000,
                key=f"prop-topup-{person.member.id}-{len(orders)}")
        quote = person.quote(source="items", items=[{"sku_id": sku.id, "qty": 2}],
                             use_balance=True)
        order = person.submit(quote["quote_id"]).json
        assert person.pay(order["id"], "wallet")["paid"] is True
        orders.append((order, chain(person.member.id)))
        drain(app, redis_conn)
        receive(person, app, factory, shop, order["id"])
    for which, percent, after_settling in refund_plan:
        order, _ = orders[which % len(orders)]
        if after_settling:
            clock.advance(timedelta(days=30))
            drain(app, redis_conn)
        line = order["lines"][0]
        amount = max(1, line["payable_fen"] * percent // 400)
        try:
            in_shop(app, factory, shop, aftersales.merchant_refund, order["id"],
                    [{"line_id": line["id"], "amount_fen": amount}], "随机退款", MERCHANT)
        except Exception as refused:  # nothing left to refund of the line
            assert getattr(refused, "status", 0) in (409, 422), refused
        drain(app, redis_conn)
    clock.advance(timedelta(days=30))
    drain(app, redis_conn)
    in_shop(app, factory, shop, lambda s: len(tuisan.sweep(s)))

    rows = read(factory, shop, lambda s: list(s.scalars(select(Commission))))
    allowed = {order["id"]: steps for order, steps in orders}
    for row in rows:
        if row.order_id not in allowed:
            continue  # an earlier example's order
        steps = allowed[row.order_id]
        assert row.level in (1, 2)
        assert row.beneficiary_member_id in steps, (row.beneficiary_member_id, steps)
        assert steps.index(row.beneficiary_member_id) <= row.level
        assert steps.index(row.beneficiary_member_id) >= row.level - 1
    if parents == DEEP:  # every rule set paid something here
        assert {r.rule for r in rows if r.order_id in allowed} == {
            "distribution", "tuisan", "chain21_direct", "chain21_team"}
    assert reconciled(factory, shop)
