"""The first-payment trigger with real orders: WeChat Pay through the simulator, the
order-paid job, the merchant's refund through after-sales — a whole refund takes both rewards
back, a partial one takes nothing; and the worked example of docs/modules/invite.md."""

from __future__ import annotations

from datetime import timedelta

from runtime.modules.aftersales import service as aftersales
from tests.aftersales.flow import MERCHANT, drain, in_shop, notify_refund, wechat_paid
from tests.coupons.flow import member_coupon, template
from tests.invite.flow import balance, bind, code_of, invitations, member
from tests.orders.flow import sku_of

ON_PAYMENT = {"trigger": "first_paid_order", "inviter_points": 100, "invitee_points": 50}


def _refund(app, factory, shop, redis_conn, order, lines):
    made = in_shop(app, factory, shop, aftersales.merchant_refund, order["id"],
                   [{"line_id": line["id"]} for line in lines], "缺货", MERCHANT)
    drain(app, redis_conn)
    for request in made:
        assert notify_refund(app, request.no).status == 204


def test_a_whole_refund_of_the_first_order_takes_both_rewards_back(app, factory, shop, clock,
                                                                    redis_conn):
    factory.module_on(shop, "invite", ON_PAYMENT)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=5))
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    invitee.add_address()
    bind(invitee, code_of(inviter))
    order = wechat_paid(app, invitee, [(sku.id, 1)])
    drain(app, redis_conn)  # the order-paid job
    row = invitations(factory, shop)[0]
    assert (row.status, row.order_id) == ("rewarded", order["id"])
    assert balance(factory, shop, inviter) == 100
    earned = balance(factory, shop, invitee)
    assert earned == 50 + 100  # the reward and the order's own points (1 per yuan)

    _refund(app, factory, shop, redis_conn, order, order["lines"])
    assert invitee.order(order["id"])["refund_status"] == "ALL"
    assert invitations(factory, shop)[0].status == "revoked"
    assert (balance(factory, shop, inviter), balance(factory, shop, invitee)) == (0, 0)


def test_a_partial_refund_takes_nothing_back(app, factory, shop, clock, redis_conn):
    factory.module_on(shop, "invite", ON_PAYMENT)
    a = sku_of(factory, shop, factory.product(shop, price_fen=4000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, price_fen=6000, stock=5))
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    invitee.add_address()
    bind(invitee, code_of(inviter))
    order = wechat_paid(app, invitee, [(a.id, 1), (b.id, 1)])
    drain(app, redis_conn)
    _refund(app, factory, shop, redis_conn, order,
            [x for x in order["lines"] if x["sku_id"] == b.id])
    assert invitee.order(order["id"])["refund_status"] == "PART"
    assert invitations(factory, shop)[0].status == "rewarded"
    assert balance(factory, shop, inviter) == 100


def _pays(app, factory, shop, redis_conn, invitee, sku_id):
    invitee.add_address()
    order = wechat_paid(app, invitee, [(sku_id, 1)])
    drain(app, redis_conn)
    return order


def test_the_worked_example(app, factory, shop, clock, redis_conn):
    """docs/modules/invite.md, step by step."""
    factory.module_on(shop, "coupons")
    gift = template(app, factory, shop, name="¥5 无门槛", amount_fen=500, min_spend_fen=0,
                    per_member_limit=0)
    factory.module_on(shop, "invite", {**ON_PAYMENT, "invitee_coupon_template_ids": [gift],
                                       "daily_limit": 2, "total_cap": 3})
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=20)).id
    wang = member(app, factory, shop, nickname="老王")
    code = code_of(wang)
    li, zhang, zhao = (member(app, factory, shop, nickname=n) for n in ("小李", "小张", "小赵"))

    assert bind(li, code)["status"] == "pending"  # 1.
    order = _pays(app, factory, shop, redis_conn, li, sku)  # 2.
    li_row = invitations(factory, shop)[0]
    assert (li_row.invitee_points, len(li_row.invitee_coupon_ids), li_row.inviter_points) == \
        (50, 1, 100)
    for person in (zhang, zhao):  # 3.
        bind(person, code)
        _pays(app, factory, shop, redis_conn, person, sku)
    assert [r.inviter_skip_reason for r in invitations(factory, shop)] == ["", "", "daily_limit"]
    assert invitations(factory, shop)[2].invitee_points == 50

    _refund(app, factory, shop, redis_conn, order, order["lines"])  # 4.
    assert member_coupon(factory, shop, li_row.invitee_coupon_ids[0]).status == "revoked"
    assert balance(factory, shop, wang) == 100  # from 小张

    clock.advance(timedelta(days=1))  # 5.
    qian, sun = member(app, factory, shop, nickname="小钱"), member(app, factory, shop,
                                                                    nickname="小孙")
    for person in (qian, sun):
        bind(person, code)
        _pays(app, factory, shop, redis_conn, person, sku)
    assert [r.inviter_skip_reason for r in invitations(factory, shop)][3:] == ["", "total_cap"]
    assert balance(factory, shop, wang) == 200
