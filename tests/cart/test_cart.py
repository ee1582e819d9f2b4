"""The cart: lines with issues flagged (not dropped), selection, guest carts that merge on
login, and the CartInfo bundle loaded in a pinned number of queries."""

from __future__ import annotations

from sqlalchemy import event

from runtime.db import use_shop
from runtime.modules.cart import service
from runtime.modules.cart.service import CartOwner
from runtime.modules.catalog.products import set_status, update_product
from tests.orders.flow import shopper, sku_of
from tests.statements import sets_tenant_context


def catalog_change(app, factory, shop, func, *args):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        func(s, *args)
        s.commit()


def test_add_update_select_remove(app, client, factory, shop):
    a = sku_of(factory, shop, factory.product(shop, "A", price_fen=1000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, "B", price_fen=250, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_to_cart(a.id, 1)
    alice.add_to_cart(a.id, 2)  # adds up on the same line
    cart = alice.add_to_cart(b.id, 4)
    assert [(li["title"], li["qty"]) for li in cart["lines"]] == [("B", 4), ("A", 3)]
    assert cart["selected_total_fen"] == 3 * 1000 + 4 * 250
    line_b = cart["lines"][0]["id"]
    cart = alice.call("PATCH", f"/cart/items/{line_b}", {"selected": False}).json
    assert cart["selected_total_fen"] == 3000 and cart["selected_count"] == 3
    cart = alice.call("PATCH", f"/cart/items/{line_b}", {"qty": 0}, 422).json
    assert cart["errors"][0]["pointer"] == "/qty"
    cart = alice.call("POST", "/cart/select", {"selected": True}).json
    assert cart["selected_count"] == 7
    cart = alice.call("DELETE", f"/cart/items/{line_b}").json
    assert [li["title"] for li in cart["lines"]] == ["A"]
    assert alice.call("POST", "/cart/items", {"sku_id": a.id, "qty": 9}, 409).json[
        "code"] == "line_unavailable"  # 3 + 9 > stock 5
    assert alice.call("POST", "/cart/items", {"sku_id": 999999}, 422).json["errors"][0][
        "pointer"] == "/sku_id"
    assert alice.call("POST", "/cart/items", {"qty": 1}, 422).json["errors"][0][
        "pointer"] == "/sku_id"


def test_invalid_lines_are_flagged_not_dropped(app, client, factory, shop):
    off = factory.product(shop, "下架款", price_fen=1000, stock=5)
    pricey = factory.product(shop, "涨价款", price_fen=1000, stock=5)
    scarce = factory.product(shop, "紧俏款", price_fen=1000, stock=5)
    alice = shopper(app, client, factory, shop)
    for product, qty in ((off, 1), (pricey, 1), (scarce, 4)):
        alice.add_to_cart(sku_of(factory, shop, product).id, qty)
    catalog_change(app, factory, shop, set_status, [off.id], "off_shelf")
    scarce_sku = sku_of(factory, shop, scarce)
    catalog_change(app, factory, shop, update_product, scarce.id,
                   {"skus": [{"id": scarce_sku.id, "price_fen": 1000, "stock": 2}]})
    pricey_sku = sku_of(factory, shop, pricey)
    catalog_change(app, factory, shop, update_product, pricey.id,
                   {"skus": [{"id": pricey_sku.id, "price_fen": 1200, "stock": 5}]})

    cart = alice.call("GET", "/cart").json
    issues = {li["title"]: [i["code"] for i in li["issues"]] for li in cart["lines"]}
    assert issues == {"下架款": ["off_shelf"], "涨价款": ["price_changed"],
                      "紧俏款": ["insufficient_stock"]}
    available = {li["title"]: li["available"] for li in cart["lines"]}
    assert available == {"下架款": False, "涨价款": True, "紧俏款": False}
    assert cart["selected_total_fen"] == 1200  # only what can be bought, at today's price
    pricey_line = next(li for li in cart["lines"] if li["title"] == "涨价款")
    assert pricey_line["added_price_fen"] == 1000 and pricey_line["unit_price_fen"] == 1200

    quote = alice.quote()
    assert [li["title"] for li in quote["lines"]] == ["涨价款"]
    assert {li["title"] for li in quote["unavailable_lines"]} == {"下架款", "紧俏款"}

    cart = alice.call("PATCH", f"/cart/items/{pricey_line['id']}", {"accept_price": True}).json
    assert not any(li["issues"] for li in cart["lines"] if li["title"] == "涨价款")
    cart = alice.call("DELETE", "/cart/unavailable").json
    assert [li["title"] for li in cart["lines"]] == ["涨价款"]


def test_guest_cart_merges_on_login(app, client, factory, shop):
    a = sku_of(factory, shop, factory.product(shop, "A", price_fen=1000, stock=50))
    b = sku_of(factory, shop, factory.product(shop, "B", price_fen=500, stock=50))
    base = f"/api/v1/shops/{shop.slug}"
    first = client.post(f"{base}/cart/items", json={"sku_id": a.id, "qty": 2})
    assert first.status_code == 200
    token = first.headers["X-Cart-Token"]
    assert first.json["guest_token"] == token
    client.post(f"{base}/cart/items", json={"sku_id": b.id}, headers={"X-Cart-Token": token})
    assert client.get(f"{base}/cart", headers={"X-Cart-Token": token}).json["count"] == 3

    alice = shopper(app, client, factory, shop)
    alice.add_to_cart(a.id, 1)
    merged = alice.call("GET", "/cart", headers={"X-Cart-Token": token}).json
    assert {li["title"]: li["qty"] for li in merged["lines"]} == {"A": 3, "B": 1}
    again = alice.call("GET", "/cart", headers={"X-Cart-Token": token}).json
    assert {li["title"]: li["qty"] for li in again["lines"]} == {"A": 3, "B": 1}
    assert client.get(f"{base}/cart", headers={"X-Cart-Token": token}).json["count"] == 0


def test_bad_token_is_401_and_guest_cannot_merge(app, client, factory, shop):
    base = f"/api/v1/shops/{shop.slug}"
    answer = client.get(f"{base}/cart", headers={"Authorization": "Bearer mk_nope"})
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert client.post(f"{base}/cart/merge", json={"guest_token": "x"}).status_code == 401


def test_cart_info_query_count_is_pinned(app, factory, shop):
    """Two queries for any number of lines: the lines, then SKUs joined to products."""
    members = factory.member(shop)
    skus = [sku_of(factory, shop, factory.product(shop, price_fen=100, stock=9))
            for _ in range(12)]
    owner = CartOwner(member_id=members.id)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        service.add_item(s, owner, skus[0].id, 1)
        s.commit()
        cart = service.find_cart(s, owner)
        counts = []
        for n in (1, 12):
            for sku in skus[1:n]:
                service.add_item(s, owner, sku.id, 1)
            s.commit()
            statements: list[str] = []

            def watch(_conn, _cursor, statement, *_args, into=statements):
                if statement.lstrip().upper().startswith("SELECT") \
                        and not sets_tenant_context(statement):
                    into.append(statement)

            event.listen(s.get_bind(), "before_cursor_execute", watch)
            try:
                info = service.fetch_cart_info(s, cart)
            finally:
                event.remove(s.get_bind(), "before_cursor_execute", watch)
            assert len(info.lines) == n
            counts.append(len(statements))
        assert counts == [2, 2]


def test_the_count_for_badges_follows_the_cart_and_stays_in_its_shop(app, client, factory, shop):
    a = sku_of(factory, shop, factory.product(shop, "A", price_fen=1000, stock=9))
    b = sku_of(factory, shop, factory.product(shop, "B", price_fen=250, stock=9))
    assert client.get("/api/v1/shops/alpha/cart/count").json == {"count": 0}  # a guest, no cart
    alice = shopper(app, client, factory, shop)
    assert alice.call("GET", "/cart/count").json == {"count": 0}
    alice.add_to_cart(a.id, 2)
    cart = alice.add_to_cart(b.id, 3)
    answer = alice.call("GET", "/cart/count")
    assert answer.json == {"count": cart["count"]} == {"count": 5}
    assert answer.headers["Cache-Control"] == "private, no-cache"
    guest = client.post("/api/v1/shops/alpha/cart/items", json={"sku_id": a.id, "qty": 4})
    token = guest.headers["X-Cart-Token"]
    assert client.get("/api/v1/shops/alpha/cart/count",
                      headers={"X-Cart-Token": token}).json == {"count": 4}
    factory.shop(slug="beta", name="Beta")
    other = client.get("/api/v1/shops/beta/cart/count",
                       headers={"Authorization": alice.headers["Authorization"],
                                "X-Cart-Token": token})
    assert other.status_code in (200, 401)
    assert other.json.get("count", 0) == 0  # neither alice's cart nor the guest's in another shop
