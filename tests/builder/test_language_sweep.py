"""Every console page of the demo shop, rendered in zh-CN, shows no English from the console's
catalogs and no identifier as a label (``member_level``, ``order_paid``, ``local``).

Routes come from the app's URL map (every GET page under ``/console/shops/<shop>/``), so a new
page is swept without editing this test; path parameters are filled from the demo data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from runtime.db import use_shop
from runtime.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from runtime.modules import switches

BUILDER = Path(__file__).resolve().parents[2] / "builder"
SKIPPED_KINDS = ("static", "download", "report", "template", "progress")
SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.@/-])")
CODE_WORD = re.compile(r"^[a-z]{3,}$")
ENGLISH = re.compile(r"^[A-Za-z][A-Za-z'’]*(?:,? [A-Za-z'’]+)+[.!?]?$")
ALLOWED = {"mallkit", DEMO_SLUG}  # the product's name and the shop's address are not labels
HIDDEN_TAGS = {"script", "style", "template", "code", "pre", "textarea", "option"}
ATTRIBUTES = ("placeholder", "title", "aria-label")


def english_msgids() -> set[str]:
    """Catalog msgids whose Chinese differs: seeing one on a zh-CN page means it was missed."""
    found = set()
    for po in BUILDER.glob("**/translations/zh/LC_MESSAGES/*.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = (message.string if isinstance(message.string, tuple)
                           else (message.string,))
                for msgid, text in zip(ids, strings, strict=False):
                    if msgid and text and text != msgid and "%(" not in msgid:
                        found.add(msgid.strip())
    return found


class Texts(HTMLParser):
    """The visible text nodes and the labelling attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def problems_of(html: str, english: set[str], codes: set[str]) -> list[str]:
    parser = Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text in ALLOWED:
            continue
        if text in english:
            found.append(f"untranslated: {text!r}")
        elif ENGLISH.match(text):
            found.append(f"English: {text!r}")
        elif text in codes or CODE_WORD.match(text) or SNAKE.fullmatch(text):
            found.append(f"identifier shown: {text!r}")
        else:
            found += [f"identifier shown: {m!r} in {text!r}" for m in SNAKE.findall(text)]
    return found


@pytest.fixture
def demo(app, factory, clock):
    """The demo shop with a shopper's unpaid order and paid ones, so the order and member
    pages have rows: the shopper is a 金卡会员 (the level discount, ``member_level``, is on
    every line) and one order goes by local delivery (``local``), dispatched with a courier;
    returns a console client logged in as the demo owner."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    from runtime.modules.catalog.models import Sku
    from runtime.modules.fulfilment import shipping
    from runtime.modules.members import levels
    from runtime.modules.members.service import lock_member
    from runtime.modules.orders.state import Actor
    from runtime.shops.models import Shop
    from tests.orders.flow import shopper
    from tests.orders.test_console import paid

    with factory._session() as session:
        shop = session.scalar(select(Shop).where(Shop.slug == DEMO_SLUG))
        use_shop(session, shop.id)
        sku_id = session.scalar(select(Sku.id).where(Sku.stock > 5).order_by(Sku.id).limit(1))
    buyer = shopper(app, app.test_client(), factory, shop, openid="o-sweep")
    buyer.add_address()
    with app.app_context(), factory._session() as session:
        use_shop(session, shop.id)
        member = lock_member(session, buyer.member.id)
        member.growth = 2000
        assert levels.refresh_level(session, member, "import") is not None
        # the level's own price: the demo's member day (the frozen clock is a Wednesday)
        # keeps only its points
        session.info["redis"] = app.extensions["mallkit"].redis
        switches.enable(session, "memberday", {"discount_percent": 100})
        session.commit()
    buyer.buy(sku_id, 1)
    paid(app, buyer, sku_id)
    local = paid(app, buyer, sku_id, fulfilment="local")
    with app.app_context(), factory._session() as session:
        use_shop(session, shop.id)
        shipping.dispatch_local(session, local["id"], courier_name="李师傅",
                                courier_phone="13900000000", actor=Actor.merchant(None, "店长"))
        session.commit()
    assert buyer.order(local["id"])["pricing"]["adjustments"][0]["source"] == "member_level"
    client = app.test_client()
    token = client.get("/console/login", headers={"Accept": "application/json"})
    answer = client.post("/console/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
                         headers={"X-CSRF-Token": token.json["csrf_token"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return client


def parameters(app) -> dict[str, list[Any]]:
    """Values for the path parameters of console pages, from the demo shop's rows."""
    from runtime.modules.catalog.models import Product
    from runtime.modules.content.models import Article
    from runtime.modules.members.models import Member
    from runtime.modules.orders.models import Order
    from runtime.shops.models import Shop

    mk = app.extensions["mallkit"]
    with mk.session_factory() as session:
        shop = session.scalar(select(Shop).where(Shop.slug == DEMO_SLUG))
        use_shop(session, shop.id)
        first = {model: session.scalar(select(model.id).order_by(model.id).limit(1))
                 for model in (Product, Member)}
        orders = list(session.scalars(select(Order.id).order_by(Order.id)))
        articles = list(session.scalars(select(Article.id).order_by(Article.id)))
    registry = mk.registries["pages"]
    return {"shop_slug": [DEMO_SLUG], "product_id": [first[Product]],
            "order_id": orders, "member_id": [first[Member]], "slug": ["home"],
            "module_id": sorted(m.id for m in registry.modules), "article_id": articles}


