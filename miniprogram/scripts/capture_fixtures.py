"""Capture what a mallkit server really sends to the mini-program, as jest fixtures.

Seeds the demo shop (every module's demo seeder) in a throw-away data directory, publishes a
custom page ``all-blocks`` holding one block of every bundled type (plus a hidden block and a
block of a module that is off), then records the exchanges the reference mini-program makes
with the Flask test client: layouts (200, 304, 404), login, product, cart, checkout options,
quote, order, pay, orders, member. Each fixture is ``{"request", "status", "headers",
"body"}`` and is written to ``miniprogram/test/fixtures/<name>.json``.

The clock is frozen, so everything but the random values (tokens, quote ids, order numbers,
payment signatures: :data:`VOLATILE`) comes out the same on every run;
``tests/miniprogram/test_fixtures.py`` re-captures and compares, so the jest tests never run
against a server shape that no longer exists.

    .venv/bin/python miniprogram/scripts/capture_fixtures.py      # rewrite the fixtures
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "miniprogram" / "test" / "fixtures"
FROZEN_AT = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
CLIENT_VERSION = "1.3.0"
REVIEWER_OPENID = "demo-reviewer-2"  # runtime/modules/reviews/demo.py
SHOP = "demo"
API = f"/api/v1/shops/{SHOP}"
OPENID = "miniprogram-fixture"
IDEMPOTENCY_KEY = "mp-fixture-order-1"
BARGAIN_SEED = 7  # the cuts recorded (runtime/modules/bargain/cutting.py draws them)

# Values the server draws at random: compared by presence, not by value.
VOLATILE = frozenset({"token", "quote_id", "order_no", "out_trade_no", "appId", "nonceStr",
                      "paySign", "package", "Authorization",
                      "no", "out_refund_no",  # an after-sale's number (and refund's)
                      "ticket",  # a seckill ticket
                      "share_query",  # carries a distributor's random code
                      "share_path", "qr"})  # carry a member's random invite code
# Values the database numbers: PostgreSQL's sequences leave gaps that SQLite's rowids do not
# (a rolled-back insert, or an upsert that finds its row, still uses a number), so these — and
# the layout's ETag, a digest of the body — are compared by presence too.
VOLATILE_IN = frozenset({("page", "id"), ("headers", "ETag"), ("headers", "If-None-Match"),
                         ("distributor", "code")})  # a distributor's code is random
NUMBERED = frozenset({"media_id"})
# invite/me: a member's invite code is random, and the link carries it.
INVITE_RANDOM = ("code", "link")
# A seckill ticket's poll names the (random) ticket in its path.
TICKET_PATH = re.compile(r"(/seckill/tickets/)[0-9a-f]+")
# A media URL names its file by content digest; the demo's pictures are drawn with the CJK font
# the machine has (fonts-noto-cjk where .ci/run installs it, Pillow's own elsewhere), so the
# digest depends on the machine: compared by shape.
MEDIA_DIGEST = re.compile(r"(/media/\d+/)[0-9a-f]{2}/[0-9a-f]{64}")
# Headers the mini-program reads.
KEPT_HEADERS = ("ETag", "Cache-Control", "Vary", "Content-Type", "X-Cart-Token")


def all_blocks_page(media: list[dict[str, int]], product_ids: list[int],
                    group_id: int | None) -> dict[str, Any]:
    """A custom page with one block of every type the mini-program renders that may stand on
    a custom page (the generated ``utils/block-types.js`` list, from ``blocks/*/block.json``):
    the examples below with images from the demo library, and any other type with its first
    preset's settings."""
    def img(i: int) -> dict[str, int] | None:
        return media[i % len(media)] if media else None

    product_link = {"kind": "product", "product_id": product_ids[0]}
    group_link = {"kind": "group", "group_id": group_id} if group_id else None
    blocks = [
        ("search", "search-bar", {"hot_words": ["口红", "坚果"], "sticky": True}),
        ("hero", "banner", {"slides": [
            {"image": img(0), "link": product_link, "title": "新品", "subtitle": "抢先看"},
            {"image": img(1), "link": {"kind": "url", "url": "https://example.com/sale"},
             "title": "活动", "subtitle": ""}]}),
        ("nav", "icon-nav", {"columns": 4, "entries": [
            {"title": "分类", "icon": "grid", "image": None, "color": "",
             "link": {"kind": "page", "slug": "category"}},
            {"title": "分组", "icon": "hot", "image": None, "color": "#ff976a",
             "link": group_link},
            {"title": "会员", "icon": "vip", "image": img(2), "color": "",
             "link": {"kind": "page", "slug": "user"}},
            {"title": "小程序", "icon": "shop", "image": None, "color": "",
             "link": {"kind": "miniprogram", "path": "/pages/orders/index"}}]}),
        ("notice", "notice-bar", {"text": "全场满 99 元包邮", "mode": "static",
                                  "link": {"kind": "page", "slug": "home"}}),
        ("hotspots", "image-ad", {"image": img(0), "zones": [
            {"x": 0, "y": 0, "w": 50, "h": 100, "link": product_link, "label": "左边"},
            {"x": 50, "y": 0, "w": 50, "h": 100, "link": group_link, "label": "右边"}]}),
        ("cube", "magic-cube", {"layout": "1l-2r", "cells": [
            {"image": img(0), "link": product_link, "title": "一", "subtitle": "左"},
            {"image": img(1), "link": None, "title": "二", "subtitle": "右上"},
            {"image": None, "link": group_link, "title": "三", "subtitle": "右下"}]}),
        ("heading", "title", {"title": "热卖推荐", "subtitle": "大家都在买", "more_text": "更多",
                              "link": {"kind": "page", "slug": "category"}}),
        ("notes", "rich-text", {"content": "<h3>购物须知</h3><ul><li>七天无理由退换</li></ul>"
                                           "<p><strong>正品</strong>保障</p>",
                                "background": "#fff7e6"}),
        ("gap", "spacer", {"height": 24, "line": True}),
        ("rule", "divider", {"text": "猜你喜欢", "line_style": "dashed"}),
        ("picks", "product-grid", {"source": "manual",
                                   "product_ids": [{"product_id": i} for i in product_ids],
                                   "layout": "grid-2", "badge": "热卖", "show_sales": True}),
        ("tabs", "product-tabs", {"limit": 2, "tabs": [
            {"title": "热销", "source": "best_selling", "group_id": None, "tag": ""},
            {"title": "新品", "source": "newest", "group_id": None, "tag": ""}]}),
        ("store", "store-info", {"name": "旗舰店", "image": img(1),
                                 "address": "上海市静安区南京西路 1266 号",
                                 "phone": "021-62881234", "latitude": 31.2304,
                                 "longitude": 121.4496}),
        ("film", "video", {"video": {"url": "https://example.com/brand.mp4"},
                           "poster": img(2), "title": "品牌故事"}),
        ("story", "image-text", {"image": img(2), "link": {"kind": "page", "slug": "home"}}),
        ("follow", "follow-account", {"account_name": "演示商城", "avatar": img(0)}),
        ("coupons", "coupon-strip", {}),
        ("signin", "signin-calendar", {}),
        ("distribution", "distribution-centre", {}),
        ("member", "user-card", {"style": "card"}),
        ("photo", "single-image", {"image": img(1), "link": product_link, "style": "card",
                                   "radius": 8}),
        ("service", "service-button", {"action": "phone", "phone": "400-800-1234"}),
    ]
    from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under
    from runtime.pages.miniprogram import client_types, scan

    block_dirs = block_dirs_under(BLOCKS_DIR.parent)  # blocks/ and the modules' own
    scanned = scan(block_dirs, ROOT / "miniprogram")
    on_custom = {b.type for b in scanned if b.on_custom_pages}
    types = [t for t in client_types(scanned) if t in on_custom]
    blocks = [b for b in blocks if b[1] in types]
    shown = {b[1] for b in blocks}
    for name in types:
        if name not in shown:
            path = next(d / name / "block.json" for d in block_dirs
                        if (d / name / "block.json").is_file())
            manifest = json.loads(path.read_text(encoding="utf-8"))
            blocks.append((name, name, (manifest.get("presets") or [{}])[0].get("settings", {})))
    config: dict[str, Any] = {
        "schema": 1, "title": "全部组件", "kind": "custom",
        "blocks": [{"id": i, "type": t, "settings": s} for i, t, s in blocks],
    }
    config["blocks"].insert(1, {"id": "hidden-title", "type": "title", "hidden": True,
                                "settings": {"title": "不应出现"}})
    return config


def _exchange(response: Any, method: str, path: str, headers: dict[str, str] | None,
              body: Any) -> dict[str, Any]:
    return {
        "request": {"method": method, "path": path, "headers": headers or {},
                    "body": body},
        "status": response.status_code,
        "headers": {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers},
        "body": response.get_json(silent=True),
    }


class Recorder:
    """Calls the app through the Flask test client and keeps each exchange."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.fixtures: dict[str, dict[str, Any]] = {}
        self.token: str | None = None

    def call(self, name: str | None, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None, auth: bool = True,
             expect: int = 200) -> dict[str, Any]:
        sent = {"X-Client-Version": CLIENT_VERSION, **(headers or {})}
        if auth and self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        response = self.client.open(path, method=method, json=body, headers=sent)
        exchange = _exchange(response, method, path, sent, body)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {path}: {response.status_code}, expected {expect}: "
                               f"{response.get_data(as_text=True)[:500]}")
        if name:
            self.fixtures[name] = exchange
        return exchange


def _seed(app: Any, session_factory: Any) -> tuple[int, list[dict[str, int]]]:
    """Run the demo seeders; return the demo shop's id and its banner artwork references."""
    from sqlalchemy import select

    from runtime.blocklib.demo import MEDIA_FOLDER
    from runtime.db import use_shop
    from runtime.demo import ensure_demo_shop
    from runtime.media.models import MediaAsset

    with session_factory() as session:
        session.info["shop_id"] = None
        shop, _created, _owner = ensure_demo_shop(session)
        session.commit()
        for seeder in app.extensions["mallkit"].modules.seeders.values():
            use_shop(session, shop.id)
            seeder.func(session, shop)
            session.commit()
        use_shop(session, shop.id)
        media = [{"media_id": asset_id} for asset_id in session.scalars(
            select(MediaAsset.id).where(MediaAsset.folder == MEDIA_FOLDER)
            .order_by(MediaAsset.id))]
        return shop.id, media


def _publish_all_blocks(session_factory: Any, shop_id: int, config: dict[str, Any]) -> None:
    from runtime.db import use_shop
    from runtime.pages import store

    with session_factory() as session:
        use_shop(session, shop_id)
        page = store.create_page(session, "all-blocks", title=config["title"])
        store.save_draft(session, "all-blocks", config, page.draft_revision)
        store.publish(session, "all-blocks", note="mini-program fixtures")
        session.commit()


def capture(app: Any) -> dict[str, dict[str, Any]]:
    """Seed the demo shop in ``app``'s (empty) database and record every fixture."""
    from runtime.clock import clock
    from runtime.extension import state

    clock.freeze(FROZEN_AT)
    try:
        # Requests run outside this app context: a shared one would share ``g`` between them.
        with app.app_context():
            session_factory = state().session_factory
            shop_id, media = _seed(app, session_factory)
        rec = Recorder(app)
        listing = rec.call(None, "GET", f"{API}/products?limit=3")["body"]["items"]
        product_ids = [p["id"] for p in listing]
        home = rec.call(None, "GET", f"{API}/layouts/home")["body"]["nodes"]
        group_id = next((n["props"]["slides"][0]["link"].get("group_id")
                         for n in home if n["type"] == "banner"), None)
        with app.app_context():
            _publish_all_blocks(session_factory, shop_id,
                                all_blocks_page(media, product_ids, group_id))
        return _record_flow(rec, _product_with_specs(rec))
    finally:
        clock.unfreeze()


def _product_with_specs(rec: Recorder) -> int:
    """A product with specs and several SKUs, so the fixtures exercise the SKU picker."""
    for item in rec.call(None, "GET", f"{API}/products?limit=20")["body"]["items"]:
        detail = rec.call(None, "GET", f"{API}/products/{item['id']}")["body"]
        if detail["specs"] and len(detail["skus"]) > 1:
            return detail["id"]
    raise RuntimeError("the demo catalog has no product with specs")


def _record_flow(rec: Recorder, product_id: int) -> dict[str, dict[str, Any]]:
    home = rec.call("layout-home", "GET", f"{API}/layouts/home")
    rec.call("layout-home-304", "GET", f"{API}/layouts/home",
             headers={"If-None-Match": home["headers"]["ETag"]}, expect=304)
    rec.call("layout-all-blocks", "GET", f"{API}/layouts/all-blocks")
    rec.call("layout-product", "GET", f"{API}/layouts/product?id={product_id}")
    rec.call("layout-user", "GET", f"{API}/layouts/user")
    rec.call("layout-missing", "GET", f"{API}/layouts/no-such-page", expect=404)
    rec.call("orders-anonymous", "GET", f"{API}/orders", auth=False, expect=401)
    login = rec.call("login", "POST", f"{API}/auth/wechat", {"code": f"dev-{OPENID}"},
                     expect=201)
    rec.token = login["body"]["token"]
    rec.call("me", "GET", f"{API}/me")
    rec.call("distribution-me", "GET", f"{API}/distribution/me")
    rec.call("distribution-apply", "POST", f"{API}/distribution/apply", {}, expect=201)
    rec.call("memberday", "GET", f"{API}/memberday")
    rec.call("invite-me", "GET", f"{API}/invite/me")
    product = rec.call("product", "GET", f"{API}/products/{product_id}")
    sku_id = product["body"]["skus"][0]["id"]
    rec.call("cart-add", "POST", f"{API}/cart/items", {"sku_id": sku_id, "qty": 2})
    rec.call("cart", "GET", f"{API}/cart")
    rec.call("cart-count", "GET", f"{API}/cart/count")
    rec.call("checkout-options", "GET", f"{API}/checkout/options")
    rec.call("address-invalid", "POST", f"{API}/addresses", {"name": "张三"}, expect=422)
    address = rec.call("address", "POST", f"{API}/addresses", {
        "name": "张三", "phone": "13800138000", "province": "上海市", "city": "上海市",
        "district": "静安区", "detail": "南京西路 1266 号"}, expect=201)
    rec.call("addresses", "GET", f"{API}/addresses")
    # The body the mini-program's checkout page sends.
    quote = rec.call("quote", "POST", f"{API}/checkout/quote",
                     {"fulfilment": "express", "use_points": False, "use_balance": False,
                      "remark": "", "address_id": address["body"]["id"]})
    order = rec.call("order", "POST", f"{API}/orders", {"quote_id": quote["body"]["quote_id"]},
                     headers={"Idempotency-Key": IDEMPOTENCY_KEY}, expect=201)
    order_id = order["body"]["id"]
    rec.call("pay", "POST", f"{API}/orders/{order_id}/pay", {"method": "wechatpay"})
    rec.call("order-detail", "GET", f"{API}/orders/{order_id}")
    rec.call("orders", "GET", f"{API}/orders?status=all")
    rec.call("order-counts", "GET", f"{API}/orders/counts")
    rec.call("signin", "GET", f"{API}/signin")
    _record_seckill(rec)
    _record_bargain(rec)
    _record_articles(rec)
    _record_reviews(rec)
    _record_promotions(rec)
    _record_groupbuy(rec, address["body"]["id"])
    _record_coupons(rec)
    _record_cards(rec)
    return rec.fixtures


def _record_seckill(rec: Recorder) -> None:
    """The seckill block's and page's exchanges: the demo's activity runs at the frozen
    clock (its slot is the current hour), so the token is issued and the gate admits."""
    live = rec.call("seckill-live", "GET", f"{API}/seckill/live", auth=False)
    activity = live["body"]["items"][0]
    activity_id, sku_id = activity["activity_id"], activity["skus"][0]["sku_id"]
    rec.call("seckill-activity", "GET", f"{API}/seckill/activities/{activity_id}", auth=False)
    token = rec.call("seckill-token", "GET", f"{API}/seckill/activities/{activity_id}/token")
    ticket = rec.call("seckill-order", "POST", f"{API}/seckill/orders", {
        "activity_id": activity_id, "sku_id": sku_id, "qty": 1,
        "token": token["body"]["token"]}, expect=202)
    rec.call("seckill-ticket", "GET", f"{API}/seckill/tickets/{ticket['body']['ticket']}")

def _record_groupbuy(rec: Recorder, address_id: int) -> None:
    """The group-buy pages' exchanges: the demo's 3人团 and its open group (the demo leader's);
    the shopper joins it through checkout with ``activity.group_id``, pays (the WeChat Pay
    simulator's notification), sees the group and their group buys, then leaves it. Last,
    so the refund of leaving numbers nothing the other fixtures show."""
    from runtime.wechat.pay.simulator import WechatPaySimulator
    from runtime.wechat.transport import AppTransport

    rec.token = rec.call(None, "POST", f"{API}/auth/wechat",
                         {"code": f"dev-{OPENID}"})["body"]["token"]
    listing = rec.call("groupbuy-activities", "GET", f"{API}/groupbuy/activities", auth=False)
    activity = listing["body"]["items"][0]
    group_id = activity["open_groups"][0]["id"]
    detail = rec.call("groupbuy-activity", "GET", f"{API}/groupbuy/activities/{activity['id']}",
                      auth=False)
    rec.call("groupbuy-group", "GET", f"{API}/groupbuy/groups/{group_id}")
    sku_id = detail["body"]["skus"][0]["sku_id"]
    quote = rec.call("groupbuy-quote", "POST", f"{API}/checkout/quote", {
        "fulfilment": "express", "use_points": False, "use_balance": False, "remark": "",
        "source": "items", "items": [{"sku_id": sku_id, "qty": 1}], "address_id": address_id,
        "activity": {"kind": "groupbuy", "id": activity["id"], "group_id": group_id}})
    order = rec.call("groupbuy-order", "POST", f"{API}/orders",
                     {"quote_id": quote["body"]["quote_id"]},
                     headers={"Idempotency-Key": f"{IDEMPOTENCY_KEY}-groupbuy"}, expect=201)
    rec.call(None, "POST", f"{API}/orders/{order['body']['id']}/pay", {"method": "wechatpay"})
    with rec.app.app_context():
        WechatPaySimulator.for_app(rec.app).send_payment_notification(
            order["body"]["order_no"], transport=AppTransport(rec.app))
    rec.call("groupbuy-group-joined", "GET", f"{API}/groupbuy/groups/{group_id}")
    rec.call("groupbuy-mine", "GET", f"{API}/groupbuy/mine")
    rec.call("groupbuy-leave", "POST", f"{API}/groupbuy/groups/{group_id}/leave")


def _record_promotions(rec: Recorder) -> None:
    """The limited-discount block's clock: the running discounts with the server's ``now``."""
    rec.call("promotions-discounts", "GET", f"{API}/promotions/discounts", auth=False)


def _record_coupons(rec: Recorder) -> None:
    """The coupon centre's exchanges on the all-blocks page: the shopper's state of its
    coupons, a claim of the first, the state after it. Last, so the claimed coupon changes no
    quote the other fixtures show."""
    nodes = rec.fixtures["layout-all-blocks"]["body"]["nodes"]
    ids = [c["id"] for n in nodes if n["type"] == "coupon-centre" for c in n["data"]["coupons"]]
    path = f"{API}/coupons?ids={','.join(map(str, ids))}"
    rec.call("coupons-state", "GET", path)
    rec.call("coupon-claim", "POST", f"{API}/coupons/{ids[0]}/claim", expect=201)
    rec.call("coupons-claimed", "GET", path)
    rec.call("my-coupons", "GET", f"{API}/me/coupons?status=unused")


def _record_cards(rec: Recorder) -> None:
    """The 会员卡 page: the demo's cards on sale, the levels they lift to, and a purchase the
    fixture shopper's empty balance refuses."""
    plans = rec.call("card-plans", "GET", f"{API}/cards")
    rec.call("levels", "GET", f"{API}/levels")
    rec.call("card-buy-refused", "POST", f"{API}/me/cards",
             {"plan_id": plans["body"]["plans"][0]["id"]},
             headers={"Idempotency-Key": "mp-fixture-card-1"}, expect=409)


def _record_bargain(rec: Recorder) -> None:
    """The bargain pages' exchanges: the demo's activity, this shopper's launch of it (and
    their launches), then the demo launcher's launch seen by this shopper as a friend, their
    cut and a second cut refused. Cuts are drawn from a seeded generator, so every capture
    records the same amounts."""
    from runtime.modules.bargain import cutting

    drawn = cutting.default_rng
    cutting.default_rng = lambda: random.Random(BARGAIN_SEED)
    try:
        listing = rec.call("bargain-activities", "GET", f"{API}/bargain/activities", auth=False)
        activity_id = listing["body"]["items"][0]["id"]
        rec.call("bargain-activity", "GET", f"{API}/bargain/activities/{activity_id}",
                 auth=False)
        mine = rec.call("bargain-launch", "POST", f"{API}/bargain/launches",
                        {"activity_id": activity_id}, expect=201)
        rec.call("bargain-launches", "GET", f"{API}/bargain/launches")
        friend = mine["body"]["id"] - 1  # the demo launcher's launch, seeded just before
        rec.call("bargain-friend-launch", "GET", f"{API}/bargain/launches/{friend}")
        rec.call("bargain-help", "POST", f"{API}/bargain/launches/{friend}/help", expect=201)
        rec.call("bargain-help-again", "POST", f"{API}/bargain/launches/{friend}/help",
                 expect=409)
    finally:
        cutting.default_rng = drawn


def _record_articles(rec: Recorder) -> None:
    """The article page's exchanges: the demo's categories, the first page of articles and
    the one on members (its body has a table and a heading) through the API and as the
    demo's decorated article page (its layout, its view counted; an unknown id's 404)."""
    rec.call("article-categories", "GET", f"{API}/article-categories", auth=False)
    listing = rec.call("articles", "GET", f"{API}/articles?page=1", auth=False)
    article_id = next(a["id"] for a in listing["body"]["items"] if a["title"] == "会员权益说明")
    rec.call("article", "GET", f"{API}/articles/{article_id}", auth=False)
    rec.call("layout-article", "GET", f"{API}/layouts/article?id={article_id}", auth=False)
    rec.call("article-views", "POST", f"{API}/articles/{article_id}/views", body={},
             auth=False)
    rec.call("layout-article-missing", "GET", f"{API}/layouts/article?id=987654", auth=False,
             expect=404)


def _record_reviews(rec: Recorder) -> None:
    """The review page's exchanges, as a demo reviewer whose delivered order still has a
    line to review (the reviews module's demo leaves one)."""
    login = rec.call(None, "POST", f"{API}/auth/wechat", {"code": f"dev-{REVIEWER_OPENID}"})
    rec.token = login["body"]["token"]
    mine = rec.call("reviews-mine", "GET", f"{API}/reviews")
    line = mine["body"]["to_review"][0]
    rec.call("review-write", "POST", f"{API}/reviews", {
        "order_id": line["order_id"], "line_id": line["line_id"], "stars": 4,
        "content": "颜色很正，尺码合适", "images": [], "anonymous": True}, expect=201)
    _record_aftersale(rec, line["order_id"], line["line_id"])


def _record_aftersale(rec: Recorder, order_id: int, line_id: int) -> None:
    """The after-sale pages' exchanges, as the same reviewer: a return of the delivered line
    is asked, the merchant agrees (the service, as the console does), the goods go back."""
    from runtime.db import use_shop
    from runtime.extension import state
    from runtime.modules.aftersales import service
    from runtime.modules.orders.state import Actor

    made = rec.call("aftersale-create", "POST", f"{API}/aftersales", {
        "order_id": order_id, "line_id": line_id, "kind": "return", "amount_fen": 100,
        "reason": "尺码偏大", "description": "想退回", "images": []}, expect=201)["body"]
    with rec.app.app_context(), state().session_factory() as session:
        session.info["shop_id"] = None
        from runtime.demo import ensure_demo_shop

        shop, _created, _owner = ensure_demo_shop(session)
        use_shop(session, shop.id)
        service.agree(session, made["id"], Actor.merchant(None, "演示店主"))
        session.commit()
    rec.call("aftersale-detail", "GET", f"{API}/aftersales/{made['id']}")
    rec.call("aftersale-ship", "POST", f"{API}/aftersales/{made['id']}/return-shipment",
             {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})


def masked(value: Any, key: str | None = None) -> Any:
    """``value`` with the random parts (:data:`VOLATILE`), the database's numbers
    (:data:`VOLATILE_IN`, :data:`NUMBERED`) and the content digests in media URLs
    (:data:`MEDIA_DIGEST`) replaced by a marker."""
    if (key in VOLATILE or key in NUMBERED) and value is not None:
        return "<volatile>"
    if isinstance(value, dict):
        invite = "share_path" in value
        return {k: "<volatile>" if ((key, k) in VOLATILE_IN or (invite and k in INVITE_RANDOM))
                and v is not None else masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, str):
        return TICKET_PATH.sub(r"\1<volatile>", MEDIA_DIGEST.sub(r"\1<digest>", value))
    return value


def dump(fixture: dict[str, Any]) -> str:
    return json.dumps(fixture, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


#: fixtures that repeat a masked value of another (the 304 sends back the home layout's
#: ETag): rewritten whenever that other one is, so the two stay in step
FOLLOWS = {"layout-home-304": "layout-home"}


def write(fixtures: dict[str, dict[str, Any]], out: Path) -> list[Path]:
    """Write the fixtures that changed; a stored one that differs only in what
    :func:`masked` hides (a token, an order number, a media digest) is left as it is, so a
    re-capture rewrites only what the server really sends differently — unless it follows
    one that was rewritten (:data:`FOLLOWS`)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rewritten: set[str] = set()
    for name, fixture in sorted(fixtures.items(), key=lambda item: item[0] in FOLLOWS):
        path = out / f"{name}.json"
        text = dump(fixture)
        if path.is_file() and FOLLOWS.get(name) not in rewritten \
                and masked(json.loads(path.read_text(encoding="utf-8"))) \
                == masked(json.loads(text)):
            continue
        rewritten.add(name)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FIXTURES, help="fixture folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from runtime.app import create_app
    from runtime.db import make_engine
    from runtime.migrate import upgrade
    from runtime.settings import Settings

    with tempfile.TemporaryDirectory(prefix="mallkit-mp-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'mallkit.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        settings = Settings(data_dir=data_dir, database_url=url, testing=True,
                            secret_key="miniprogram-fixtures", embedded_worker=False,
                            simulators=True,
                            argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
        app = create_app(settings)
        try:
            fixtures = capture(app)
        finally:
            app.extensions["mallkit"].engine.dispose()
    for path in write(fixtures, args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
