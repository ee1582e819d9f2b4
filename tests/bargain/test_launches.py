"""Launching and cutting through the API: a launch with its self-cut, the member's open launch
returned instead of a second, each refusal with its own problem type (already helped,
expired, finished, self-cut, launch limit, stock, window), and the progress a friend sees."""

from __future__ import annotations

from datetime import timedelta

from runtime.modules.bargain import launches
from tests.bargain.flow import (
    cuts,
    help_cut,
    in_shop,
    launch,
    launch_row,
    people,
    setup,
    stock,
)


def problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert response.json["type"] == f"https://mallkit.dev/problems/{code}"


def test_a_launch_makes_the_first_cut_and_friends_cut_once(app, client, factory, shop):
    activity, _sku = setup(app, factory, shop)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    made = launch(alice, activity).json
    assert made["status"] == "cutting" and made["cuts"] == 1 and made["mine"] is True
    assert made["helpers"][0]["is_launcher"] is True
    assert made["price_fen"] == 10000 - made["helpers"][0]["amount_fen"]
    assert made["share"]["path"] == f"/pages/bargain/launch?id={made['id']}"
    assert made["share"]["h5_path"] == f"/s/{shop.slug}/bargain/launches/{made['id']}"
    again = launch(alice, activity, expect=200).json  # the open launch, not a second one
    assert again["id"] == made["id"]
    cut = help_cut(bob, made["id"]).json
    assert cut["price_after_fen"] == made["price_fen"] - cut["amount_fen"]
    seen = carol.call("GET", f"/bargain/launches/{made['id']}").json
    assert (seen["mine"], seen["helped"], seen["cuts"]) == (False, False, 2)
    assert [h["amount_fen"] for h in seen["helpers"]] == cuts(factory, shop, made["id"])
    assert seen["percent"] == 100 * seen["cut_fen"] // 7000
    problem(help_cut(bob, made["id"], expect=None), 409, "bargain_already_helped")
    problem(help_cut(alice, made["id"], expect=None), 422, "bargain_self_cut_not_allowed")
    assert alice.call("GET", "/bargain/launches").json["items"][0]["id"] == made["id"]


def test_without_self_cut_the_launch_starts_at_the_start_price(app, client, factory, shop):
    activity, _sku = setup(app, factory, shop, self_cut=False, helpers_needed=2)
    alice, bob, carol, dan = people(app, client, factory, shop, "alice", "bob", "carol", "dan")
    made = launch(alice, activity).json
    assert (made["price_fen"], made["cuts"], made["helpers"]) == (10000, 0, [])
    problem(help_cut(alice, made["id"], expect=None), 422, "bargain_self_cut_not_allowed")
    help_cut(bob, made["id"])
    last = help_cut(carol, made["id"]).json
    assert last["price_after_fen"] == 3000 and last["launch"]["status"] == "floor"
    problem(help_cut(dan, made["id"], expect=None), 409, "bargain_finished")


def test_an_expired_launch_can_no_longer_be_cut(app, client, factory, shop, clock):
    activity, _sku = setup(app, factory, shop, valid_hours=2)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    made = launch(alice, activity).json
    clock.advance(timedelta(hours=2))
    problem(help_cut(bob, made["id"], expect=None), 409, "bargain_expired")
    assert bob.call("GET", f"/bargain/launches/{made['id']}").json["status"] == "expired"


def test_launch_limit_stock_and_window(app, client, factory, shop, clock):
    activity, _sku = setup(app, factory, shop, valid_hours=1, launches_per_member=1, stock=1)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    launch(alice, activity)
    clock.advance(timedelta(hours=1))  # expired: a new launch would be the second
    problem(launch(alice, activity, expect=None), 422, "bargain_launch_limit")
    assert launch(alice, activity, expect=None).json["errors"][0]["pointer"] == "/activity_id"
    in_shop(app, factory, shop, lambda s: launches.activities.update_activity(
        s, activity.id, {"stock": 0}))
    problem(launch(bob, activity, expect=None), 409, "bargain_sold_out")
    assert stock(factory, shop, activity) == 0
    clock.advance(timedelta(days=8))
    problem(launch(bob, activity, expect=None), 409, "bargain_ended")
    clock.advance(timedelta(days=-10))
    problem(launch(bob, activity, expect=None), 409, "bargain_not_started")


def test_bad_launch_requests_are_422_naming_the_field(app, client, factory, shop):
    setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    for body in (None, {}, {"activity_id": "x"}):
        answer = alice.call("POST", "/bargain/launches", body, None)
        assert answer.status_code == 422, body
        assert answer.json["errors"][0]["pointer"] == "/activity_id"
    missing = alice.call("POST", "/bargain/launches", {"activity_id": 999999}, 404)
    assert missing.json["code"] == "bargain_not_found"
    assert alice.call("POST", "/bargain/launches/999999/help", None, 404).mimetype == \
        "application/problem+json"


def test_helping_needs_a_member(app, client, factory, shop):
    activity, _sku = setup(app, factory, shop)
    [alice] = people(app, client, factory, shop, "alice")
    made = launch(alice, activity).json
    anonymous = client.post(f"/api/v1/shops/{shop.slug}/bargain/launches/{made['id']}/help")
    assert anonymous.status_code == 401
    public = client.get(f"/api/v1/shops/{shop.slug}/bargain/launches/{made['id']}").json
    assert "mine" not in public and public["cuts"] == 1
    assert launch_row(factory, shop, made["id"]).cuts == 1
