"""Published pages as H5 and layout JSON: same blocks in the same order, hidden and
module-off blocks absent, ETags and 304s, invalidation on every change that shows."""

from __future__ import annotations

import pytest
import redis
from jsonschema import Draft202012Validator

from runtime.modules import switches
from runtime.pages import cache, output, schemas
from runtime.themes import service as themes
from tests.pages.conftest import block, ids_in_html, ids_in_layout, in_shop, page_config


def layout_of(client, shop_slug="alpha", slug="home", **headers):
    return client.get(f"/api/v1/shops/{shop_slug}/layouts/{slug}", headers=headers)


def test_fresh_shop_home_comes_from_theme_preset(client, shop, regs):
    response = layout_of(client)
    assert response.status_code == 200
    body = response.json
    assert body["protocol"] == 1
    assert body["page"]["slug"] == "home" and body["page"]["version"] == 1
    assert body["theme"]["id"] == "default"
    preset = regs.themes["default"].presets["home"]
    assert ids_in_layout(body["nodes"]) == [b["id"] for b in preset["blocks"]]
    schemas.validator("layout").validate(body)

    html = client.get("/s/alpha/")
    assert html.status_code == 200
    assert ids_in_html(html.get_data(as_text=True)) == ids_in_layout(body["nodes"])


def test_h5_and_layout_list_the_same_visible_blocks_in_order(client, shop, publish, app):
    config = page_config(
        block("t1", "title", title="第一"),
        {**block("hidden-1", "title", title="不显示"), "hidden": True},
        block("rt", "rich-text", content="<p>你好<script>alert(1)</script></p>"),
        {**block("grp", "test-group", heading="组"),
         "blocks": [block("child-a", "title", title="甲"), block("child-b", "test-data")]},
        block("promo", "test-promo"),
        block("sp", "spacer", height=20, line=True),
    )
    publish(shop, config)
    layout = layout_of(client).json
    expected = ["t1", "rt", "grp", "child-a", "child-b", "sp"]
    assert ids_in_layout(layout["nodes"]) == expected
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert ids_in_html(html) == expected
    assert "不显示" not in html and "限时促销" not in html
    assert "<script>" not in html
    rich = next(n for n in layout["nodes"] if n["id"] == "rt")
    assert rich["props"]["content"] == "<p>你好</p>"
    child = layout["nodes"][2]["children"][1]
    assert child["data"] == {"shop_name": "Alpha 商店", "batch_size": 1, "label": "数据"}
    assert "数据: Alpha 商店 (1)" in html


def test_module_switch_shows_and_hides_its_blocks(client, app, shop, publish, regs):
    publish(shop, page_config(block("t1", "title"), block("promo", "test-promo")))
    first = layout_of(client)
    assert ids_in_layout(first.json["nodes"]) == ["t1"]

    with in_shop(app, shop) as s:
        switches.enable(s, "promo", {"badge": "满减"}, modules=regs.modules)
        s.commit()
    on = layout_of(client, **{"If-None-Match": first.headers["ETag"]})
    assert on.status_code == 200
    assert ids_in_layout(on.json["nodes"]) == ["t1", "promo"]
    assert "限时促销" in client.get("/s/alpha/").get_data(as_text=True)

    with in_shop(app, shop) as s:
        switches.disable(s, "promo", modules=regs.modules)
        s.commit()
    off = layout_of(client)
    assert ids_in_layout(off.json["nodes"]) == ["t1"]
    assert "限时促销" not in client.get("/s/alpha/").get_data(as_text=True)


