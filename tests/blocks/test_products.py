"""Product blocks: every source, one batch for all grids on a page, and the cache following the
catalog."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from runtime.blocklib.products import _bound_statement
from runtime.modules.catalog.products import update_product
from runtime.pages import cache
from tests.blocks.conftest import block, ids_in_html, in_shop, page_config
from tests.statements import sets_tenant_context

SOURCES = ("manual", "group", "tag", "newest", "best_selling")


def layout(client, slug="home", **headers):
    return client.get(f"/api/v1/shops/alpha/layouts/{slug}", headers=headers)


def titles(node):
    return [p["title"] for p in node["data"]["products"]]


def grid(block_id, catalog, source, **settings):
    extra = {"manual": {"product_ids": [{"product_id": catalog.products[n]}
                                         for n in ("mug", "hidden", "tee", "dress")]},
             "group": {"group_id": catalog.groups["rule"]},
             "tag": {"tag": catalog.tag}}.get(source, {})
    return block(block_id, "product-grid", source=source, **{**extra, **settings})


def test_each_source_lists_visible_products_in_its_order(client, shop, catalog, publish):
    publish(shop, page_config(*(grid(s, catalog, s, limit=10) for s in SOURCES)))
    nodes = {n["id"]: n for n in layout(client).json["nodes"]}
    # Picks keep their order; the off-shelf pick is left out.
    assert titles(nodes["manual"]) == ["陶瓷马克杯", "纯棉短袖T恤", "碎花连衣裙"]
    # The rule group (tag 春季) and the tag: visible tagged products, newest first by default
    # weight ties.
    assert set(titles(nodes["group"])) == {"碎花连衣裙", "纯棉短袖T恤", "冷萃挂耳咖啡"}
    assert set(titles(nodes["tag"])) == {"碎花连衣裙", "纯棉短袖T恤", "冷萃挂耳咖啡"}
    assert titles(nodes["newest"]) == ["冷萃挂耳咖啡", "木质香薰蜡烛", "陶瓷马克杯", "每日坚果礼盒",
                                       "纯棉短袖T恤", "碎花连衣裙"]
    assert titles(nodes["best_selling"]) == ["纯棉短袖T恤", "每日坚果礼盒", "碎花连衣裙",
                                             "冷萃挂耳咖啡", "陶瓷马克杯", "木质香薰蜡烛"]

    card = nodes["manual"]["data"]["products"][0]
    assert card["id"] == catalog.products["mug"]
    assert card["price_fen"] == 3900 and card["original_price_fen"] == 5900
    assert card["link"] == {"kind": "product", "product_id": catalog.products["mug"]}
    assert card["cover"].startswith("/media/") and card["sold_out"] is False
    candle = next(p for p in nodes["newest"]["data"]["products"] if p["title"] == "木质香薰蜡烛")
    assert candle["sold_out"] is True


def test_limit_manual_group_and_unknown_sources(client, shop, catalog, publish):
    publish(shop, page_config(
        grid("two", catalog, "best_selling", limit=2),
        grid("picks", catalog, "manual", limit=1),
        block("manual-group", "product-grid", source="group", group_id=catalog.groups["manual"]),
        block("no-group", "product-grid", source="group", group_id=999999),
        block("no-picks", "product-grid", source="manual"),
        block("no-tag", "product-grid", source="tag", tag="没有这个标签"),
    ))
    nodes = {n["id"]: n for n in layout(client).json["nodes"]}
    assert titles(nodes["two"]) == ["纯棉短袖T恤", "每日坚果礼盒"]
    assert len(titles(nodes["picks"])) == 3  # picks show every visible pick, not ``limit``
    assert set(titles(nodes["manual-group"])) == {"每日坚果礼盒", "陶瓷马克杯"}
    for empty in ("no-group", "no-picks", "no-tag"):
        assert nodes[empty]["data"] == {"products": []}


def test_h5_cards_show_prices_links_and_sold_out(client, shop, catalog, publish):
    publish(shop, page_config(grid("g", catalog, "newest", limit=10, badge="新品",
                                   show_sales=True, buy_button="text", buy_text="抢")))
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert ids_in_html(html) == ["g"]
    assert f'href="/s/alpha/pages/product?id={catalog.products["dress"]}"' in html
    assert "<small>¥</small>159<small>.00</small>" in html
    assert "¥259.00" in html  # the original price, struck through
    assert "已售 300" in html and "已售罄" in html and "新品" in html and ">抢<" in html
    assert "下架的旧款" not in html


def test_group_tabs_load_every_tab(client, shop, catalog, publish):
    tabs = [{"title": "推荐", "source": "group", "group_id": catalog.groups["manual"], "tag": ""},
            {"title": "春季", "source": "tag", "group_id": None, "tag": catalog.tag},
            {"title": "热销", "source": "best_selling", "group_id": None, "tag": ""},
            {"title": "空的", "source": "group", "group_id": None, "tag": ""}]
    publish(shop, page_config(block("tabs", "product-tabs", tabs=tabs, limit=2)))
    node = layout(client).json["nodes"][0]
    assert [t["title"] for t in node["data"]["tabs"]] == ["推荐", "春季", "热销", "空的"]
    assert [len(t["products"]) for t in node["data"]["tabs"]] == [2, 2, 2, 0]
    assert [p["title"] for p in node["data"]["tabs"][2]["products"]] == ["纯棉短袖T恤",
                                                                        "每日坚果礼盒"]
    html = client.get("/s/alpha/").get_data(as_text=True)
    # CSS-only tabs: one radio per tab, the first checked, a label for each.
    assert html.count('class="mk-ptabs__radio"') == 4
    assert 'id="b-tabs-r0" checked' in html
    assert 'for="b-tabs-r3"' in html and "暂无商品" in html


@contextmanager
def counting(app):
    statements: list[str] = []
    engine = app.extensions["mallkit"].engine

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_one_and_twenty_product_grids_cost_the_same_queries(app, client, shop, catalog, publish):
    publish(shop, page_config(grid("only", catalog, "group"), kind="custom", title="一个"),
            slug="one")
    twenty = [grid(f"g{i}", catalog, SOURCES[i % 5], limit=1 + i % 4) for i in range(20)]
    publish(shop, page_config(*twenty, kind="custom", title="二十"), slug="twenty")
    assert layout(client, "home").status_code == 200  # the shop's id is looked up once
    with counting(app) as one:
        assert layout(client, "one").status_code == 200
    with counting(app) as many:
        response = layout(client, "twenty")
        assert response.status_code == 200
    assert len(response.json["nodes"]) == 20
    assert all(n["data"]["products"] for n in response.json["nodes"])
    product_queries = [q for q in many if "catalog_products" in q]
    assert len(product_queries) <= 3, product_queries
    assert len(many) == len(one), "\n".join(["", *one, "----", *many])


BASE = ("BEGIN", "FROM shops", "FROM pages", "FROM shop_modules",
        "FROM shop_themes")


def kind_of(statement: str) -> str:
    """What a statement of a cold page reads: the page itself or a kind of block data."""
    if sets_tenant_context(statement) or any(marker in statement for marker in BASE):
        return "page"
    for table in ("shop_navigation", "catalog_groups", "catalog_products", "media_assets"):
        if f"FROM {table}" in statement:
            return table
    return statement


def test_a_cold_page_costs_five_statements_and_one_per_data_kind(app, client, shop, catalog,
                                                                publish, redis_conn):
    """However many product blocks a page has: at most five statements for the page (shop,
    page and live version, modules, theme, and the transaction's start), then one per kind of
    data (the shop's navigation bar, groups, product cards with their stock, cover images) —
    no savepoints."""
    one = [grid("only", catalog, "group")]
    twenty = [grid(f"g{i}", catalog, SOURCES[i % 5], limit=1 + i % 4) for i in range(19)]
    tabs = block("tabs", "product-tabs", tabs=[
        {"title": "热销", "source": "best_selling"}, {"title": "新品", "source": "newest"},
        {"title": "春季", "source": "tag", "tag": catalog.tag}])
    counts = {}
    for name, blocks in (("one", one), ("twenty", [*twenty, tabs])):
        publish(shop, page_config(*blocks))
        assert layout(client).status_code == 200  # the shop's id map is warm
        cache.bump_config_version(redis_conn, shop.id)
        with counting(app) as statements:
            response = layout(client)
        assert response.status_code == 200
        assert all(n["data"].get("products") or n["data"].get("tabs")
                   for n in response.json["nodes"])
        kinds = [kind_of(q) for q in statements]
        assert kinds.count("page") <= 5, statements
        assert sorted(k for k in kinds if k != "page") == [
            "catalog_groups", "catalog_products", "media_assets", "shop_navigation"], statements
        products = next(q for q in statements if kind_of(q) == "catalog_products")
        counts[name] = (len(statements), products.count("UNION ALL"))
    # 19 grids of 5 sources at 4 limits, and 3 tabs: 5 distinct lists, loaded once each
    # with the longest limit asked for.
    assert counts == {"one": (counts["one"][0], 0), "twenty": (counts["one"][0], 4)}


def test_a_product_change_changes_the_page_and_its_etag(app, client, shop, catalog, publish):
    publish(shop, page_config(grid("g", catalog, "manual")))
    first = layout(client)
    h5 = client.get("/s/alpha/")
    assert titles(first.json["nodes"][0])[0] == "陶瓷马克杯"
    assert layout(client, **{"If-None-Match": first.headers["ETag"]}).status_code == 304

    with in_shop(app, shop) as s:
        update_product(s, catalog.products["mug"], {"title": "手工陶瓷马克杯"})
        s.commit()
    changed = layout(client, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert titles(changed.json["nodes"][0])[0] == "手工陶瓷马克杯"
    assert changed.headers["ETag"] != first.headers["ETag"]
    new_h5 = client.get("/s/alpha/", headers={"If-None-Match": h5.headers["ETag"]})
    assert new_h5.status_code == 200 and "手工陶瓷马克杯" in new_h5.get_data(as_text=True)


def test_an_empty_grid_hints_in_the_editor_preview_only(app, client, factory, shop, publish,
                                                        regs):
    config = page_config(block("g", "product-grid", source="manual"),
                         block("t", "product-tabs", tabs=[{"title": "空", "source": "group",
                                                           "group_id": None, "tag": ""}]))
    publish(shop, config)
    live = client.get("/s/alpha/").get_data(as_text=True)
    assert "暂无可显示的商品" not in live and "这个选项卡还没有可显示的商品" not in live
    factory.console_login(client, factory.merchant(shop))
    preview = client.get("/console/shops/alpha/pages/home/preview")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "暂无可显示的商品" in html and "这个选项卡还没有可显示的商品" in html


def test_a_context_grid_follows_the_category_pages_group_or_category(app, client, shop,
                                                                      catalog, publish):
    from runtime.modules.catalog.taxonomy import create_category

    with in_shop(app, shop) as s:
        drinks = create_category(s, {"name": "饮品"})
        update_product(s, catalog.products["coffee"], {"category_id": drinks.id})
        s.commit()
        drinks_id = drinks.id
    publish(shop, page_config(block("goods", "product-grid", source="context", limit=20),
                              block("also", "product-grid", source="context", limit=1),
                              kind="category", title="分类"), slug="category")
    plain = layout(client, "category").json["nodes"][0]
    assert "context" not in plain["data"] and len(titles(plain)) == 6  # newest

    grouped = layout(client, f"category?group={catalog.groups['manual']}").json["nodes"]
    assert grouped[0]["data"]["context"] == {"kind": "group", "id": catalog.groups["manual"],
                                             "name": "店长推荐"}
    assert set(titles(grouped[0])) == {"每日坚果礼盒", "陶瓷马克杯"}
    assert len(titles(grouped[1])) == 1

    by_category = layout(client, f"category?id={drinks_id}").json["nodes"][0]
    assert by_category["data"]["context"]["name"] == "饮品"
    assert titles(by_category) == ["冷萃挂耳咖啡"]
    assert layout(client, "category?group=999999").json["nodes"][0]["data"] == {"products": []}

    html = client.get(f"/s/alpha/pages/category?group={catalog.groups['manual']}")
    text = html.get_data(as_text=True)
    assert "店长推荐" in text and "共 2 件" in text and "纯棉短袖T恤" not in text


@contextmanager
def compiled_product_statements(app):
    """The compiled SQL (before expanding IN lists) the engine ran for the product cards."""
    compiled: list[str] = []
    engine = app.extensions["mallkit"].engine

    def seen(_conn, _cursor, statement, _params, context, _many):
        if "FROM catalog_products" in statement and "UNION ALL" in statement:
            compiled.append(context.compiled.string)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield compiled
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_a_page_shape_reuses_one_compiled_product_statement(app, client, shop, catalog, publish,
                                                          redis_conn):
    """Two pages of the same shape (hand-picked, newest, a tag, a manual group) with other
    values — picks, limit, tag — run one statement built once; each gets its own products."""
    def page(picks, limit, tag, group):
        return page_config(
            block("m", "product-grid", source="manual",
                  product_ids=[{"product_id": catalog.products[n]} for n in picks]),
            block("n", "product-grid", source="newest", limit=limit),
            block("t", "product-grid", source="tag", tag=tag, limit=limit),
            block("g", "product-grid", source="group", group_id=group, limit=limit))

    built = _bound_statement.cache_info().misses
    with compiled_product_statements(app) as compiled:
        publish(shop, page(["mug", "tee"], 1, catalog.tag, catalog.groups["manual"]))
        first = {n["id"]: titles(n) for n in layout(client).json["nodes"]}
        publish(shop, page(["dress"], 2, "无此标签", catalog.groups["manual"]))
        cache.bump_config_version(redis_conn, shop.id)
        second = {n["id"]: titles(n) for n in layout(client).json["nodes"]}
    assert _bound_statement.cache_info().misses <= built + 1
    assert len(compiled) == 2 and compiled[0] == compiled[1]
    assert first["m"] == ["陶瓷马克杯", "纯棉短袖T恤"] and second["m"] == ["碎花连衣裙"]
    assert len(first["n"]) == 1 and len(second["n"]) == 2
    assert len(first["t"]) == 1 and second["t"] == []
    assert len(first["g"]) == 1 and len(second["g"]) == 2
