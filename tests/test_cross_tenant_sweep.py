"""Cross-tenant sweep over ``app.url_map``: every route that takes a shop object is called
with shop A's objects by shop B's member (API) and merchant (console), and no row of shop A
may change.

- Under B's address, A's object must be answered exactly as an object that exists nowhere
  (a "ghost" id): 404, or the same refusal a ghost gets when the input is checked before the
  look-up — B learns nothing about A's objects.
- Under A's address, B's credentials must get what an anonymous caller gets: public pages
  and products as anyone sees them, 401/403/404 for everything else.

New routes are picked up on their own: a URL parameter must be mapped to one of A's objects
(``OBJECTS``) or exempted with a reason (``EXEMPT_PARAMS``), and a route outside the shop
prefixes must be exempted (``EXEMPT_ROUTES``, ``EXEMPT_PREFIXES``); otherwise this test fails.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from runtime.clock import utcnow as clock_now
from runtime.db import Base, platform_access, use_shop
from runtime.extension import state
from runtime.modules.catalog import exporting, taxonomy
from runtime.modules.catalog.importing import service as imports
from runtime.modules.content import service as articles
from runtime.modules.fulfilment import service as fulfilment
from runtime.modules.members import cards, notices, tags
from runtime.modules.members import import_runs as member_imports
from runtime.modules.members.export import request_export
from runtime.modules.members.queries import MemberFilters
from runtime.modules.orders.models import Order
from runtime.modules.pointsmall import service as pointsmall
from runtime.modules.wallet import service as wallet
from runtime.pages import store as page_store
from tests.orders.flow import shopper, sku_of
from tests.reviews.flow import completed_order, review_body

SHOP_PREFIXES = ("/api/v1/shops/<shop_slug>/", "/console/shops/<shop_slug>/", "/s/<shop_slug>/")

#: URL parameter -> key of shop A's object in ``_shop_a_objects`` (a callable picks by rule).
OBJECTS: dict[str, Any] = {
    "product_id": "product", "article_id": "article",
    "category_id": lambda rule: "article_category" if "/articles/" in rule else "category",
    "group_id": lambda rule: "groupbuy_group" if "/groupbuy/" in rule else "group",
    "tag_id": "tag", "plan_id": "plan", "order_id": "order",
    "level_id": lambda rule: "distribution_level" if "/distribution/" in rule else "level",
    "rate_id": "distribution_rate",
    "address_id": "address", "notice_id": "notice", "topup_id": "topup",
    "asset_id": "asset", "point_id": "pickup_point",
    "import_id": lambda rule: "member_import" if "/members/" in rule else "import",
    "template_id": "shipping_template", "line_id": "cart_line", "number": "page_version",
    "slug": "page", "aftersale_id": "aftersale", "review_id": "review",
    "schedule_id": "page_schedule", "invitation_id": "invitation",
    "withdrawal_id": "withdrawal", "application_id": "application",
    "item_id": "pointsmall_item",
    "member_id": lambda rule: "staff" if "/staff/" in rule else "member",
    "export_id": lambda rule: ("member_export" if "/members/" in rule
                               else "order_export" if "/orders/" in rule else "catalog_export"),
    "activity_id": lambda rule: ("seckill_activity" if "/seckill/" in rule
                                 else "groupbuy_activity" if "/groupbuy/" in rule
                                 else "bargain_activity" if "/bargain/" in rule
                                 else "activity"),
    "launch_id": "bargain_launch",
    "slot_id": "seckill_slot", "ticket": "seckill_ticket",
    "discount_id": "promotions_discount", "reduction_id": "promotions_reduction",
}

#: Parameters that do not name a shop's object.
EXEMPT_PARAMS = {
    "module_id": "a module id names a capability; the route acts on the caller's own shop",
    "theme_id": "themes are platform-wide packages; the route acts on the caller's own shop",
    "version": "a theme package version, platform-wide",
    "rule": "names a distribution rule set (tuisan, chain21); the route acts on the caller's "
            "own shop",
}

#: Routes outside the shop prefixes, or whose answer holds nothing of the object.
EXEMPT_ROUTES = {
    "/s/<shop_slug>/orders/<int:order_id>": "an H5 shell page: the order itself is loaded "
                                            "through the API route, which is swept",
    "/s/<shop_slug>/aftersales/<int:aftersale_id>": "an H5 shell page: the request is loaded "
                                                    "through the API route, which is swept",
    "/s/<shop_slug>/orders/<int:order_id>/aftersale": "an H5 shell page (the apply form): "
                                                      "the order comes from the API route",
    "/console/agency/themes/<theme_id>": "agency theme studio: themes belong to agencies",
    "/console/agency/themes/<theme_id>/visibility": "agency theme studio",
    "/console/agency/themes/<theme_id>/versions/<version>/delete": "agency theme studio",
    "/console/agency/themes/<theme_id>/versions/<version>/deprecate": "agency theme studio",
    "/console/agency/themes/<theme_id>/versions/<version>/preview": "agency theme studio",
    "/console/agency/themes/<theme_id>/versions/<version>/publish": "agency theme studio",
    "/themes/<theme_id>/<version>/<path:asset>": "public theme assets",
    "/theme-files/<grant>/<theme_id>/<version>/<path:asset>":
        "private theme files: the signed grant names the shop; a forged one is 404 "
        "(tests/themes)",
    "/console/agency/themes/<theme_id>/versions/<version>/files/<path:asset>":
        "agency theme studio: draft files of the agency's own themes",
    "/media/<path:key>": "public media files, served by unguessable content keys",
    "/console/invitations/<token>": "a staff invitation: the signed token names its shop and "
                                    "invitation; a forged one is 404 (tests/builder)",
    "/console/invitations/<token>/accept": "a staff invitation (tests/builder)",
    "/console/invitations/<token>/signup": "a staff invitation (tests/builder)",
    "/static/<path:filename>": "static files of the app",
    "/console/static/<path:filename>": "static files of the console",
    "/console/catalog-static/<path:filename>": "static files of the console",
    "/console/catalog-imports-static/<path:filename>": "static files of the console",
    "/console/media-static/<path:filename>": "static files of the console",
    "/console/modules-static/<path:filename>": "static files of the console",
    "/s/<shop_slug>/_shop-static/<path:filename>": "static files of the storefront",
    "/s/<shop_slug>/_reviews-static/<path:filename>": "static files of the H5 review pages",
    "/s/<shop_slug>/_seckill-static/<path:filename>": "static files of the H5 seckill page",
    "/s/<shop_slug>/_groupbuy-static/<path:filename>": "static files of the H5 group-buy pages",
    "/s/<shop_slug>/_coupons-static/<path:filename>": "static files of the H5 coupon pages",
    "/s/<shop_slug>/_bargain-static/<path:filename>": "static files of the H5 bargain pages",
}

#: Whole areas outside the shops' routes.
EXEMPT_PREFIXES = {
    "/_sim/": "WeChat's simulated servers (switched on explicitly, loopback only): they "
              "identify the merchant by its own API credentials, as WeChat does",
}

DENIED = {401, 403, 404}


def _shop_a_objects(app, client, factory, shop) -> dict[str, Any]:
    """One object of every kind the routes take, all in shop A."""
    product = factory.product(shop, price_fen=900, stock=9)
    sku = sku_of(factory, shop, product)
    alice = shopper(app, client, factory, shop)
    address = alice.add_address()
    order = alice.buy(sku.id, 1)
    factory.module_on(shop, "reviews")
    factory.module_on(shop, "content")
    reviewed = completed_order(app, factory, shop, alice, [sku])
    review = alice.call("POST", "/reviews", review_body(reviewed), 201).json
    line = alice.add_to_cart(sku.id, 1)
    asset = factory.media_image(shop)
    level = factory.level(shop, "银卡", 1, 100)
    staff = factory.membership(factory.user(), shop, "staff")
    invitation = factory.invitation(shop, "invited@alpha.cn")
    version = factory.publish_page(shop, store_config(), slug="promo")
    factory.module_on(shop, "pointsmall")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        s.info["redis"] = state().redis
        objects = {
            "category": taxonomy.create_category(s, {"name": "A 分类"}).id,
            "group": taxonomy.create_group(s, {"name": "A 分组"}).id,
            "tag": tags.create_tag(s, "A 标签").id,
            "plan": cards.create_plan(s, {"name": "A 月卡", "level_id": level.id,
                                          "price_fen": 990, "days": 30}).id,
            "topup": wallet.create_topup(s, alice.member.id, 1000).id,
            "import": imports.create_import(s, state().settings.data_dir, "a.csv",
                                            b"title\nx\n").id,
            "catalog_export": exporting.create_export(s, {}).id,
            "member_import": member_imports.create_import(
                s, state().settings.data_dir, "m.xlsx", b"PK members of shop A").id,
            "member_export": request_export(s, MemberFilters(), None).id,
            "pickup_point": fulfilment.create_pickup_point(
                s, {"name": "A 门店", "address": "A 路 1 号"}).id,
            "shipping_template": fulfilment.create_template(s, {
                "name": "A 运费", "charge_by": "piece", "free_over_fen": 10000, "rules": [
                    {"regions": [], "first_units": 1, "first_fee_fen": 800,
                     "extra_units": 1, "extra_fee_fen": 200}]}).id,
            "pointsmall_item": pointsmall.create_item(s, {"sku_id": sku.id, "points": 10,
                                                          "stock": 5}).id,
        }
        objects.update(_distribution_objects(s, alice.member.id, product.id))
        article_category = articles.save_category(s, {"name": "A 文章分类"})
        objects["article_category"] = article_category.id
        objects["article"] = articles.save_article(s, {
            "title": "A 的文章", "status": "published",
            "category_id": article_category.id}).id
        objects["page_schedule"] = page_store.schedule_publish(
            s, "promo", clock_now() + timedelta(days=1),
            registries=app.extensions["mallkit"].registries["pages"]).id
        notices.notify(s, alice.member.id, kind="system", title="A", body="A",
                       dedupe_key="sweep-notice")
        s.commit()
        from runtime.modules.members.models import Notice
        objects["notice"] = s.scalar(select(Notice.id))
    objects.update(product=product.id,
                   order=order["id"], address=address["id"],
                   cart_line=line["lines"][0]["id"], asset=asset.id, level=level.id,
                   member=alice.member.id, staff=staff.id, invitation=invitation.id,
                   page="promo", page_version=version, order_export="a0a0a0a0",
                   aftersale=_aftersale(app, factory, shop, alice, sku.id),
                   review=review["id"], **_seckill(app, factory, shop, alice, sku.id))
    objects["groupbuy_activity"], objects["groupbuy_group"] = _groupbuy(app, factory, shop,
                                                                        alice, sku)
    objects.update(_promotions(app, factory, shop, sku.id))
    objects.update(_bargain(app, factory, shop, alice))
    return objects


def _bargain(app, factory, shop, alice) -> dict[str, int]:
    """A bargain of shop A running now, on a SKU of its own, and the launch alice opened."""
    from runtime.modules.bargain import activities, launches

    factory.module_on(shop, "bargain")
    sku = sku_of(factory, shop, factory.product(shop, "A 砍价", price_fen=1000, stock=5))
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        activity = activities.create_activity(s, {
            "title": "A 砍价", "sku_id": sku.id, "start_price_fen": 1000,
            "floor_price_fen": 100, "helpers_needed": 2, "stock": 1,
            "starts_at": (clock_now() - timedelta(hours=1)).isoformat(),
            "ends_at": (clock_now() + timedelta(days=1)).isoformat()}).id
        launch = launches.launch(s, activity, alice.member.id).launch.id
        s.commit()
    return {"bargain_activity": activity, "bargain_launch": launch}


def _promotions(app, factory, shop, sku_id: int) -> dict[str, int]:
    """A limited-time discount and a full reduction of shop A, running now."""
    from runtime.modules.promotions import service as promotions

    factory.module_on(shop, "promotions")
    window = {"starts_at": clock_now().isoformat(),
              "ends_at": (clock_now() + timedelta(days=1)).isoformat()}
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        discount = promotions.save_discount(s, {"name": "A 限时", **window, "items": [
            {"sku_id": sku_id, "mode": "percent", "value": 90}]}).id
        reduction = promotions.save_full_reduction(s, {"name": "A 满减", **window, "tiers": [
            {"threshold": 10000, "discount_fen": 100}]}).id
        s.commit()
    return {"promotions_discount": discount, "promotions_reduction": reduction}


def _distribution_objects(s, member_id: int, product_id: int) -> dict[str, int]:
    """Shop A's member as a distributor, with an application and a withdrawal; a distributor
    level and a product's own commission rate."""
    from runtime.modules import switches
    from runtime.modules.distribution import rates
    from runtime.modules.distribution import service as distribution
    from runtime.modules.distribution.models import Application, Withdrawal

    switches.enable(s, "distribution")
    distribution.enrol(s, member_id, "everyone")
    application = Application(member_id=member_id, answers={"name": "A"})
    withdrawal = Withdrawal(no="WDSWEEPSHOPA01", member_id=member_id, method="bank",
                            amount_fen=100, fee_fen=0, account={}, applied_at=clock_now())
    s.add_all([application, withdrawal])
    s.flush()
    level = distribution.save_level(s, {"name": "A 金牌", "rank": 1, "level1_rate": "10",
                                        "level2_rate": "5"})
    rate = rates.save_rate(s, {"product_id": product_id, "mode": "percent",
                               "level1_value": "10", "level2_value": "5"})
    return {"application": application.id, "withdrawal": withdrawal.id,
            "distribution_level": level.id, "distribution_rate": rate.id}


