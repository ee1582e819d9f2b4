"""Categories (tree, depth, deletion), groups (manual, rule) and tags."""

from __future__ import annotations

import pytest

from runtime.errors import Conflict, ValidationFailed
from runtime.modules.catalog import products, queries, taxonomy


def test_category_tree_nests_three_levels_at_most(shop_session):
    top = taxonomy.create_category(shop_session, {"name": "服装", "position": 2})
    first = taxonomy.create_category(shop_session, {"name": "美妆", "position": 1})
    mid = taxonomy.create_category(shop_session, {"name": "女装", "parent_id": top.id})
    leaf = taxonomy.create_category(shop_session, {"name": "连衣裙", "parent_id": mid.id})
    with pytest.raises(ValidationFailed) as info:
        taxonomy.create_category(shop_session, {"name": "太深", "parent_id": leaf.id})
    assert info.value.errors[0].pointer == "/parent_id"
    with pytest.raises(ValidationFailed) as info:
        taxonomy.update_category(shop_session, top.id, {"parent_id": leaf.id})
    assert info.value.errors[0].code == "cycle"
    with pytest.raises(ValidationFailed):  # moving a two-level branch under a 2nd level
        taxonomy.update_category(shop_session, mid.id, {"parent_id": first.id})
        taxonomy.create_category(shop_session, {"name": "x", "parent_id": leaf.id})
    shop_session.rollback()


def test_category_tree_order_and_descendants(shop_session):
    top = taxonomy.create_category(shop_session, {"name": "服装", "position": 2})
    first = taxonomy.create_category(shop_session, {"name": "美妆", "position": 1})
    mid = taxonomy.create_category(shop_session, {"name": "女装", "parent_id": top.id})
    leaf = taxonomy.create_category(shop_session, {"name": "连衣裙", "parent_id": mid.id})
    tree = taxonomy.category_tree(shop_session)
    assert [n.category.name for n in tree] == ["美妆", "服装"]
    assert [n.category.name for n in tree[1].children] == ["女装"]
    assert taxonomy.descendant_ids(shop_session, top.id) == {top.id, mid.id, leaf.id}
    assert taxonomy.descendant_ids(shop_session, first.id) == {first.id}


def test_a_category_in_use_cannot_be_deleted(shop_session):
    top = taxonomy.create_category(shop_session, {"name": "食品"})
    child = taxonomy.create_category(shop_session, {"name": "零食", "parent_id": top.id})
    product = products.create_product(shop_session, {"title": "坚果", "category_id": child.id,
                                                     "skus": [{"price_fen": 1}]})
    with pytest.raises(Conflict) as info:
        taxonomy.delete_category(shop_session, top.id)
    assert info.value.code == "category_in_use"
    with pytest.raises(Conflict):
        taxonomy.delete_category(shop_session, child.id)
    products.update_product(shop_session, product.id, {"category_id": None})
    taxonomy.delete_category(shop_session, child.id)
    taxonomy.delete_category(shop_session, top.id)
    assert taxonomy.category_tree(shop_session) == []


def _group_titles(session, group):
    page = queries.list_products(session, queries.ProductFilter(group_id=group.id),
                                 sort="price_asc")
    return [p.title for p in page.items]


def test_manual_and_rule_groups(shop_session):
    picks = taxonomy.create_group(shop_session, {"name": "店长推荐"})
    for title, price, tags in [("面霜", 29900, ["护肤"]), ("口红", 19900, ["彩妆"]),
                               ("面膜", 9900, ["护肤"]), ("梳子", 1900, [])]:
        products.create_product(shop_session, {"title": title, "tags": tags,
                                               "status": "on_sale",
                                               "skus": [{"price_fen": price}]})
    by_title = {p.title: p.id for p in queries.list_products(
        shop_session, queries.ProductFilter()).items}
    taxonomy.add_to_groups(shop_session, [by_title["口红"], by_title["梳子"]], [picks.id])
    taxonomy.add_to_groups(shop_session, [by_title["口红"]], [picks.id])  # no duplicate
    assert _group_titles(shop_session, picks) == ["梳子", "口红"]

    skincare = taxonomy.create_group(shop_session, {"name": "护肤专区", "kind": "rule",
                                                    "rule": {"tags": ["护肤"]}})
    assert _group_titles(shop_session, skincare) == ["面膜", "面霜"]
    budget = taxonomy.create_group(shop_session, {"name": "平价护肤", "kind": "rule",
                                                  "rule": {"tags": ["护肤"],
                                                           "max_price_fen": 10000}})
    assert _group_titles(shop_session, budget) == ["面膜"]
    counts = taxonomy.group_product_counts(shop_session)
    assert (counts[picks.id], counts[skincare.id], counts[budget.id]) == (2, 2, 1)

    with pytest.raises(ValidationFailed) as info:
        taxonomy.add_to_groups(shop_session, [by_title["面霜"]], [skincare.id])
    assert info.value.errors[0].code == "rule_group"
    with pytest.raises(ValidationFailed) as info:
        taxonomy.create_group(shop_session, {"name": "空规则", "kind": "rule", "rule": {}})
    assert info.value.errors[0].pointer == "/rule"
    with pytest.raises(ValidationFailed) as info:
        taxonomy.create_group(shop_session, {"name": "x", "kind": "rule",
                                             "rule": {"min_price_fen": 5, "max_price_fen": 1,
                                                      "colour": "red"}})
    assert {e.pointer for e in info.value.errors} == {"/rule/max_price_fen", "/rule/colour"}

    products.update_product(shop_session, by_title["梳子"], {"group_ids": []})
    assert _group_titles(shop_session, picks) == ["口红"]
    taxonomy.delete_group(shop_session, picks.id)
    assert [g.name for g in taxonomy.list_groups(shop_session)] == ["护肤专区", "平价护肤"]
