"""Pure rules: rates (percent floors, fixed per unit scaled by what is left of the line),
activity orders earn only where the shop lets their kind earn (default: none), beneficiaries
with and without self-purchase, and CommissionService refusing anyone beyond two steps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime.modules.distribution.commissions import (
    CommissionRefused,
    CommissionService,
    Rate,
    beneficiaries,
    earns,
)
from runtime.modules.distribution.models import OrderUplines
from runtime.modules.distribution.settings import DistributionSettings


def test_rates_floor_to_the_fen():
    assert Rate("percent", Decimal("10")).amount(10000, 10000, 1) == 1000
    assert Rate("percent", Decimal("5")).amount(6000, 10000, 1) == 300
    assert Rate("percent", Decimal("3.33")).amount(999, 999, 1) == 33  # 33.2667
    assert Rate("fixed", Decimal("150")).amount(20000, 20000, 2) == 300
    assert Rate("fixed", Decimal("150")).amount(5000, 20000, 2) == 75  # a quarter left
    assert Rate("percent", Decimal("10")).amount(0, 10000, 1) == 0
    assert Rate.parse(Rate("fixed", Decimal("1.50")).text) == Rate("fixed", Decimal("1.50"))


def test_activity_orders_earn_only_where_allowed():
    chain = OrderUplines(order_id=1, buyer_member_id=3, referrer1_member_id=2,
                         referrer2_member_id=1, activity_kind="seckill")
    assert earns(DistributionSettings.from_dict({}), chain) is False
    allowed = DistributionSettings.from_dict({"activity_kinds": "groupbuy, seckill"})
    assert earns(allowed, chain) is True
    chain.activity_kind = None
    assert earns(DistributionSettings.from_dict({}), chain) is True


def test_beneficiaries_and_the_two_step_rule():
    chain = OrderUplines(order_id=1, buyer_member_id=3, referrer1_member_id=2,
                         referrer2_member_id=1)
    assert beneficiaries(chain, False) == [(1, 2), (2, 1)]
    assert beneficiaries(chain, True) == [(1, 3), (2, 2)]
    check = CommissionService.check_beneficiary
    check(chain, 2, 1)
    check(chain, 1, 2)
    check(chain, 3, 1)  # self-purchase: the buyer is their own level 1
    for beneficiary, level in ((1, 1), (99, 1), (2, 3), (1, 0)):
        with pytest.raises(CommissionRefused):
            check(chain, beneficiary, level)


def test_the_database_refuses_a_third_level(app, factory, shop):
    from sqlalchemy.exc import IntegrityError

    from runtime.db import use_shop
    from runtime.modules.distribution.models import Commission

    member = factory.member(shop)
    with factory._session() as s:
        use_shop(s, shop.id)
        s.add(Commission(order_id=1, line_id=1, buyer_member_id=member.id,
                         beneficiary_member_id=member.id, level=3, rate_text="percent:1",
                         line_paid_fen=100, qty=1, base_fen=100, amount_fen=1))
        with pytest.raises(IntegrityError):
            s.flush()
