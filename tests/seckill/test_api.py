"""The seckill API: slots, activities with their timing by server time, the short-cached
live board, the order token only once the slot opens (injected clock), the gate's
refusals as problem+json with their own codes, the module switch and another shop's ids."""

from __future__ import annotations

from runtime.db import use_shop
from runtime.modules import switches
from runtime.modules.seckill.models import SeckillActivity, SeckillSlot
from runtime.pages.output import output_cache
from tests.orders.flow import shopper
from tests.page_helpers import block, page_config
from tests.seckill.helpers import at, example, state_of
from tests.sqlcount import counting
from tests.tenancy_helpers import two_shops


def test_activities_tell_not_started_from_ended(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    base = f"/api/v1/shops/{shop.slug}/seckill"
    at(clock, 2026, 12, 5, 9, 0)
    slots = client.get(f"{base}/slots").json["items"]
    assert [(s["name"], s["start"], s["end"]) for s in slots] == [
        ("10点场", "10:00", "12:00"), ("12点场", "12:00", "14:00")]
    one = client.get(f"{base}/activities/{ids['activity_id']}").json
    assert (one["state"], one["starts_at"], one["ends_at"]) == (
        "not_started", "2026-12-05T02:00:00+00:00", "2026-12-05T04:00:00+00:00")
    assert one["now"] == "2026-12-05T01:00:00+00:00"
    assert one["skus"][0] | {} == {**one["skus"][0], "price_fen": 9900,
                                   "seckill_price_fen": 5900, "stock": 100, "sold": 0,
                                   "left": 100}
    at(clock, 2026, 12, 6, 14, 0)
    ended = client.get(f"{base}/activities/{ids['activity_id']}").json
    assert (ended["state"], ended["ends_at"]) == ("ended", "2026-12-06T06:00:00+00:00")
    assert client.get(f"{base}/activities").json["items"] == []


def test_token_only_once_the_slot_opens(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    buyer = shopper(app, client, factory, shop)
    path = f"/seckill/activities/{ids['activity_id']}/token"
    at(clock, 2026, 12, 5, 9, 59, 59)
    early = buyer.call("GET", path, expect=409)
    assert early.json["code"] == "seckill_not_started"
    assert early.json["type"] == "https://mallkit.dev/problems/seckill_not_started"
    assert early.json["starts_at"] == "2026-12-05T02:00:00+00:00"
    assert early.mimetype == "application/problem+json"
    at(clock, 2026, 12, 5, 10, 0, 0)
    token = buyer.call("GET", path).json
    assert token["expires_at"] == "2026-12-05T04:00:00+00:00" and token["token"]
    at(clock, 2026, 12, 6, 14, 0, 0)
    assert buyer.call("GET", path, expect=409).json["code"] == "seckill_ended"
    assert client.get(f"/api/v1/shops/{shop.slug}{path}").status_code == 401


def test_gate_refusals_have_their_own_codes(app, client, factory, shop, clock):
    ids = example(app, factory, shop, stock=1, per_user=1)
    buyer = shopper(app, client, factory, shop)
    other = shopper(app, app.test_client(), factory, shop)
    at(clock, 2026, 12, 5, 10, 0, 5)
    path = f"/seckill/activities/{ids['activity_id']}/token"
    order = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"]}

    for forged in ("x", "1.²³.x", f"1.{'9' * 5000}.x"):
        assert buyer.call("POST", "/seckill/orders", {**order, "token": forged},
                          409).json["code"] == "seckill_token_invalid"
    token = buyer.call("GET", path).json["token"]
    other_token = other.call("GET", path).json["token"]
    assert other.call("POST", "/seckill/orders", {**order, "token": token},
                      409).json["code"] == "seckill_token_invalid"
    too_many = buyer.call("POST", "/seckill/orders", {**order, "qty": 2, "token": token}, 422)
    assert too_many.json["code"] == "seckill_order_limit"
    assert too_many.json["errors"][0]["pointer"] == "/qty"
    placed = buyer.call("POST", "/seckill/orders", {**order, "token": token}, 202).json
    assert placed["status"] == "queued" and len(placed["ticket"]) == 24
    assert buyer.call("POST", "/seckill/orders", {**order, "token": token},
                      409).json["code"] == "seckill_user_limit"
    assert other.call("POST", "/seckill/orders", {**order, "token": other_token},
                      409).json["code"] == "seckill_sold_out"
    polled = buyer.call("GET", f"/seckill/tickets/{placed['ticket']}").json
    assert polled["status"] == "queued"
    assert other.call("GET", f"/seckill/tickets/{placed['ticket']}", expect=404)
    bad = buyer.call("POST", "/seckill/orders", {"activity_id": "x", "qty": 0}, 422).json
    assert {e["pointer"] for e in bad["errors"]} == {"/activity_id", "/sku_id", "/qty", "/token"}


def test_rate_limit_per_member(app, client, factory, shop, clock):
    ids = example(app, factory, shop, stock=1)
    factory.module_on(shop, "seckill", {"member_attempts_per_10s": 2})
    buyer = shopper(app, client, factory, shop)
    at(clock, 2026, 12, 5, 10, 0, 5)
    token = buyer.call("GET", f"/seckill/activities/{ids['activity_id']}/token").json["token"]
    body = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"], "qty": 5,
            "token": token}
    assert buyer.call("POST", "/seckill/orders", body, 422)
    assert buyer.call("POST", "/seckill/orders", body, 422)
    third = buyer.call("POST", "/seckill/orders", body, 429)
    assert third.mimetype == "application/problem+json"
    assert (third.json["status"], third.json["code"], third.json["type"]) == (
        429, "seckill_too_fast", "https://mallkit.dev/problems/seckill_too_fast")
    assert third.headers["Retry-After"] == "5"  # the window of 10:00:00-10:00:10 (app clock)
    ok = {**body, "qty": 1}
    assert buyer.call("POST", "/seckill/orders", ok, 429).json["code"] == "seckill_too_fast"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 1
    at(clock, 2026, 12, 5, 10, 0, 16)
    assert buyer.call("POST", "/seckill/orders", ok, 202).json["status"] == "queued"


def test_a_refused_attempt_reads_no_table_and_the_switch_still_counts(app, client, factory,
                                                                       shop, clock):
    ids = example(app, factory, shop, stock=1, per_user=1)
    buyer = shopper(app, client, factory, shop)
    other = shopper(app, app.test_client(), factory, shop)
    at(clock, 2026, 12, 5, 10, 0, 5)
    tokens = [who.call("GET", f"/seckill/activities/{ids['activity_id']}/token").json["token"]
              for who in (buyer, other)]
    order = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"]}
    with app.app_context():
        assert output_cache().mirror_ready(10)  # the invalidation listener is subscribed
    buyer.call("POST", "/seckill/orders", {**order, "token": tokens[0]}, 202)
    other.call("POST", "/seckill/orders", {**order, "token": tokens[1]}, 409)
    with counting(app) as counted:
        refused = other.call("POST", "/seckill/orders", {**order, "token": tokens[1]}, 409)
    assert refused.json["code"] == "seckill_sold_out"
    assert (counted.statements, counted.transactions) == ([], 0)

    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        switches.disable(s, "seckill")
        s.commit()
    off = other.call("POST", "/seckill/orders", {**order, "token": tokens[1]}, 404)
    assert off.json["code"] == "module_disabled"
    factory.module_on(shop, "seckill")
    assert other.call("POST", "/seckill/orders", {**order, "token": tokens[1]},
                      409).json["code"] == "seckill_sold_out"


def test_live_board_is_short_cached(app, client, factory, shop, clock, redis_conn):
    ids = example(app, factory, shop)
    at(clock, 2026, 12, 5, 10, 30)
    live = client.get(f"/api/v1/shops/{shop.slug}/seckill/live")
    assert live.headers["Cache-Control"] == "public, max-age=2"
    item = live.json["items"][0]
    assert (item["activity_id"], item["state"], item["today"]) == (
        ids["activity_id"], "running", True)
    assert item["skus"][0] == {"sku_id": ids["sku_id"], "product_id": ids["product_id"],
                               "seckill_price_fen": 5900, "stock": 100, "sold": 0,
                               "left": 100, "percent": 0}
    assert redis_conn.ttl(f"mallkit:{{{shop.id}}}:seckill:live") in (1, 2)


def test_module_off_hides_everything_and_keeps_settings(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    factory.module_on(shop, "seckill", {"prewarm_minutes": 7})
    mk = app.extensions["mallkit"]
    with mk.session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = mk.redis
        switches.disable(s, "seckill")
        s.commit()
    base = f"/api/v1/shops/{shop.slug}/seckill"
    for path in ("/slots", "/activities", f"/activities/{ids['activity_id']}", "/live"):
        answer = client.get(base + path)
        assert answer.status_code == 404 and answer.json["code"] == "module_disabled"
        assert answer.mimetype == "application/problem+json"
    factory.module_on(shop, "seckill")
    with mk.session_factory() as s:
        use_shop(s, shop.id)
        assert switches.settings_of(s, "seckill")["prewarm_minutes"] == 7
        assert s.get(SeckillActivity, ids["activity_id"]) is not None
    assert client.get(base + "/slots").status_code == 200


def test_another_shops_ids_are_404(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    ids = example(app, factory, shops.a)
    factory.module_on(shops.b, "seckill")
    at(clock, 2026, 12, 5, 10, 30)
    assert shops.alice.call("GET", f"/seckill/activities/{ids['activity_id']}").status_code \
        == 200
    for path in (f"/seckill/activities/{ids['activity_id']}",
                 f"/seckill/activities/{ids['activity_id']}/token"):
        assert shops.bob.call("GET", path, expect=404).json["code"] == "not_found"
    token = shops.alice.call("GET", f"/seckill/activities/{ids['activity_id']}/token").json
    refused = shops.bob.call("POST", "/seckill/orders", {
        "activity_id": ids["activity_id"], "sku_id": ids["sku_id"], "token": token["token"]},
        expect=409)
    assert refused.json["code"] == "seckill_token_invalid"
    assert shops.bob.call("GET", "/seckill/slots").json["items"] == []
    assert (shops.count(shops.a, SeckillSlot), shops.count(shops.b, SeckillSlot)) == (2, 0)


def test_h5_seckill_page(app, client, factory, shop, clock):
    ids = example(app, factory, shop)
    at(clock, 2026, 12, 5, 10, 30)
    page = client.get(f"/s/{shop.slug}/seckill/{ids['activity_id']}?sku={ids['sku_id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "周末秒杀" in html
    assert f'data-activity="{ids["activity_id"]}"' in html and f'data-sku="{ids["sku_id"]}"' in html
    script = f"/s/{shop.slug}/_seckill-static/seckill.js"
    assert script in html
    source = client.get(script).get_data(as_text=True)
    assert 'from "../_shop-static/api.js"' in source and "/seckill/orders" in source
    assert client.get(f"/s/{shop.slug}/seckill/424242").status_code == 404
    other = factory.shop(slug="other-h5", name="别家")
    factory.module_on(other, "seckill")
    assert client.get(f"/s/{other.slug}/seckill/{ids['activity_id']}").status_code == 404


def test_the_next_slot_opens_at_the_gate_at_12_00_00_without_the_sweeper(app, client, factory,
                                                                          shop, clock):
    ids = example(app, factory, shop, stock=5, per_user=1)
    buyer = shopper(app, client, factory, shop)
    other = shopper(app, app.test_client(), factory, shop)
    order = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"]}
    path = f"/seckill/activities/{ids['activity_id']}/token"
    at(clock, 2026, 12, 5, 10, 0, 5)
    buyer.call("POST", "/seckill/orders", {**order, "token": buyer.call("GET", path).json[
        "token"]}, 202)  # the gate is loaded with the 10点场's window
    at(clock, 2026, 12, 5, 11, 59, 59)
    early = other.call("GET", path).json["token"]  # the 10点场's token, one second left
    at(clock, 2026, 12, 5, 12, 0, 0)
    assert other.call("POST", "/seckill/orders", {**order, "token": early},
                      409).json["code"] == "seckill_ended"
    token = other.call("GET", path).json["token"]
    placed = other.call("POST", "/seckill/orders", {**order, "token": token}, 202).json
    assert placed["status"] == "queued"


def test_a_published_seckill_block_goes_with_the_module_and_comes_back(app, client, factory,
                                                                        shop, clock):
    example(app, factory, shop)
    at(clock, 2026, 12, 5, 10, 30)
    factory.publish_page(shop, page_config(block("flash", "seckill"),
                                           block("words", "title", title="秒杀专区")))
    layout = f"/api/v1/shops/{shop.slug}/layouts/home"
    assert [n["type"] for n in client.get(layout).json["nodes"]] == ["seckill", "title"]
    assert 'id="b-flash"' in client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        switches.disable(s, "seckill")
        s.commit()
    assert [n["type"] for n in client.get(layout).json["nodes"]] == ["title"]
    home = client.get(f"/s/{shop.slug}/")
    assert home.status_code == 200 and "秒杀专区" in home.get_data(as_text=True)
    assert 'id="b-flash"' not in home.get_data(as_text=True)
    factory.module_on(shop, "seckill")
    assert [n["type"] for n in client.get(layout).json["nodes"]] == ["seckill", "title"]


def test_an_attempt_is_one_round_trip_and_the_member_token_is_checked_in_it(
        app, client, factory, shop, clock):
    from rq.utils import get_version

    from tests.redis_count import counting_round_trips

    ids = example(app, factory, shop, stock=1, per_user=1)
    buyer = shopper(app, client, factory, shop)
    other = shopper(app, app.test_client(), factory, shop)
    at(clock, 2026, 12, 5, 10, 0, 5)
    tokens = [who.call("GET", f"/seckill/activities/{ids['activity_id']}/token").json["token"]
              for who in (buyer, other)]  # the page fetches it: the token's grant is cached
    order = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"]}
    # the gate loaded and its script known to Redis (as once the rush is on), and RQ knowing
    # the server's version (it asks once per client)
    assert other.call("POST", "/seckill/orders", {**order, "qty": 2, "token": tokens[1]},
                      422).json["code"] == "seckill_order_limit"
    get_version(app.extensions["mallkit"].redis)
    with counting_round_trips(app) as admitted:
        buyer.call("POST", "/seckill/orders", {**order, "token": tokens[0]}, 202)
    assert admitted == ["EVALSHA", "MULTI"]  # the gate (token grant included), the job
    with counting_round_trips(app) as refused:
        assert other.call("POST", "/seckill/orders", {**order, "token": tokens[1]},
                          409).json["code"] == "seckill_sold_out"
    assert refused == ["EVALSHA"]

    # another member's order token with one's own member token: refused, whoever asks
    assert other.call("POST", "/seckill/orders", {**order, "token": tokens[0]},
                      409).json["code"] == "seckill_token_invalid"
    # a revoked member token is refused although the gate would have vouched a moment ago
    other.call("POST", "/auth/logout", {}, 204)
    assert other.call("POST", "/seckill/orders", {**order, "token": tokens[1]},
                      401).json["code"] == "invalid_token"


def test_the_gate_trusts_only_a_live_cached_grant_of_the_member(app, factory, shop, clock,
                                                                  redis_conn):
    """What the gate's grant check accepts is what ``tokens.look_up`` would: refused (and
    nothing done) for a grant not cached, another member's, expired or due a touch."""
    from datetime import timedelta

    from runtime.modules.members.tokens import TOUCH_INTERVAL, grant_check, look_up
    from runtime.modules.seckill import gate

    ids = example(app, factory, shop, stock=5, per_user=5)
    member, someone = factory.member(shop), factory.member(shop)
    token = factory.member_token(shop, member)
    at(clock, 2026, 12, 5, 10, 0, 5)
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        from runtime.modules.seckill.warming import warm_shop

        warm_shop(s, redis_conn, shop.id)
        s.commit()

    def attempt(member_id, now):
        ticket = gate.Ticket(gate.new_ticket(), shop.id, ids["activity_id"], ids["sku_id"],
                             member_id, 1)
        try:
            return gate.admit(redis_conn, ticket, attempts=100, now=now,
                              grant=grant_check(shop.id, token, now))
        except gate.GrantNotLive:
            return "not live"

    now = clock.now()
    assert attempt(member.id, now) == "not live"  # not cached yet
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        assert look_up(s, token).member_id == member.id  # caches it (touched now)
        s.commit()
    assert attempt(someone.id, now) == "not live"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 5
    assert attempt(member.id, now) == 4
    assert attempt(member.id, now + TOUCH_INTERVAL - timedelta(seconds=1)) == 3
    assert attempt(member.id, now + TOUCH_INTERVAL) == "not live"  # look_up would touch it
    assert attempt(member.id, now + timedelta(days=30)) == "not live"  # expired
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 3