def _seckill(app, factory, shop, alice, sku_id: int) -> dict[str, Any]:
    """A seckill slot running now (the clock fixture: 12:00 in Shanghai), an activity and a
    ticket of Alice's (in Redis)."""
    from runtime.modules.seckill import service as seckill

    factory.module_on(shop, "seckill")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        slot = seckill.save_slot(s, {"name": "午场", "start": "12:00", "end": "13:00"})
        today = clock_now().date().isoformat()
        activity = seckill.save_activity(s, {
            "title": "A 秒杀", "starts_on": today, "ends_on": today, "slot_ids": [slot.id],
            "skus": [{"sku_id": sku_id, "seckill_price_fen": 100, "stock": 1}]}).activity.id
        slot_id = slot.id
        s.commit()
    token = alice.call("GET", f"/seckill/activities/{activity}/token").json["token"]
    ticket = alice.call("POST", "/seckill/orders", {"activity_id": activity, "sku_id": sku_id,
                                                    "token": token}, 202).json["ticket"]
    return {"seckill_slot": slot_id, "seckill_activity": activity, "seckill_ticket": ticket}


def _groupbuy(app, factory, shop, alice, sku) -> tuple[int, int]:
    """A group-buy activity of shop A and the group alice opened by paying (balance)."""
    from runtime.modules.groupbuy.activities import create_activity
    from runtime.modules.groupbuy.models import GroupbuyGroup

    factory.module_on(shop, "groupbuy")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        activity = create_activity(s, {
            "title": "A 拼团", "product_id": sku.product_id, "group_size": 2,
            "starts_at": clock_now().isoformat(),
            "ends_at": (clock_now() + timedelta(days=1)).isoformat(),
            "skus": [{"sku_id": sku.id, "group_price_fen": 500, "stock": 1}]}).id
        wallet.adjust(s, alice.member.id, principal_delta_fen=5000, key="sweep-groupbuy")
        s.commit()
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}], use_balance=True,
                        activity={"kind": "groupbuy", "id": activity})
    alice.pay(alice.submit(quote["quote_id"]).json["id"], "wallet")
    with factory._session() as s:
        use_shop(s, shop.id)
        return activity, s.scalar(select(GroupbuyGroup.id))