def test_etag_304_and_new_etag_after_publish_theme_and_data_changes(
        client, app, shop, publish, regs, redis_conn):
    publish(shop, page_config(block("t1", "title", title="一")))
    first = layout_of(client)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith('W/')
    assert first.headers["Cache-Control"] == "no-cache"

    again = layout_of(client, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag

    seen = {etag}
    publish(shop, page_config(block("t1", "title", title="二")))
    after_publish = layout_of(client, **{"If-None-Match": etag})
    assert after_publish.status_code == 200
    assert after_publish.json["nodes"][0]["props"]["title"] == "二"
    seen.add(after_publish.headers["ETag"])

    with in_shop(app, shop) as s:
        themes.activate_theme(s, "second", regs.themes)
        s.commit()
    after_theme = layout_of(client, **{"If-None-Match": after_publish.headers["ETag"]})
    assert after_theme.status_code == 200
    assert after_theme.json["theme"] == {"id": "second", "version": "2.0.0",
                                         "tokens": {"color_primary": "#1989fa"}}
    assert "second-title" in client.get("/s/alpha/").get_data(as_text=True)
    seen.add(after_theme.headers["ETag"])

    with in_shop(app, shop) as s:
        themes.update_tokens(s, {"color_primary": "#07c160"}, regs.themes)
        s.commit()
    after_tokens = layout_of(client, **{"If-None-Match": after_theme.headers["ETag"]})
    assert after_tokens.status_code == 200
    assert after_tokens.json["theme"]["tokens"]["color_primary"] == "#07c160"
    seen.add(after_tokens.headers["ETag"])
    assert len(seen) == 4

    # A data bump makes the entry miss: the page is rebuilt (same bytes here, so the same
    # strong ETag is correct), and the rebuilt entry carries the new stamp.
    stamp_before = cache.current_stamp(redis_conn, shop.id)
    cache.bump_data_version(redis_conn, shop.id, "catalog")
    assert cache.current_stamp(redis_conn, shop.id) != stamp_before
    newest = output.variant_of(regs, None, {})  # no stated client: every block's threshold passed
    lookup = cache.OutputCache(redis_conn).lookup(shop.id, "home", newest, "json")
    assert lookup.entry is None
    rebuilt = layout_of(client, **{"If-None-Match": after_tokens.headers["ETag"]})
    assert rebuilt.status_code == 304
    assert cache.OutputCache(redis_conn).lookup(shop.id, "home", newest, "json").entry is not None


def test_data_bump_shows_changed_data(client, app, shop, publish, redis_conn):
    publish(shop, page_config(block("d1", "test-data")))
    first = layout_of(client)
    assert first.json["nodes"][0]["data"]["shop_name"] == "Alpha 商店"
    from sqlalchemy import update

    from runtime.shops.models import Shop
    with app.extensions["mallkit"].session_factory() as s:
        s.execute(update(Shop).where(Shop.id == shop.id).values(name="新名字"))
        s.commit()
    # Not bumped yet: the cached output is still served.
    assert layout_of(client, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    cache.bump_data_version(redis_conn, shop.id, "shops")
    fresh = layout_of(client, **{"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert fresh.json["nodes"][0]["data"]["shop_name"] == "新名字"
    assert fresh.headers["ETag"] != first.headers["ETag"]


def test_h5_etag_and_304(client, shop, publish):
    publish(shop, page_config(block("t1", "title")))
    first = client.get("/s/alpha/")
    assert first.status_code == 200 and first.mimetype == "text/html"
    again = client.get("/s/alpha/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_min_client_leaves_new_blocks_out_for_old_clients(client, shop, publish):
    publish(shop, page_config(block("t1", "title"), block("new", "test-new")))
    assert ids_in_layout(layout_of(client).json["nodes"]) == ["t1", "new"]
    old = layout_of(client, **{"X-Client-Version": "1.9.9"})
    assert ids_in_layout(old.json["nodes"]) == ["t1"]
    assert ids_in_layout(client.get("/api/v1/shops/alpha/layouts/home?client=1.0.0")
                         .json["nodes"]) == ["t1"]
    current = layout_of(client, **{"X-Client-Version": "2.0.0"})
    assert ids_in_layout(current.json["nodes"]) == ["t1", "new"]
    assert old.headers["ETag"] != current.headers["ETag"]
    assert "Vary" in current.headers and "X-Client-Version" in current.headers["Vary"]


def test_bad_client_version_and_params_are_422(client, shop):
    bad = layout_of(client, **{"X-Client-Version": "latest"})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["pointer"] == "/client"
    param = client.get("/api/v1/shops/alpha/layouts/product?id=abc")
    assert param.status_code == 422 and param.json["errors"][0]["pointer"] == "/id"


def test_unknown_shop_and_page_are_404(client, shop):
    assert layout_of(client, shop_slug="nobody").status_code == 404
    missing = layout_of(client, slug="no-such-page")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert layout_of(client, slug="Bad..Slug").status_code == 404
    assert client.get("/s/alpha/pages/no-such-page").status_code == 404


def test_other_fixed_kinds_are_created_on_first_need(client, shop, regs):
    for kind in ("category", "product", "cart", "user"):
        response = layout_of(client, slug=kind)
        assert response.status_code == 200, kind
        assert response.json["page"]["kind"] == kind
        Draft202012Validator(schemas.validator("layout").schema,
                             registry=schemas.registry()).validate(response.json)


def test_custom_page_is_served_once_published(client, app, shop, publish, regs):
    from runtime.pages import store
    with in_shop(app, shop) as s:
        store.create_page(s, "spring-sale", "春季大促", registries=regs)
        s.commit()
    assert layout_of(client, slug="spring-sale").status_code == 404  # draft only
    publish(shop, page_config(block("s1", "title", title="春季大促"), kind="custom",
                              title="春季大促"), slug="spring-sale")
    response = layout_of(client, slug="spring-sale")
    assert response.status_code == 200 and response.json["page"]["title"] == "春季大促"
    assert "春季大促" in client.get("/s/alpha/pages/spring-sale").get_data(as_text=True)


def test_shops_do_not_see_each_others_pages(client, factory, shop, publish):
    other = factory.shop(slug="beta", name="Beta")
    publish(shop, page_config(block("alpha-only", "title", title="Alpha 专属")))
    publish(other, page_config(block("beta-only", "title", title="Beta 专属")))
    assert ids_in_layout(layout_of(client).json["nodes"]) == ["alpha-only"]
    assert ids_in_layout(layout_of(client, shop_slug="beta").json["nodes"]) == ["beta-only"]


@pytest.mark.parametrize("path", ["/themes/default/1.0.0/theme.css"])
def test_theme_assets_are_served_with_long_cache(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/themes/default/0.9.0/theme.css").status_code == 404
    assert client.get("/themes/default/1.0.0/../theme.json").status_code == 404
    assert client.get("/themes/default/1.0.0/%2e%2e/theme.json").status_code == 404


def test_warm_requests_are_served_from_the_process_mirror(client, app, shop, publish,
                                                          redis_conn, monkeypatch):
    publish(shop, page_config(block("t1", "title", title="一")))
    assert client.get("/api/v1/shops/alpha/layouts/home").status_code == 200
    output_cache = app.extensions["mallkit"].registries["pages.cache"]
    assert output_cache.mirror_ready(timeout=10)
    first = client.get("/api/v1/shops/alpha/layouts/home")  # checked in Redis, mirrored
    # The commands this process sends (the server's own counters also count other test
    # workers sharing it).
    sent: list[str] = []
    send = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]).upper())
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    for _ in range(5):
        assert client.get("/api/v1/shops/alpha/layouts/home",
                          headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert sent == []

    # A bump in this process clears the mirror at once.
    publish(shop, page_config(block("t1", "title", title="二")))
    fresh = client.get("/api/v1/shops/alpha/layouts/home")
    assert fresh.json["nodes"][0]["props"]["title"] == "二"


def test_entries_note_once_whether_their_body_holds_the_nonce_slot(client, app, shop,
                                                                  publish, redis_conn):
    """A warm response does not search the page for the nonce slot: its entry, stored or read
    back from Redis by another process's cache, says whether it holds one."""
    from runtime.headers import nonce_slot

    slides = [{"image": None, "link": None, "title": t, "subtitle": ""} for t in ("一", "二")]
    publish(shop, page_config(block("b1", "banner", slides=slides)))  # an inline script
    variant = output.variant_of(app.extensions["mallkit"].registries["pages"], None, {})
    for fmt in ("json", "html"):
        assert client.get("/s/alpha/" if fmt == "html" else
                          "/api/v1/shops/alpha/layouts/home").status_code == 200
    with app.test_request_context():
        slot = nonce_slot().encode()
    other = cache.OutputCache(redis_conn, slot)
    html = other.lookup(shop.id, "home", variant, "html").entry
    layout = other.lookup(shop.id, "home", variant, "json").entry
    assert html is not None and html.marked and slot in html.body
    assert layout is not None and not layout.marked and slot not in layout.body
    stored = other.store(shop.id, "x", "c0", "html", "stamp", b"<p>" + slot + b"</p>")
    assert stored.marked
    assert not cache.OutputCache(redis_conn).store(shop.id, "x", "c0", "html", "stamp",
                                                   b"<p>" + slot + b"</p>").marked


def test_a_bump_from_another_process_reaches_the_mirror(client, app, shop, publish,
                                                        redis_conn, settings):
    """Another process bumps through its own connection; the invalidation message clears
    this process's mirror."""
    import redis as redis_lib

    publish(shop, page_config(block("d1", "test-data")))
    client.get("/api/v1/shops/alpha/layouts/home")
    output_cache = app.extensions["mallkit"].registries["pages.cache"]
    assert output_cache.mirror_ready(timeout=10)
    first = client.get("/api/v1/shops/alpha/layouts/home")
    assert client.get("/api/v1/shops/alpha/layouts/home",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    other = redis_lib.Redis(connection_pool=redis_lib.ConnectionPool(
        **redis_conn.connection_pool.connection_kwargs,
        connection_class=redis_conn.connection_pool.connection_class))
    before = output_cache.generation(shop.id)
    from sqlalchemy import update

    from runtime.shops.models import Shop
    with app.extensions["mallkit"].session_factory() as s:
        s.execute(update(Shop).where(Shop.id == shop.id).values(name="别处改名"))
        s.commit()
    key = cache.versions_key(shop.id)
    other.hincrby(key, "data:shops", 1)
    other.publish(cache.channel_of(redis_conn), str(shop.id))
    assert output_cache.wait_until_forgotten(shop.id, before, timeout=10)
    fresh = client.get("/api/v1/shops/alpha/layouts/home",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert fresh.json["nodes"][0]["data"]["shop_name"] == "别处改名"
    other.close()


def test_pages_are_served_uncached_when_redis_is_down(settings, tmp_path):
    """With Redis unreachable, the layout is rendered from the database (with its ETag)."""
    from runtime.app import create_app
    from tests.pages.conftest import EXTRA

    app = create_app(settings.replace(extra=EXTRA, redis_url=f"unix://{tmp_path}/none.sock"))
    from runtime.db import use_shop
    from runtime.shops.models import Shop
    with app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        shop = Shop(slug="offline", name="离线", settings={})
        s.add(shop)
        s.commit()
        shop_id = shop.id
    try:
        client = app.test_client()
        response = client.get("/api/v1/shops/offline/layouts/home")
        assert response.status_code == 200
        assert response.json["page"]["slug"] == "home"
        assert response.headers["ETag"].startswith('"')
        again = client.get("/api/v1/shops/offline/layouts/home",
                           headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    finally:
        app.extensions["mallkit"].registries["pages.cache"].close()
        with app.extensions["mallkit"].session_factory() as s:
            use_shop(s, None)
            s.execute(Shop.__table__.delete().where(Shop.id == shop_id))
            s.commit()
        app.extensions["mallkit"].engine.dispose()


def test_factory_publish_page(client, factory, shop):
    assert factory.publish_page(shop, page_config(block("f1", "title", title="工厂"))) == 2
    assert ids_in_layout(client.get("/api/v1/shops/alpha/layouts/home").json["nodes"]) == ["f1"]
    assert factory.publish_page(shop, page_config(block("c1", "spacer"), kind="custom",
                                                  title="活动"), slug="promo-day") == 1
    assert client.get("/s/alpha/pages/promo-day").status_code == 200


def test_images_are_expanded_with_sizes_in_both_outputs(client, app, factory, shop, publish):
    asset = factory.media_image(shop, width=1200, height=800)
    publish(shop, page_config(
        block("img", "test-image", photo={"media_id": asset.id, "alt": "新品"},
              link={"kind": "product", "product_id": 12}),
        block("ext", "test-image", photo={"url": "https://img.example.com/a.png"}),
        block("gone", "test-image", photo={"media_id": asset.id + 1000})))
    nodes = layout_of(client).json["nodes"]
    photo = nodes[0]["props"]["photo"]
    assert photo["media_id"] == asset.id and photo["alt"] == "新品"
    assert photo["url"].startswith("/media/") or photo["url"].startswith("http")
    assert sorted(int(w) for w in photo["sizes"]) == sorted(asset.thumbnail_keys())
    assert (photo["width"], photo["height"]) == (1200, 800)
    assert nodes[1]["props"]["photo"] == {"url": "https://img.example.com/a.png", "sizes": {},
                                          "alt": ""}
    assert nodes[2]["props"]["photo"]["url"] is None
    html = client.get("/s/alpha/").get_data(as_text=True)
    smallest_300 = photo["sizes"][str(min(w for w in map(int, photo["sizes"]) if w >= 300))]
    assert f'src="{smallest_300}"' in html
    assert 'href="/s/alpha/pages/product?id=12"' in html
    assert 'src="https://img.example.com/a.png"' in html


def test_closing_the_app_stops_its_listener_before_redis(settings):
    """``Mallkit.close()`` wakes the page-cache listener on its own channel and waits for it,
    so an embedded Redis stopped next loses no client mid-read; closing again does nothing."""
    from runtime.app import create_app

    app = create_app(settings)
    mk = app.extensions["mallkit"]
    with app.app_context():
        output_cache = output.output_cache()
        assert output_cache.mirror_ready(timeout=10)
    listener = output_cache._listener
    assert listener is not None and listener.is_alive()
    mk.close()
    assert not listener.is_alive()
    assert not output_cache.mirror_ready(timeout=0)  # the mirror stays off
    mk.close()
