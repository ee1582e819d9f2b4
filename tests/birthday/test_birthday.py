"""Birthday coupons on a real app: once a year per member on the shop-local birthday (or in
the birthday month), 29 February on 28 February in other years, the job running twice or at
the same moment gives nothing twice; off gives nothing and hides the console; another shop's
members get nothing from this shop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from runtime.jobs import for_each_shop
from runtime.modules import switches
from runtime.modules.birthday import service
from runtime.modules.birthday.models import BirthdayGift
from runtime.modules.coupons.models import MemberCoupon
from tests.aftersales.flow import in_shop, read
from tests.concurrency import run_in_threads
from tests.coupons.flow import template

TODAY = date(2026, 11, 25)  # the clock fixture: 12:00 in Asia/Shanghai


def _on(app, factory, shop, **settings):
    factory.module_on(shop, "coupons")
    gift = template(app, factory, shop, name="生日券", amount_fen=2000, min_spend_fen=0,
                    per_member_limit=0)
    factory.module_on(shop, "birthday", {"coupon_template_ids": [gift], **settings})
    return gift


def _run(app, factory, shop) -> int:
    return in_shop(app, factory, shop, service.give_birthday_coupons)


def _coupons(factory, shop) -> list[tuple[int, str]]:
    return read(factory, shop, lambda s: [tuple(r) for r in s.execute(
        select(MemberCoupon.member_id, MemberCoupon.source).order_by(MemberCoupon.id))])


def test_a_coupon_on_the_birthday_once_a_year(app, factory, shop, clock):
    _on(app, factory, shop)
    today = factory.member(shop, birthday=date(1990, 11, 25))
    tomorrow = factory.member(shop, birthday=date(1990, 11, 26))
    factory.member(shop)  # no birthday given
    assert _run(app, factory, shop) == 1
    assert _run(app, factory, shop) == 0  # the hourly job again
    assert _coupons(factory, shop) == [(today.id, "birthday")]

    clock.advance(timedelta(days=1))
    assert _run(app, factory, shop) == 1
    clock.advance(timedelta(days=364))  # 2027-11-25: a new year
    assert _run(app, factory, shop) == 1
    assert [m for m, _ in _coupons(factory, shop)] == [today.id, tomorrow.id, today.id]
    gifts = read(factory, shop, lambda s: [(g.member_id, g.year, g.given_on) for g in s.scalars(
        select(BirthdayGift).order_by(BirthdayGift.id))])
    assert gifts == [(today.id, 2026, TODAY), (tomorrow.id, 2026, date(2026, 11, 26)),
                     (today.id, 2027, date(2027, 11, 25))]


def test_the_birthday_is_the_shops_local_day(app, factory, shop, clock):
    _on(app, factory, shop)
    member = factory.member(shop, birthday=date(1990, 11, 26))
    clock.advance(timedelta(hours=11, minutes=30))  # 15:30 UTC on the 25th, still the 25th
    assert _run(app, factory, shop) == 0
    clock.advance(timedelta(hours=1))  # 00:30 on the 26th in Shanghai
    assert _run(app, factory, shop) == 1
    assert _coupons(factory, shop) == [(member.id, "birthday")]


def test_a_birthday_the_job_missed_is_given_late_but_once(app, factory, shop, clock):
    _on(app, factory, shop)
    missed = factory.member(shop, birthday=date(1990, 11, 23))  # two days ago
    factory.member(shop, birthday=date(1990, 11, 22))  # three days ago: too late
    assert _run(app, factory, shop) == 1
    clock.advance(timedelta(days=1))
    assert _run(app, factory, shop) == 0
    assert _coupons(factory, shop) == [(missed.id, "birthday")]


def test_the_birthday_month_gives_from_its_first_day(app, factory, shop, clock):
    _on(app, factory, shop, timing="month")
    early = factory.member(shop, birthday=date(1990, 11, 3))
    late = factory.member(shop, birthday=date(1990, 11, 30))
    factory.member(shop, birthday=date(1990, 12, 1))
    assert _run(app, factory, shop) == 2
    clock.advance(timedelta(days=5))  # still November: nothing twice
    assert _run(app, factory, shop) == 0
    assert [m for m, _ in _coupons(factory, shop)] == [early.id, late.id]


def test_a_29_february_birthday_on_28_february_in_other_years(app, factory, shop, clock):
    _on(app, factory, shop)
    leapling = factory.member(shop, birthday=date(2000, 2, 29))
    clock.freeze(datetime(2027, 2, 28, 4, 0, tzinfo=UTC))
    assert _run(app, factory, shop) == 1
    clock.freeze(datetime(2027, 3, 1, 4, 0, tzinfo=UTC))
    assert _run(app, factory, shop) == 0
    assert _coupons(factory, shop) == [(leapling.id, "birthday")]


def test_the_job_at_the_same_moment_gives_once(app, factory, shop, clock):
    _on(app, factory, shop)
    members = [factory.member(shop, birthday=date(1990 + i, 11, 25)) for i in range(3)]

    def run(session, _i):
        with app.app_context():
            return service.give_birthday_coupons(session)

    outcomes = run_in_threads(app, shop.id, run, 6)
    assert sum(o for o in outcomes if isinstance(o, int)) == 3, outcomes
    assert sorted(m for m, _ in _coupons(factory, shop)) == sorted(m.id for m in members)


def test_off_gives_nothing_and_hides_the_console(app, client, factory, shop, clock):
    _on(app, factory, shop)
    factory.member(shop, birthday=date(1990, 11, 25), nickname="寿星")
    factory.console_login(client, factory.merchant(shop))
    in_shop(app, factory, shop, lambda s: switches.disable(s, "birthday"))
    assert _run(app, factory, shop) == 0
    assert client.get(f"/console/shops/{shop.slug}/birthday").status_code == 404

    factory.module_on(shop, "birthday")  # on again: the settings kept
    with app.app_context():
        assert for_each_shop(service.give_birthday_coupons, "birthday", [shop.id]) == {
            shop.id: 1}
    html = client.get(f"/console/shops/{shop.slug}/birthday").get_data(as_text=True)
    assert "生日当天发放" in html and "寿星" in html and "1990-11-25" in html
    assert "data-this-month>1<" in html and "data-gifts>1<" in html


def test_another_shops_members_get_nothing_from_this_shop(app, factory, shop, clock):
    _on(app, factory, shop)
    other = factory.shop(slug="other-bd", name="别家")
    stranger = factory.member(other, birthday=date(1990, 11, 25))
    assert _run(app, factory, shop) == 0
    assert in_shop(app, factory, other, service.give_birthday_coupons) == 0  # off there
    assert read(factory, other, lambda s: s.scalars(select(BirthdayGift).where(
        BirthdayGift.member_id == stranger.id)).all()) == []
