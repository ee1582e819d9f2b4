"""The module switched off and on (API 404 problem+json, console gone, settings kept), another
shop's distributors and withdrawals (404), the console screens, the poster, and the
reconciliation job noticing a balance out of step."""

from __future__ import annotations

from runtime.modules import switches
from runtime.modules.distribution import jobs, withdrawals
from runtime.modules.distribution.models import Distributor, Withdrawal
from tests.distribution.flow import (
    distributor,
    earned,
    in_shop,
    read,
    switch_on,
)
from tests.orders.flow import shopper
from tests.tenancy_helpers import two_shops

BANK = {"name": "李雷", "bank": "招商银行", "card_no": "6225880000000000"}


def test_off_the_api_and_console_are_gone_and_settings_stay(app, client, factory, shop):
    person = shopper(app, client, factory, shop, openid="o-off")
    for method, path in (("GET", "/distribution/me"), ("POST", "/distribution/apply"),
                         ("POST", "/distribution/bind"), ("GET", "/distribution/team"),
                         ("GET", "/distribution/withdrawals")):
        response = person.call(method, path, {} if method == "POST" else None, expect=404)
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == "module_disabled"
    user = factory.merchant(shop)
    console = app.test_client()
    factory.console_login(console, user)
    assert console.get(f"/console/shops/{shop.slug}/distribution").status_code == 404

    switch_on(factory, shop, level1_rate=12.5)
    assert console.get(f"/console/shops/{shop.slug}/distribution").status_code == 200
    assert person.call("GET", "/distribution/me").json["is_distributor"] is False
    in_shop(app, factory, shop, switches.disable, "distribution")
    assert console.get(f"/console/shops/{shop.slug}/distribution").status_code == 404
    assert person.call("GET", "/distribution/me", expect=404).json["code"] == "module_disabled"
    kept = read(factory, shop, lambda s: switches.settings_of(s, "distribution"))
    assert kept["level1_rate"] == 12.5


def test_other_shop_distributors_and_withdrawals_are_404(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for s in (shops.a, shops.b):
        switch_on(factory, s)
    centre = distributor(shops.alice)
    assert shops.foreign_token_call("GET", "/distribution/me").status_code == 401
    # Bob (shop B) cannot bind to Alice's code: it names nobody in his shop
    problem = shops.bob.call("POST", "/distribution/bind",
                             {"code": centre["distributor"]["code"]}, 422).json
    assert problem["errors"][0]["pointer"] == "/code"
    with factory._session() as s:
        from runtime.db import use_shop

        use_shop(s, shops.a.id)
        d = s.query(Distributor).one()
        row = Withdrawal(no="WDOTHERSHOP01", member_id=d.member_id, method="bank",
                         amount_fen=100, fee_fen=0, account=BANK, applied_at=clock.now())
        s.add(row)
        s.commit()
        withdrawal_id = row.id
    assert shops.bob.call("GET", f"/distribution/withdrawals/{withdrawal_id}",
                          expect=404).json["status"] == 404
    user = factory.merchant(shops.b)
    console = app.test_client()
    token = factory.console_login(console, user)
    for action in ("approve", "reject"):
        response = console.post(
            f"/console/shops/{shops.b.slug}/distribution/withdrawals/{withdrawal_id}/{action}",
            json={"reason": "x"}, headers={"X-CSRF-Token": token})
        assert response.status_code == 404
    response = console.post(
        f"/console/shops/{shops.b.slug}/distribution/distributors/{d.member_id}/status",
        json={"status": "disabled"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 404
    assert read(factory, shops.a, lambda s: s.get(Withdrawal, withdrawal_id).status) \
        == "auditing"
    assert (shops.count(shops.a, Distributor), shops.count(shops.b, Distributor)) == (1, 0)


def test_console_screens_and_withdrawal_audit(app, client, factory, shop, clock, redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn)
    asked = b.call("POST", "/distribution/withdrawals",
                   {"amount_fen": 500, "method": "bank", "account": BANK}, 201).json
    user = factory.merchant(shop)
    console = app.test_client()
    token = factory.console_login(console, user)
    base = f"/console/shops/{shop.slug}/distribution"
    for page in ("", "/applications", "/distributors", "/levels", "/commissions",
                 "/withdrawals"):
        response = console.get(base + page)
        assert response.status_code == 200, page
        assert "分销" in response.get_data(as_text=True) or page
    assert console.post(f"{base}/withdrawals/{asked['id']}/approve", json={},
                        headers={"X-CSRF-Token": token}).status_code == 200
    assert console.post(f"{base}/withdrawals/{asked['id']}/paid", json={},
                        headers={"X-CSRF-Token": token}).status_code == 200
    assert read(factory, shop, lambda s: withdrawals.get_withdrawal(s, asked["id"]).status) \
        == "paid"
    saved = console.post(f"{base}/levels", json={"name": "金牌", "rank": 1,
                                                 "level1_rate": "12.5", "level2_rate": "101"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 422
    assert saved.json["errors"][0]["pointer"] == "/level2_rate"


def test_poster_is_a_png_with_the_share_link(app, client, factory, shop, clock):
    switch_on(factory, shop)
    person = shopper(app, client, factory, shop, openid="o-poster")
    product = factory.product(shop, "分享好物", price_fen=1990)
    assert person.call("GET", "/distribution/poster", expect=404).json["code"] \
        == "not_distributor"
    distributor(person)
    first = person.call("GET", f"/distribution/poster?product_id={product.id}")
    assert first.mimetype == "image/png" and first.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert person.call("GET", f"/distribution/poster?product_id={product.id}").data \
        == first.data
    assert person.call("GET", "/distribution/poster?product_id=x", expect=422).json[
        "errors"][0]["pointer"] == "/product_id"


def test_reconciliation_finds_a_balance_out_of_step(app, client, factory, shop, clock,
                                                    redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn)
    assert read(factory, shop, jobs.reconcile_shop) == {"distributors": [], "commissions": []}

    def tamper(s):
        s.query(Distributor).filter(Distributor.member_id == b.member.id).update(
            {"available_fen": Distributor.available_fen + 1})
    in_shop(app, factory, shop, tamper)
    assert read(factory, shop, jobs.reconcile_shop)["distributors"] == [b.member.id]
