"""Invoices requested at checkout: the console queue lists paid orders waiting for one, the
merchant records the e-invoice number once, the buyer sees it on the order; other shops'
orders are out of reach."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules.orders.settings import update_settings
from tests.accounts.helpers import HTML
from tests.orders.flow import shopper, sku_of
from tests.orders.test_console import paid

INVOICE = {"type": "company", "title": "某某科技有限公司", "tax_no": "91440300MA5F000000",
           "email": "fapiao@example.com"}


def test_invoice_queue_issue_and_the_buyer_sees_it(app, client, factory, shop, clock):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"invoice_enabled": True})
        s.commit()
    sku = sku_of(factory, shop, factory.product(shop, "羊毛大衣", price_fen=59900, stock=9))
    alice = shopper(app, app.test_client(), factory, shop, openid="o-alice")
    alice.add_address()
    wanted = paid(app, alice, sku.id, invoice=INVOICE)
    unpaid = alice.buy(sku.id, 1, invoice=INVOICE)  # not paid: not in the queue yet
    paid(app, alice, sku.id)  # no invoice asked

    token = factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/orders"
    queue = client.get(f"{base}/invoices", headers={"Accept": "application/json"}).json
    assert [o["id"] for o in queue["items"]] == [wanted["id"]]
    html = client.get(f"{base}/invoices", headers=HTML).get_data(as_text=True)
    assert "某某科技有限公司" in html and "91440300MA5F000000" in html

    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    bad = client.post(f"{base}/{wanted['id']}/invoice", json={"number": "12"}, headers=headers)
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/number"
    early = client.post(f"{base}/{unpaid['id']}/invoice", json={"number": "24442000000123456789"},
                        headers=headers)
    assert early.status_code == 409
    done = client.post(f"{base}/{wanted['id']}/invoice",
                       json={"number": "24442000000123456789"}, headers=headers)
    assert done.status_code == 200 and done.json["result"]["number"] == "24442000000123456789"
    again = client.post(f"{base}/{wanted['id']}/invoice",
                        json={"number": "24442000000123456789"}, headers=headers)
    assert again.status_code == 200  # the same number again changes nothing
    other = client.post(f"{base}/{wanted['id']}/invoice", json={"number": "99990000000000000000"},
                        headers=headers)
    assert other.status_code == 409 and other.json["code"] == "invoice_issued"
    assert client.get(f"{base}/invoices", headers={"Accept": "application/json"}).json[
        "items"] == []

    seen = alice.order(wanted["id"])["invoice"]
    assert seen["number"] == "24442000000123456789" and seen["title"] == "某某科技有限公司"

    beta = factory.shop(slug="beta", name="Beta 店")
    client_b = app.test_client()
    token_b = factory.console_login(client_b, factory.merchant(beta, email="b@beta.test"))
    stolen = client_b.post(f"/console/shops/beta/orders/{wanted['id']}/invoice",
                           json={"number": "11112222333344445555"},
                           headers={"X-CSRF-Token": token_b, "Accept": "application/json"})
    assert stolen.status_code == 404
    assert alice.order(wanted["id"])["invoice"]["number"] == "24442000000123456789"