def _aftersale(app, factory, shop, alice, sku_id: int) -> int:
    """A refund request of a balance-paid order of shop A."""
    from runtime.modules.aftersales.service import create_request

    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        wallet.adjust(s, alice.member.id, principal_delta_fen=5000, key="sweep-topup")
        s.commit()
    quote = alice.quote(source="items", items=[{"sku_id": sku_id, "qty": 1}], use_balance=True)
    paid = alice.submit(quote["quote_id"]).json
    alice.pay(paid["id"], "wallet")
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        request = create_request(s, alice.member.id, {
            "order_id": paid["id"], "line_id": paid["lines"][0]["id"], "kind": "refund",
            "amount_fen": 100, "reason": "A 的售后"})
        s.commit()
        return request.id


def store_config() -> dict[str, Any]:
    from tests.page_helpers import page_config

    return page_config(kind="custom", title="A 活动页")


def _fingerprint(app, shop) -> dict[str, tuple[int, Any]]:
    """Row count and latest update of every tenant table, for shop A only."""
    prints = {}
    with app.extensions["mallkit"].session_factory() as s, \
            platform_access(s, "test: cross-tenant sweep"):
        for table in Base.metadata.sorted_tables:
            if "shop_id" not in table.c:
                continue
            latest = table.c.updated_at if "updated_at" in table.c else table.c.shop_id
            prints[table.name] = tuple(s.execute(
                select(func.count(), func.max(latest)).where(table.c.shop_id == shop.id)).one())
    return prints


