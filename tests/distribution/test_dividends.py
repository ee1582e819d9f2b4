"""Partner dividends: the worked example (pool 3 % of 100,000,000 fen = 3,000,000; tier A 60 %
over 2 partners = 900,000 each; tier B 40 % over 8 = 150,000 each) end to end through the
monthly job (once per period), eligible sales less refunds, team scope, the rounding
remainder carried in the pool, tier validation, and another shop's partners refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from runtime.errors import ValidationFailed
from runtime.modules.distribution.rulesets import dividends, jobs
from runtime.modules.distribution.rulesets.dividends import TierPlan, plan
from runtime.modules.distribution.rulesets.models import DividendPayout, DividendRun
from tests.distribution.flow import (
    balances,
    drain,
    in_shop,
    read,
    reconciled,
    refund,
    sku_of,
    switch_on,
)
from tests.distribution.rulesets_flow import bought, person
from tests.orders.flow import Shopper
from tests.tenancy_helpers import two_shops


def test_the_example_split_and_the_remainder_stays():
    pool = dividends.floor_fen(Decimal(100_000_000) * Decimal(3) / 100)
    assert pool == 3_000_000
    a = TierPlan(1, Decimal(60), weights={1: 0, 2: 0})
    b = TierPlan(2, Decimal(40), weights={m: 0 for m in range(3, 11)})
    out = plan(pool, 100_000_000, [a, b])
    assert [out[m] for m in (1, 2)] == [(1, 900_000)] * 2
    assert [out[m] for m in range(3, 11)] == [(2, 150_000)] * 8
    odd = plan(1_000_001, 1, [TierPlan(1, Decimal(100), weights={1: 0, 2: 0, 3: 0})])
    assert sorted(v for _, v in odd.values()) == [333_333] * 3  # 2 fen stay in the pool
    weighted = plan(1000, 1, [TierPlan(1, Decimal(100), split="weighted",
                                       weights={1: 1, 2: 2})])
    assert weighted == {1: (1, 333), 2: (1, 666)}
    team = plan(1000, 10_000, [TierPlan(1, Decimal(50), scope="team",
                                        weights={1: 4000, 2: 1000})])
    assert team == {1: (1, 200), 2: (1, 50)}  # each: 500 × own team / shop sales


def _tiers_and_partners(app, factory, shop, members, shares=((60, 2), (40, 8))):
    tiers = [in_shop(app, factory, shop, lambda s, n=n, r=r: dividends.save_tier(
        s, {"name": n, "share_rate": r, "qualification": "manual"}).id)
        for n, (r, _) in zip(("A", "B"), shares, strict=True)]
    at = 0
    for tier, (_, count) in zip(tiers, shares, strict=True):
        for member in members[at:at + count]:
            in_shop(app, factory, shop, lambda s, m=member, t=tier: dividends.set_partner(
                s, m, t).id)
        at += count
    return tiers


def test_the_example_end_to_end_once_per_period(app, client, factory, shop, clock,
                                                redis_conn):
    switch_on(factory, shop, dividends=True, dividend_pool_rate=3)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10_000_000, stock=100))
    partners = [person(app, client, factory, shop, f"dv-{i}")[0] for i in range(10)]
    ids = [p.member.id for p in partners]
    _tiers_and_partners(app, factory, shop, ids)
    buyer, _ = person(app, client, factory, shop, "dv-buyer")
    for _ in range(10):  # paid, received on 2026-11-25: the window ends in December
        bought(app, factory, shop, redis_conn, buyer, sku.id)
    assert in_shop(app, factory, shop, jobs.dividends_shop) == "2026-10"  # nothing then
    clock.advance(timedelta(days=40))  # 2027-01-04: last month is December
    drain(app, redis_conn)
    assert in_shop(app, factory, shop, jobs.dividends_shop) == "2026-12"
    assert in_shop(app, factory, shop, jobs.dividends_shop) == "2026-12"  # once per period
    runs = read(factory, shop, lambda s: [(r.period, r.sales_fen, r.pool_fen, r.paid_fen,
                                           r.remainder_fen) for r in s.scalars(
        select(DividendRun).order_by(DividendRun.period))])
    assert runs == [("2026-10", 0, 0, 0, 0),
                    ("2026-12", 100_000_000, 3_000_000, 3_000_000, 0)]
    payouts = read(factory, shop, lambda s: sorted(
        (p.member_id, p.amount_fen) for p in s.scalars(select(DividendPayout))))
    assert payouts == sorted([(m, 900_000) for m in ids[:2]] + [(m, 150_000) for m in ids[2:]])
    assert balances(factory, shop, ids[0])[1] == 900_000
    assert balances(factory, shop, ids[9])[1] == 150_000
    assert reconciled(factory, shop)
    again = Shopper(app, client, shop, partners[0].member,
                    factory.member_token(shop, partners[0].member))  # 40 days later
    assert again.call("GET", "/distribution/dividends").json["items"] == [
        {"period": "2026-12", "amount_fen": 900_000}]


def test_refunds_team_scope_and_the_remainder_carried(app, client, factory, shop, clock,
                                                      redis_conn):
    switch_on(factory, shop, dividends=True, dividend_pool_rate=10, level1_rate=0,
              level2_rate=0)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=3333, stock=100))
    leader, code = person(app, client, factory, shop, "tm-lead")
    other, _ = person(app, client, factory, shop, "tm-other")
    in_shop(app, factory, shop, lambda s: dividends.save_tier(
        s, {"name": "团队", "share_rate": 50, "qualification": "team_sales", "threshold": 1,
            "scope": "team"}).id)
    tier_id = in_shop(app, factory, shop, lambda s: s.scalar(select(dividends.DividendTier.id)))
    for member in (leader.member.id, other.member.id):
        in_shop(app, factory, shop, lambda s, m=member: dividends.set_partner(s, m, tier_id).id)
    team_buyer, _ = person(app, client, factory, shop, "tm-buyer", code)
    outsider, _ = person(app, client, factory, shop, "tm-out")
    first = bought(app, factory, shop, redis_conn, team_buyer, sku.id)
    bought(app, factory, shop, redis_conn, team_buyer, sku.id)
    bought(app, factory, shop, redis_conn, outsider, sku.id)
    line = first["lines"][0]
    refund(app, factory, shop, redis_conn, clock, first["id"], line["id"], 1000)
    row = in_shop(app, factory, shop, lambda s: _run(s, "2026-12"))
    # sales 3 × 3333 − 1000 = 8999; pool 899; tier pot 449; the leader's team bought 5666:
    # floor(449 × 5666 / 8999) = 282; the other partner has no team sales: not qualified
    assert row == (8999, 899, 0, 282, 617)
    payouts = read(factory, shop, lambda s: [(p.member_id, p.amount_fen)
                                             for p in s.scalars(select(DividendPayout))])
    assert payouts == [(leader.member.id, 282)]
    nxt = in_shop(app, factory, shop, lambda s: _run(s, "2027-01"))
    assert nxt == (0, 617, 617, 0, 617)  # carried in, nobody qualified: it stays
    assert reconciled(factory, shop)


def _run(session, period):
    r = dividends.run(session, period)
    return (r.sales_fen, r.pool_fen, r.carried_fen, r.paid_fen, r.remainder_fen)


def test_tier_shares_stay_within_100_and_bad_input_names_the_field(app, factory, shop):
    switch_on(factory, shop)
    in_shop(app, factory, shop, lambda s: dividends.save_tier(
        s, {"name": "A", "share_rate": 70}).id)
    for data, pointer in (({"name": "B", "share_rate": 40}, "/share_rate"),
                          ({"name": "", "share_rate": 10}, "/name"),
                          ({"name": "C", "share_rate": "x"}, "/share_rate"),
                          ({"name": "D", "share_rate": 10, "scope": "galaxy"}, "/scope")):
        with pytest.raises(ValidationFailed) as refused:
            in_shop(app, factory, shop, dividends.save_tier, data)
        assert refused.value.errors[0].pointer == pointer
    with pytest.raises(ValidationFailed) as bad_period:
        in_shop(app, factory, shop, dividends.run, "2026-13")
    assert bad_period.value.errors[0].pointer == "/period"


def test_another_shop_partners_and_dividends_are_refused(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for s in (shops.a, shops.b):
        switch_on(factory, s)
    alice_id = shops.alice.call("POST", "/distribution/apply", {}, 201) and shops.alice.member.id
    tier_b = in_shop(app, factory, shops.b, lambda s: dividends.save_tier(
        s, {"name": "B", "share_rate": 10}).id)
    with pytest.raises(ValidationFailed) as refused:  # Alice distributes in shop A only
        in_shop(app, factory, shops.b, dividends.set_partner, alice_id, tier_b)
    assert refused.value.errors[0].pointer == "/member_id"
    console = app.test_client()
    factory.console_login(console, factory.merchant(shops.b))
    assert console.get(f"/console/shops/{shops.a.slug}/distribution/dividends").status_code \
        == 404
    assert console.get(f"/console/shops/{shops.b.slug}/distribution/dividends").status_code \
        == 200


def test_direct_partners_qualify_a_partner(app, client, factory, shop, clock, redis_conn):
    switch_on(factory, shop, dividend_pool_rate=10, level1_rate=0, level2_rate=0)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=10))
    lead, code = person(app, client, factory, shop, "dp-lead")
    below, _ = person(app, client, factory, shop, "dp-below", code)
    tier_id = in_shop(app, factory, shop, lambda s: dividends.save_tier(
        s, {"name": "联创", "share_rate": 100, "qualification": "direct_partners",
            "threshold": 1}).id)
    for member in (lead.member.id, below.member.id):
        in_shop(app, factory, shop, lambda s, m=member: dividends.set_partner(s, m, tier_id).id)
    buyer, _ = person(app, client, factory, shop, "dp-buyer")
    bought(app, factory, shop, redis_conn, buyer, sku.id)
    # the lead referred one partner (qualifies); the one below referred none
    assert in_shop(app, factory, shop, lambda s: _run(s, "2026-12")) == (10000, 1000, 0, 1000, 0)
    assert read(factory, shop, lambda s: [(p.member_id, p.amount_fen) for p in s.scalars(
        select(DividendPayout))]) == [(lead.member.id, 1000)]
