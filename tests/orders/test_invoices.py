"""Invoices requested at checkout: the console queue lists paid orders waiting for one, the
merchant records the e-invoice number once, the buyer sees it on the order; other shops'
orders are out of reach."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from pypdf import PdfWriter

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


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    """A real PDF made by pypdf (blank A4 pages)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"invoice {pages}"})
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, base, order_id, data, token, name="invoice.pdf"):
    return client.post(f"{base}/{order_id}/invoice.pdf",
                       data={"file": (io.BytesIO(data), name)},
                       headers={"X-CSRF-Token": token, "Accept": "application/json"},
                       content_type="multipart/form-data")


@pytest.fixture
def invoiced(app, client, factory, shop, clock):
    """A paid order of alice's with an invoice requested, the merchant's console client."""
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, {"invoice_enabled": True})
        s.commit()
    sku = sku_of(factory, shop, factory.product(shop, "羊毛大衣", price_fen=59900, stock=9))
    alice = shopper(app, app.test_client(), factory, shop, openid="o-alice")
    alice.add_address()
    order = paid(app, alice, sku.id, invoice=INVOICE)
    token = factory.console_login(client, factory.merchant(shop))
    return alice, order, token, f"/console/shops/{shop.slug}/orders", sku


def test_invoice_pdf_goes_to_the_buyer_of_the_order_only(app, client, factory, shop, invoiced):
    alice, order, token, base, _sku = invoiced
    document = pdf_bytes(2)
    done = upload(client, base, order["id"], document, token)
    assert done.status_code == 200, done.json
    assert done.json["result"]["byte_size"] == len(document) and done.json["result"]["pages"] == 2
    assert client.get(f"{base}/invoices", headers={"Accept": "application/json"}).json[
        "items"] == []  # issued: out of the queue
    assert upload(client, base, order["id"], document, token).status_code == 200  # same file
    other_file = upload(client, base, order["id"], pdf_bytes(3), token)
    assert other_file.status_code == 409 and other_file.json["code"] == "invoice_pdf_uploaded"

    seen = alice.order(order["id"])["invoice"]
    assert seen["pdf"]["api_path"] == f"/orders/{order['id']}/invoice.pdf"
    assert "key" not in seen["pdf"] and seen["title"] == "某某科技有限公司"
    got = alice.client.get(f"/api/v1/shops/{shop.slug}{seen['pdf']['api_path']}",
                           headers=alice.headers)
    assert got.status_code == 200 and got.data == document
    assert got.mimetype == "application/pdf"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"

    mine = client.get(f"{base}/{order['id']}/invoice.pdf")  # the merchant, in the console
    assert mine.status_code == 200 and mine.data == document
    detail = client.get(f"{base}/{order['id']}", headers=HTML).get_data(as_text=True)
    assert f'href="{base}/{order["id"]}/invoice.pdf"' in detail

    bob = shopper(app, app.test_client(), factory, shop, openid="o-bob")  # same shop
    assert bob.client.get(f"/api/v1/shops/{shop.slug}/orders/{order['id']}/invoice.pdf",
                          headers=bob.headers).status_code == 404
    assert app.test_client().get(
        f"/api/v1/shops/{shop.slug}/orders/{order['id']}/invoice.pdf").status_code == 401
    key = f"private/{shop.id}/{hashlib.sha256(document).hexdigest()[:2]}/" \
          f"{hashlib.sha256(document).hexdigest()}.pdf"
    assert app.test_client().get(f"/media/{key}").status_code == 404  # never public

    beta = factory.shop(slug="beta", name="Beta 店")
    client_b = app.test_client()
    token_b = factory.console_login(client_b, factory.merchant(beta, email="b@beta.test"))
    assert client_b.get(f"/console/shops/beta/orders/{order['id']}/invoice.pdf"
                        ).status_code == 404
    assert upload(client_b, "/console/shops/beta/orders", order["id"], pdf_bytes(1),
                  token_b).status_code == 404
    carol = shopper(app, app.test_client(), factory, beta, openid="o-alice")
    assert carol.client.get(f"/api/v1/shops/beta/orders/{order['id']}/invoice.pdf",
                            headers=carol.headers).status_code == 404
    assert alice.client.get(f"/api/v1/shops/{shop.slug}/orders/{order['id']}/invoice.pdf",
                            headers=alice.headers).data == document


def test_only_a_real_readable_pdf_is_accepted(app, client, factory, shop, invoiced):
    alice, order, token, base, sku = invoiced
    for data, name, status, code in (
            (png_bytes(), "invoice.pdf", 415, "unsupported_media"),  # an image renamed
            (b"%PDF-1.7\n" + b"\x00" * 200 + b"\n%%EOF\n", "invoice.pdf", 415,
             "unsupported_media"),  # the magic but nothing readable
            (b"%PDF-1.4\nhello", "invoice.pdf", 415, "unsupported_media"),  # cut short
            (pdf_bytes(1, password="secret"), "invoice.pdf", 415, "unsupported_media"),
            (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF", "big.pdf", 413,
             "too_large"),
            (b"", "empty.pdf", 422, "empty_file")):
        answer = upload(client, base, order["id"], data, token, name)
        assert answer.status_code == status, (name, answer.json)
        assert "errors" in answer.json, (name, answer.json)
        assert answer.json["errors"][0]["pointer"] == "/file"
        assert answer.json["errors"][0]["code"] == code
    missing = client.post(f"{base}/{order['id']}/invoice.pdf", data={},
                          headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert missing.status_code == 422 and missing.json["errors"][0]["pointer"] == "/file"
    assert alice.order(order["id"])["invoice"]["pdf"] is None
    assert client.get(f"{base}/{order['id']}/invoice.pdf").status_code == 404
    unpaid = alice.buy(sku.id, 1, invoice=INVOICE)
    early = upload(client, base, unpaid["id"], pdf_bytes(1), token)
    assert early.status_code == 409 and early.json["code"] == "order_not_paid"
    plain = paid(app, alice, sku.id)  # no invoice asked for
    assert upload(client, base, plain["id"], pdf_bytes(1), token).status_code == 404


def test_a_refused_pdf_is_explained_in_chinese_in_the_console(app, client, factory, shop,
                                                              invoiced):
    """The console form (no JSON asked for) goes back to the queue with the reason in zh-CN."""
    _alice, order, token, base, _sku = invoiced
    for data, reason in ((png_bytes(), "这不是 PDF 文件"),
                         (pdf_bytes(1, password="secret"), "PDF 已加密")):
        answer = client.post(f"{base}/{order['id']}/invoice.pdf",
                             data={"file": (io.BytesIO(data), "invoice.pdf")},
                             headers={"X-CSRF-Token": token},
                             content_type="multipart/form-data", follow_redirects=True)
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
        assert reason in page, page[page.find("flash"):page.find("flash") + 400]