def _url(rule: str, slug: str, objects: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "shop_slug":
            return slug
        key = OBJECTS[name]
        return str(objects[key(rule) if callable(key) else key])
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", value, rule)


def _swept_rules(app) -> list[Any]:
    """The routes to sweep; fails on a route or parameter nobody said how to handle."""
    swept, unhandled = [], []
    for rule in app.url_map.iter_rules():
        params = set(rule.arguments) - {"shop_slug"}
        if not params or rule.rule in EXEMPT_ROUTES or rule.rule.startswith(
                tuple(EXEMPT_PREFIXES)):
            continue
        unknown = params - set(OBJECTS) - set(EXEMPT_PARAMS)
        if unknown or not rule.rule.startswith(SHOP_PREFIXES):
            unhandled.append(f"{rule.rule} ({', '.join(sorted(unknown)) or 'not a shop route'})")
        elif params & set(OBJECTS):
            swept.append(rule)
    assert not unhandled, f"routes this sweep does not know how to handle: {unhandled}"
    return swept


def _ghosts(objects: dict[str, Any]) -> dict[str, Any]:
    """Objects that exist in no shop, of the same kinds."""
    return {key: (2**62 if isinstance(value, int) else f"ghost{key[:3]}")
            for key, value in objects.items()}


def test_shop_b_cannot_reach_shop_a_objects_through_any_route(app, client, factory, shop,
                                                                clock):
    objects = _shop_a_objects(app, client, factory, shop)
    ghosts = _ghosts(objects)
    other = factory.shop(slug="beta", name="Beta 商店")
    factory.module_on(other, "reviews")
    factory.module_on(other, "distribution")
    factory.module_on(other, "seckill")
    factory.module_on(other, "pointsmall")
    factory.module_on(other, "promotions")
    factory.module_on(other, "content")
    b_token = factory.member_token(other, factory.member(other))
    b_client, anonymous = app.test_client(), app.test_client()
    csrf = factory.console_login(b_client, factory.merchant(other))
    b_headers = {"Authorization": f"Bearer {b_token}", "X-CSRF-Token": csrf,
                 "Accept": "application/json"}
    before = _fingerprint(app, shop)
    problems, calls, not_found = [], 0, 0
    for rule in _swept_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            def call(who, slug, objs, method=method, rule=rule):
                return who.open(_url(rule.rule, slug, objs), method=method, json={},
                                headers=b_headers if who is b_client else
                                {"Accept": "application/json"}).status_code

            as_b = call(b_client, other.slug, objects)
            ghost = call(b_client, other.slug, ghosts)
            in_a = call(b_client, shop.slug, objects)
            anon = call(anonymous, shop.slug, objects)
            calls += 2
            not_found += as_b == 404
            if as_b != ghost:
                problems.append(f"{method} {rule.rule} in B: A's object {as_b}, ghost {ghost}")
            if in_a != anon and in_a not in DENIED:
                problems.append(f"{method} {rule.rule} in A: B {in_a}, anonymous {anon}")
    assert not problems, "\n".join(problems)
    assert calls >= 150 and not_found >= 50
    assert _fingerprint(app, shop) == before
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert s.get(Order, objects["order"]).status == "pending_payment"
