"""Block data is loaded once per block type per page: the query count does not grow with the
number of blocks, and a failing resolver leaves out only its own blocks."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from runtime.pages import cache
from tests.pages.conftest import block, ids_in_html, ids_in_layout, page_config


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def cold_layout_queries(app, client, redis_conn, shop) -> tuple[list[str], dict]:
    cache.bump_config_version(redis_conn, shop.id)  # force the cold path
    with count_queries(app.extensions["mallkit"].engine) as statements:
        response = client.get("/api/v1/shops/alpha/layouts/home")
    assert response.status_code == 200
    return statements, response.json


def test_one_and_twenty_blocks_of_a_type_cost_the_same_queries(app, client, shop, publish,
                                                              redis_conn):
    publish(shop, page_config(block("d0", "test-data")))
    client.get("/api/v1/shops/alpha/layouts/home")  # shop id map and theme env are warm
    one, layout_one = cold_layout_queries(app, client, redis_conn, shop)
    assert layout_one["nodes"][0]["data"]["batch_size"] == 1

    publish(shop, page_config(*[block(f"d{i}", "test-data", label=f"第{i}个") for i in range(20)]))
    twenty, layout_twenty = cold_layout_queries(app, client, redis_conn, shop)
    assert [n["data"]["batch_size"] for n in layout_twenty["nodes"]] == [20] * 20
    assert [n["data"]["label"] for n in layout_twenty["nodes"]][:2] == ["第0个", "第1个"]
    assert len(twenty) == len(one), "\n".join(twenty)
    assert sum("FROM shops" in q for q in twenty) == sum("FROM shops" in q for q in one)


def test_the_warm_path_runs_no_sql(app, client, shop, publish):
    publish(shop, page_config(block("d0", "test-data")))
    first = client.get("/api/v1/shops/alpha/layouts/home")
    engine = app.extensions["mallkit"].engine
    with count_queries(engine) as warm:
        assert client.get("/api/v1/shops/alpha/layouts/home").status_code == 200
        assert client.get("/api/v1/shops/alpha/layouts/home",
                          headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert warm == []
    with count_queries(engine) as cold_h5:
        assert client.get("/s/alpha/").status_code == 200
    assert cold_h5 != []
    with count_queries(engine) as warm_h5:
        assert client.get("/s/alpha/").status_code == 200
    assert warm_h5 == []


def test_a_failing_resolver_drops_only_its_blocks(client, shop, publish, caplog):
    publish(shop, page_config(block("t1", "title"), block("bad1", "test-fail"),
                              block("d1", "test-data"), block("bad2", "test-fail"),
                              block("t2", "title")))
    layout = client.get("/api/v1/shops/alpha/layouts/home")
    assert layout.status_code == 200
    assert ids_in_layout(layout.json["nodes"]) == ["t1", "d1", "t2"]
    assert layout.json["nodes"][1]["data"]["shop_name"] == "Alpha 商店"
    assert "blocks bad1, bad2 (test-fail) left out of page home" in caplog.text
    html = client.get("/s/alpha/")
    assert html.status_code == 200
    assert ids_in_html(html.get_data(as_text=True)) == ["t1", "d1", "t2"]
