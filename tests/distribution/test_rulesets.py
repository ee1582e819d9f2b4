"""The opt-in rule sets: off until the shop owner accepts the legal notice (409 problem+json
from the console switch and the member API, 403 for staff, accepted version audited), 推三返一
(three distinct new buyers past the window pay one unit back once per source order; a refund
frees a slot; self and repeat buyers never count) and 链动2+1 placement and rewards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.accounts.models import Role
from runtime.audit.models import AuditEvent
from runtime.modules.distribution.models import Commission
from runtime.modules.distribution.rulesets import chain21, notice, tuisan
from runtime.modules.distribution.rulesets.models import Chain21Place, TuisanBuy, TuisanReward
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
from tests.distribution.rulesets_flow import bought, person, rules_on
from tests.tenancy_helpers import two_shops


def _sweep(session):
    return [(r.member_id, r.source_order_id, r.amount_fen) for r in tuisan.sweep(session)]


def _console(app, factory, shop, role=Role.OWNER):
    client = app.test_client()
    client.csrf = factory.console_login(client, factory.merchant(shop, role=role))
    return client


def _post(console, shop, path, body):
    return console.post(f"/console/shops/{shop.slug}/distribution/rulesets{path}", json=body,
                        headers={"Accept": "application/json", "X-CSRF-Token": console.csrf})


def test_rule_sets_are_refused_until_the_owner_accepts_the_notice(app, client, factory, shop,
                                                                   clock, redis_conn):
    switch_on(factory, shop)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=20))
    someone, code = person(app, client, factory, shop, "ack-a")
    for rule in ("tuisan", "chain21"):
        problem = someone.call("GET", f"/distribution/{rule}", expect=409)
        assert problem.mimetype == "application/problem+json"
        assert problem.json["code"] == "acknowledgement_required"
    owner = _console(app, factory, shop)
    refused = _post(owner, shop, "/tuisan/switch", {"on": True})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "acknowledgement_required"
    staff = _console(app, factory, shop, Role.ADMIN)
    assert _post(staff, shop, "/tuisan/acknowledge", {"version": notice.VERSION}
                 ).status_code == 403
    stale = _post(owner, shop, "/tuisan/acknowledge", {"version": "old"})
    assert stale.status_code == 409 and stale.json["code"] == "notice_changed"
    # nothing is counted while off: a buyer through the share
    buyer, _ = person(app, client, factory, shop, "ack-b", code)
    bought(app, factory, shop, redis_conn, buyer, sku.id, received=False)
    assert read(factory, shop, lambda s: s.scalars(select(TuisanBuy)).all()) == []

    assert _post(owner, shop, "/tuisan/acknowledge", {"version": notice.VERSION}
                 ).status_code == 200
    assert someone.call("GET", "/distribution/tuisan", expect=409).json["code"] == "ruleset_off"
    assert _post(owner, shop, "/tuisan/switch", {"on": True}).status_code == 200
    assert someone.call("GET", "/distribution/tuisan").json["counted"] == 0
    assert someone.call("GET", "/distribution/chain21", expect=409).status_code == 409
    assert someone.call("GET", "/distribution/rulesets").json["tuisan"]["on"] is True
    events = read(factory, shop, lambda s: [(e.action, e.detail) for e in s.scalars(
        select(AuditEvent).where(AuditEvent.action.like("distribution_ruleset%"))
        .order_by(AuditEvent.id))])
    assert events == [("distribution_ruleset_acknowledged",
                       {"rule": "tuisan", "version": notice.VERSION}),
                      ("distribution_ruleset_switched", {"rule": "tuisan", "enabled": True})]
    page = owner.get(f"/console/shops/{shop.slug}/distribution/rulesets")
    assert page.status_code == 200 and notice.TEXT[:20] in page.get_data(as_text=True)
    form = owner.post(f"/console/shops/{shop.slug}/distribution/rulesets/chain21/switch",
                      data={"on": "1", "csrf_token": owner.csrf})  # the HTML form: 409 too
    assert form.status_code == 409 and "链动2+1" in form.get_data(as_text=True)


def test_tuisan_three_new_buyers_one_unit_back_once_per_source_order(
        app, client, factory, shop, clock, redis_conn):
    switch_on(factory, shop)
    rules_on(app, factory, shop, "tuisan")
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=100))
    m, code = person(app, client, factory, shop, "ts-m")
    source = bought(app, factory, shop, redis_conn, m, sku.id)  # M's own order: the source order
    buyers = [person(app, client, factory, shop, f"ts-{i}", code)[0] for i in range(7)]
    orders = [bought(app, factory, shop, redis_conn, b, sku.id) for b in buyers[:4]]
    own = bought(app, factory, shop, redis_conn, m, sku.id)  # self-purchase: never counts for M
    bought(app, factory, shop, redis_conn, buyers[0], sku.id)  # a repeat buyer counts once
    line = orders[1]["lines"][0]
    refund(app, factory, shop, redis_conn, clock, orders[1]["id"], line["id"],
           line["payable_fen"])  # frees the slot of buyer 1
    clock.advance(timedelta(days=8))
    drain(app, redis_conn)
    assert in_shop(app, factory, shop, _sweep) == [(m.member.id, source["id"], 5000)]
    states = read(factory, shop, lambda s: sorted(
        (b.buyer_member_id, b.status, b.reward_id is not None)
        for b in s.scalars(select(TuisanBuy))))
    assert states == sorted([(buyers[0].member.id, "counted", True),
                             (buyers[1].member.id, "freed", False),
                             (buyers[2].member.id, "counted", True),
                             (buyers[3].member.id, "counted", True)])
    paid = read(factory, shop, lambda s: [(c.beneficiary_member_id, c.level, c.amount_fen,
                                           c.status, c.order_id) for c in s.scalars(
        select(Commission).where(Commission.rule == "tuisan"))])
    assert paid == [(m.member.id, 1, 5000, "settled", orders[3]["id"])]
    # level-1 commissions of 500 (four orders; the refunded one's cancelled) and the reward
    assert balances(factory, shop, m.member.id)[1] == 4 * 500 + 5000
    assert in_shop(app, factory, shop, _sweep) == []  # nothing twice

    # three more buyers: the next reward comes from M's other order (the self-purchase),
    # the first source order never pays twice
    for b in buyers[4:]:
        bought(app, factory, shop, redis_conn, b, sku.id)
    assert m.call("GET", "/distribution/tuisan").json["waiting"] == 3
    clock.advance(timedelta(days=8))
    drain(app, redis_conn)
    assert in_shop(app, factory, shop, _sweep) == [(m.member.id, own["id"], 5000)]
    assert in_shop(app, factory, shop, _sweep) == []
    assert m.call("GET", "/distribution/tuisan").json["counted"] == 0
    assert read(factory, shop, lambda s: sorted(r.source_order_id for r in s.scalars(
        select(TuisanReward)))) == sorted([source["id"], own["id"]])
    assert reconciled(factory, shop)


def test_chain21_placement_and_rewards_within_two_steps(app, client, factory, shop, clock,
                                                        redis_conn):
    product = factory.product(shop, price_fen=10000, stock=100)
    switch_on(factory, shop, level1_rate=0, level2_rate=0,
              chain21_product_ids=str(product.id), chain21_direct_rate=10,
              chain21_team_rate=5)
    rules_on(app, factory, shop, "chain21")
    sku = sku_of(factory, shop, product)
    names = {}

    def join(name, referrer=None):
        someone, code = person(app, client, factory, shop, f"c21-{name}",
                               names[referrer][1] if referrer else None)
        names[name] = (someone, code)
        return bought(app, factory, shop, redis_conn, someone, sku.id, received=False)

    join("P")
    join("X", "P")
    join("Y", "P")  # P's second: P is a boss now
    join("A", "P")  # in boss P's team
    order_b = join("B", "A")
    join("C", "A")  # A's first two join A's boss's (P's) team; A is a boss now
    order_d = join("D", "A")
    join("E", "A")  # D and E stay with A
    order_f = join("F", "B")  # B's first: to B's boss P, three steps above F

    mid = {n: names[n][0].member.id for n in names}
    places = read(factory, shop, lambda s: {p.member_id: (p.boss_member_id, p.is_boss)
                                            for p in s.scalars(select(Chain21Place))})
    assert places[mid["B"]] == (mid["P"], False) and places[mid["C"]] == (mid["P"], False)
    assert places[mid["D"]] == (mid["A"], False) and places[mid["E"]] == (mid["A"], False)
    assert places[mid["A"]] == (mid["P"], True) and places[mid["P"]] == (None, True)
    assert places[mid["F"]] == (mid["P"], False)
    assert names["A"][0].call("GET", "/distribution/chain21").json == {
        "role": "boss", "boss_member_id": mid["P"], "referred": 4, "team": 2}

    def rewards(order):
        return read(factory, shop, lambda s: sorted(
            (c.rule, c.beneficiary_member_id, c.level, c.amount_fen) for c in s.scalars(
                select(Commission).where(Commission.order_id == order["id"]))))

    assert rewards(order_b) == [("chain21_direct", mid["A"], 1, 1000),
                                ("chain21_team", mid["P"], 2, 500)]
    assert rewards(order_d) == [("chain21_direct", mid["A"], 1, 1000),
                                ("chain21_team", mid["A"], 1, 500)]
    assert rewards(order_f) == [("chain21_direct", mid["B"], 1, 1000)]  # P: 3 steps, nothing
    assert read(factory, shop, lambda s: {c.level for c in s.scalars(select(Commission))}) \
        <= {1, 2}
    assert reconciled(factory, shop)
    assert in_shop(app, factory, shop, chain21.my_place, mid["E"])["role"] == "reseller"


def test_another_shop_cannot_switch_or_read_this_shops_rule_sets(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for s in (shops.a, shops.b):
        switch_on(factory, s)
    rules_on(app, factory, shops.a, "tuisan")
    assert read(factory, shops.a, lambda s: notice.is_on(s, "tuisan")) is True
    assert read(factory, shops.b, lambda s: notice.is_on(s, "tuisan")) is False
    assert shops.bob.call("GET", "/distribution/tuisan", expect=409).json["code"] == \
        "acknowledgement_required"
    owner_b = _console(app, factory, shops.b)
    page = owner_b.get(f"/console/shops/{shops.a.slug}/distribution/rulesets")
    assert page.status_code == 404


def test_the_notice_in_the_docs_is_the_version_accepted():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "modules" / "distribution.md"
           ).read_text(encoding="utf-8")
    quoted = doc.split(f"<!-- notice:{notice.VERSION} -->", 1)[1].split("<!-- /notice -->")[0]
    assert quoted.strip().removeprefix("> ") == notice.TEXT
    assert "三十人以上" in notice.TEXT and "三级" in notice.TEXT
