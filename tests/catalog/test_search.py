"""Keyword search on both databases: Chinese substrings, words, tags, and the index in step."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from runtime.modules.catalog import products, search, taxonomy
from runtime.modules.catalog.importing.importer import refresh_statistics
from runtime.modules.catalog.models import Product


def _find(session, keyword):
    condition = search.matching_product_ids(session, keyword)
    return sorted(session.scalars(select(Product.title).where(condition)))


def test_tokens_cut_chinese_into_characters_and_bigrams():
    assert search.document_tokens("碎花裙 iPhone15") == [
        "碎", "碎花", "花", "花裙", "裙", "iphone15"]
    assert search.query_terms("连衣裙") == [("连衣", False), ("衣裙", False)]
    assert search.query_terms("裙") == [("裙", False)]
    assert search.query_terms("ＡＢＣ 手") == [("abc", True), ("手", False)]
    assert search.query_terms("\"' OR 1=1 --*") == [("or", True), ("1", True)]
    assert search.query_terms("  ") == []


def test_chinese_substrings_words_and_tags(shop_session):
    for title, subtitle, tags in [
        ("法式碎花连衣裙", "夏季新款 雪纺", ["新品"]),
        ("高腰牛仔半身裙", "显瘦百搭", []),
        ("Apple iPhone 15 手机", "A16 芯片", ["数码爆款"]),
        ("纯棉T恤", "圆领短袖", ["新品", "夏季"]),
    ]:
        products.create_product(shop_session, {"title": title, "subtitle": subtitle,
                                               "tags": tags, "skus": [{"price_fen": 100}]})
    shop_session.commit()
    assert _find(shop_session, "连衣") == ["法式碎花连衣裙"]
    assert _find(shop_session, "衣裙") == ["法式碎花连衣裙"]
    assert _find(shop_session, "裙") == ["法式碎花连衣裙", "高腰牛仔半身裙"]
    assert _find(shop_session, "半身裙") == ["高腰牛仔半身裙"]
    assert _find(shop_session, "碎花裙") == []  # not a substring of anything
    assert _find(shop_session, "雪纺") == ["法式碎花连衣裙"]  # subtitle
    assert _find(shop_session, "新品") == ["法式碎花连衣裙", "纯棉T恤"]  # tag
    assert _find(shop_session, "夏季") == ["法式碎花连衣裙", "纯棉T恤"]
    assert _find(shop_session, "iph") == ["Apple iPhone 15 手机"]  # word prefix
    assert _find(shop_session, "IPHONE 手机") == ["Apple iPhone 15 手机"]
    assert _find(shop_session, "t恤") == ["纯棉T恤"]
    assert _find(shop_session, "手表") == []
    assert _find(shop_session, "'; DROP TABLE catalog_products; --") == []


def test_the_index_follows_every_write(shop_session):
    product = products.create_product(shop_session, {"title": "羊毛围巾", "tags": ["冬季"],
                                                     "skus": [{"price_fen": 100}]})
    shop_session.commit()
    assert _find(shop_session, "围巾") == ["羊毛围巾"]
    products.update_product(shop_session, product.id, {"title": "羊绒披肩", "tags": ["保暖"]})
    shop_session.commit()
    assert _find(shop_session, "围巾") == [] and _find(shop_session, "披肩") == ["羊绒披肩"]
    assert _find(shop_session, "冬季") == [] and _find(shop_session, "保暖") == ["羊绒披肩"]

    tag = next(t for t in taxonomy.list_tags(shop_session) if t.name == "保暖")
    taxonomy.rename_tag(shop_session, tag.id, "御寒")
    shop_session.commit()
    assert _find(shop_session, "保暖") == [] and _find(shop_session, "御寒") == ["羊绒披肩"]
    taxonomy.delete_tag(shop_session, tag.id)
    shop_session.commit()
    assert _find(shop_session, "御寒") == []

    products.delete_products(shop_session, [product.id])
    shop_session.commit()
    assert _find(shop_session, "披肩") == []


def test_search_stays_inside_the_shop(shop_session, factory):
    other = factory.shop()
    factory.product(other, "别家连衣裙")
    products.create_product(shop_session, {"title": "本店连衣裙", "skus": [{"price_fen": 1}]})
    shop_session.commit()
    assert _find(shop_session, "连衣裙") == ["本店连衣裙"]


@pytest.mark.postgres
def test_postgres_matches_terms_through_their_index_under_row_level_security(shop_session):
    """The app's role is subject to row-level security, where the planner may use an index
    only for LEAKPROOF conditions; the term index is matched with such (= and a text range),
    so every keyword term is an index condition, not a filter over the shop's rows."""
    for i in range(60):
        style = "碎花" if i % 20 == 0 else ("纯色", "格纹", "条纹")[i % 3]
        products.create_product(shop_session, {"title": f"法式{style}连衣裙 {i}",
                                               "skus": [{"price_fen": 100}]})
    shop_session.commit()
    refresh_statistics(shop_session)  # as a large import does, as the app's role
    roles = shop_session.execute(text(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert tuple(roles) == (False, False)
    condition = search.matching_product_ids(shop_session, "碎花 iph")
    query = select(Product.id).where(condition)
    compiled = query.compile(dialect=shop_session.get_bind().dialect,
                             compile_kwargs={"literal_binds": True})
    shop_session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(r[0] for r in shop_session.execute(text(f"EXPLAIN {compiled}")))
    term_scans = [line for line in plan.splitlines() if "Index Cond" in line and "term" in line]
    assert len(term_scans) == 2, plan  # 碎花 by =, iph by a range
    assert "'碎花'" in plan and "'iph'" in plan and "'ipi'" in plan