def console_pages(app) -> list[str]:
    values = parameters(app)
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console/shops/") or "GET" not in rule.methods:
            continue
        if any(kind in rule.rule or kind in rule.endpoint for kind in SKIPPED_KINDS):
            continue
        if "/editor/" in rule.rule:  # the editor's JSON endpoints, not pages
            continue
        if any(not values.get(arg) or values[arg] == [None] for arg in rule.arguments):
            continue
        combos: list[dict[str, Any]] = [{}]
        for arg in sorted(rule.arguments):
            combos = [{**c, arg: v} for c in combos for v in values[arg]]
        with app.test_request_context():
            from flask import url_for

            urls += [url_for(rule.endpoint, **c) for c in combos]
    return sorted(set(urls))


def test_every_console_page_is_chinese(app, demo):
    english = english_msgids()
    registry = app.extensions["mallkit"].registries["pages"]
    codes = {m.id for m in registry.modules}
    pages = console_pages(app)
    assert len(pages) > 30, pages
    report, shown = {}, {}
    for url in pages:
        response = demo.get(url, headers={"Accept": "text/html", "Accept-Language": "zh-CN"})
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        shown[url] = html
        found = problems_of(html, english, codes)
        if found:
            report[url] = sorted(set(found))
    assert report == {}, "\n".join(f"{url}:\n  " + "\n  ".join(items)
                                   for url, items in report.items())
    # the data reached what used to leak: the level discount and a local delivery
    assert any("金卡会员 会员折扣 ¥" in html and "同城配送" in html and "李师傅" in html
               for html in shown.values())


def test_the_sweep_finds_english_and_codes():
    english = {"Orders", "Save"}
    html = ("<h1>订单</h1><p>Orders</p><span title='Save'>保存</span><td>member_level</td>"
            "<td>local</td><p>见 order_settings 表</p><script>var a_b = 1</script>"
            "<code>order_paid</code><a href='/x?a_b=1'>链接</a><p>demo@mallkit.local</p>"
            "<td>theme preset</td><td>iPhone 15</td>")
    assert problems_of(html, english, {"points"}) == [
        "untranslated: 'Orders'", "untranslated: 'Save'", "identifier shown: 'member_level'",
        "identifier shown: 'local'", "identifier shown: 'order_settings' in '见 order_settings 表'",
        "English: 'theme preset'"]
