"""Products and the spec/SKU matrix: creation, regeneration, validation with pointers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from runtime.errors import ValidationFailed
from runtime.modules.catalog import products, stock
from runtime.modules.catalog.models import Sku, StockLedgerEntry


def _matrix_payload(colours, sizes, price=9900, stock_each=5):
    return {
        "specs": [{"name": "颜色", "values": colours}, {"name": "尺码", "values": sizes}],
        "skus": [{"spec_values": [c, s], "price_fen": price, "stock": stock_each,
                  "code": f"SKU-{c}-{s}"} for c in colours for s in sizes],
    }


def _skus(session, product_id, include_retired=False):
    session.expire_all()
    return {tuple(s.spec_values): s for s in products.product_skus(
        session, product_id, include_retired=include_retired)}


def test_create_generates_the_matrix_with_stock_in_the_ledger(shop_session):
    product = products.create_product(shop_session, {
        "title": "法式碎花连衣裙", "code": "P-1", **_matrix_payload(["红", "蓝"], ["S", "M", "L"])})
    shop_session.commit()
    skus = _skus(shop_session, product.id)
    assert list(skus) == [("红", "S"), ("红", "M"), ("红", "L"),
                          ("蓝", "S"), ("蓝", "M"), ("蓝", "L")]
    assert all(s.stock == 5 and s.price_fen == 9900 for s in skus.values())
    assert product.min_price_fen == product.max_price_fen == 9900
    entries = shop_session.scalars(select(StockLedgerEntry).order_by(StockLedgerEntry.id)).all()
    assert [(e.reason, e.delta, e.balance) for e in entries] == [("initial", 5, 5)] * 6


def test_changing_specs_keeps_existing_skus_and_retires_the_rest(shop_session):
    product = products.create_product(shop_session, {
        "title": "T恤", **_matrix_payload(["红", "蓝"], ["S", "M"])})
    shop_session.commit()
    before = _skus(shop_session, product.id)
    red_s = before[("红", "S")]
    stock.adjust(shop_session, red_s.id, -3, reference="sold offline")
    shop_session.commit()

    # drop 蓝, add 绿 and size L; only new combinations need data
    products.update_product(shop_session, product.id, {
        "specs": [{"name": "颜色", "values": ["红", "绿"]},
                  {"name": "尺码", "values": ["S", "M", "L"]}],
        "skus": [{"spec_values": ["红", "L"], "price_fen": 10900, "stock": 1},
                 {"spec_values": ["绿", "S"], "price_fen": 9900},
                 {"spec_values": ["绿", "M"], "price_fen": 9900},
                 {"spec_values": ["绿", "L"], "price_fen": 10900, "stock": 2}],
    })
    shop_session.commit()
    after = _skus(shop_session, product.id)
    assert list(after) == [("红", "S"), ("红", "M"), ("红", "L"),
                           ("绿", "S"), ("绿", "M"), ("绿", "L")]
    assert after[("红", "S")].id == red_s.id and after[("红", "S")].stock == 2
    assert after[("红", "M")].id == before[("红", "M")].id and after[("红", "M")].stock == 5
    assert after[("绿", "S")].stock == 0 and after[("绿", "L")].stock == 2

    everything = _skus(shop_session, product.id, include_retired=True)
    retired = {k: s for k, s in everything.items() if s.retired_at is not None}
    assert set(retired) == {("蓝", "S"), ("蓝", "M")}
    assert retired[("蓝", "S")].id == before[("蓝", "S")].id
    assert retired[("蓝", "S")].stock == 5  # kept on the row for old orders
    assert shop_session.get(products.Product, product.id).max_price_fen == 10900

    # a combination that comes back is the same SKU again, with its stock
    products.update_product(shop_session, product.id, {
        "specs": [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S"]}]})
    shop_session.commit()
    again = _skus(shop_session, product.id)
    assert list(again) == [("红", "S"), ("蓝", "S")]
    assert again[("蓝", "S")].id == before[("蓝", "S")].id and again[("蓝", "S")].stock == 5


def test_retired_sku_cannot_be_reserved_but_its_row_stays(shop_session):
    product = products.create_product(shop_session, {
        "title": "帽子", **_matrix_payload(["黑", "白"], ["均码"])})
    shop_session.commit()
    white = _skus(shop_session, product.id)[("白", "均码")]
    products.update_product(shop_session, product.id, {
        "specs": [{"name": "颜色", "values": ["黑"]}, {"name": "尺码", "values": ["均码"]}]})
    shop_session.commit()
    with pytest.raises(Exception) as info:
        stock.reserve(shop_session, white.id, 1, "order-9")
    assert getattr(info.value, "code", "") == "sku_retired"
    shop_session.rollback()
    assert shop_session.scalar(select(func.count()).select_from(Sku)) == 2


def test_editing_stock_in_the_form_writes_a_set_entry(shop_session):
    product = products.create_product(shop_session, {
        "title": "袜子", "skus": [{"price_fen": 1500, "stock": 8, "code": "SOCK"}]})
    shop_session.commit()
    sku = products.find_sku_by_code(shop_session, "SOCK")
    products.update_product(shop_session, product.id, {
        "skus": [{"id": sku.id, "stock": 20, "price_fen": 1200, "original_price_fen": 1500}]})
    shop_session.commit()
    shop_session.expire_all()
    sku = shop_session.get(Sku, sku.id)
    assert (sku.stock, sku.price_fen, sku.original_price_fen) == (20, 1200, 1500)
    assert [(e.reason, e.delta, e.balance) for e in stock.ledger(shop_session, sku.id)] == [
        ("set", 12, 20), ("initial", 8, 8)]
    product = shop_session.get(products.Product, product.id)
    assert (product.min_price_fen, product.original_price_fen) == (1200, 1500)


def test_validation_names_every_bad_field(shop_session):
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "", "images": [{"path": "/etc/passwd"}], "status": "sold",
            "specs": [{"name": "颜色", "values": ["红", "红"]}, {"name": "a", "values": ["1"]},
                      {"name": "b", "values": ["1"]}, {"name": "c", "values": ["1"]}],
            "skus": [{"price_fen": -1, "stock": "many"}], "colour": "red"})
    pointers = {e.pointer for e in info.value.errors}
    assert {"/title", "/images/0", "/status", "/specs", "/colour"} <= pointers
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "裙子", "specs": [{"name": "颜色", "values": ["红", "红"]}],
            "skus": [{"spec_values": ["红"], "price_fen": -1, "stock": "many"}]})
    pointers = {e.pointer for e in info.value.errors}
    assert pointers == {"/specs/0/values/1", "/skus/0/price_fen", "/skus/0/stock"}


def test_every_new_combination_needs_a_price(shop_session):
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "裙子", "specs": [{"name": "颜色", "values": ["红", "蓝"]}],
            "skus": [{"spec_values": ["红"], "price_fen": 100},
                     {"spec_values": ["黄"], "price_fen": 100}]})
    messages = {e.pointer: e.message for e in info.value.errors}
    assert set(messages) == {"/skus/1/spec_values", "/skus"}
    assert "蓝" in messages["/skus"]


def test_codes_are_unique_per_shop(shop_session, factory, shop):
    other = factory.shop()
    factory.product(other, code="SAME", skus=[{"price_fen": 1, "code": "SKU-SAME"}])
    products.create_product(shop_session, {"title": "A", "code": "SAME",
                                           "skus": [{"price_fen": 1, "code": "SKU-SAME"}]})
    shop_session.commit()
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {"title": "B", "code": "SAME",
                                               "skus": [{"price_fen": 1, "code": "SKU-SAME"}]})
    assert {(e.pointer, e.code) for e in info.value.errors} == {
        ("/code", "code_taken"), ("/skus/0/code", "code_taken")}


def test_upsert_matches_by_code(shop_session):
    first, created = products.upsert_product(shop_session, {
        "code": "IMP-1", "title": "导入商品", "skus": [{"price_fen": 500, "stock": 1}]})
    again, created_again = products.upsert_product(shop_session, {
        "code": "IMP-1", "title": "导入商品（新）", "skus": [{"price_fen": 600}]})
    shop_session.commit()
    assert created and not created_again and first.id == again.id
    assert again.title == "导入商品（新）" and again.min_price_fen == 600


def test_description_is_sanitised(shop_session):
    product = products.create_product(shop_session, {
        "title": "X", "skus": [{"price_fen": 1}],
        "description_html": '<p onclick="x()">好<script>alert(1)</script>'
                            '<img src="javascript:alert(1)"><a href="https://a.cn">链接</a></p>'})
    html = product.description_html
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "<p>好" in html and 'href="https://a.cn"' in html


def test_delete_keeps_rows_and_frees_the_code(shop_session):
    product = products.create_product(shop_session, {
        "title": "旧款", "code": "OLD", "skus": [{"price_fen": 1, "code": "OLD-1"}]})
    shop_session.commit()
    products.delete_products(shop_session, [product.id])
    shop_session.commit()
    with pytest.raises(Exception) as info:
        products.get_product(shop_session, product.id)
    assert info.value.code == "product_not_found"
    assert products.get_product(shop_session, product.id, include_deleted=True).deleted_at
    products.create_product(shop_session, {"title": "新款", "code": "OLD",
                                           "skus": [{"price_fen": 1, "code": "OLD-1"}]})
    shop_session.commit()


def test_an_update_cannot_blank_the_title(shop_session):
    product = products.create_product(shop_session, {"title": "围巾",
                                                     "skus": [{"price_fen": 1}]})
    with pytest.raises(ValidationFailed) as info:
        products.update_product(shop_session, product.id, {"title": "  "})
    assert [(e.pointer, e.code) for e in info.value.errors] == [("/title", "required")]
