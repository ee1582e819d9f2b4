"""Stored value in a real checkout: a shopper pays an order with balance (principal and
bonus in proportion), uses points for part of it, and the paid order's follow-up records the
purchase, growth and points — the contracts the orders module calls, end to end."""

from __future__ import annotations

from rq import Queue
from rq.job import Job

from runtime.db import use_shop
from runtime.modules.members.models import Member
from runtime.modules.points import service as points
from runtime.modules.wallet import service as wallet
from tests.orders.flow import shopper, sku_of


def test_pay_with_balance_and_points_then_rewards(app, client, factory, shop, session,
                                                  redis_conn, clock):
    sku = sku_of(factory, shop, factory.product(shop, "绿茶", price_fen=10000, stock=5))
    buyer = shopper(app, client, factory, shop, openid="o-wallet")
    buyer.add_address()
    use_shop(session, shop.id)
    topup = wallet.create_topup(session, buyer.member.id, 10000)  # 100 + 10 bonus
    wallet.confirm_topup(session, topup.out_trade_no, paid_fen=10000, transaction_id="t-1")
    points.credit(session, buyer.member.id, 1000, reason="gift", key="gift")
    session.commit()

    order = buyer.buy(sku.id, 1, use_points=True)
    assert (order["points_used"], order["payable_fen"]) == (1000, 9000)  # 1000 points = 10 yuan
    paid = buyer.pay(order["id"], method="wallet")
    assert paid["paid"] is True
    session.expire_all()
    # 9000 fen from 10000 principal + 1000 bonus: 8182 principal, 818 bonus
    assert wallet.balance_of(session, buyer.member.id) == wallet.WalletBalance(1818, 182)
    assert points.balance_of(session, buyer.member.id) == 0
    session.rollback()

    for jid in Queue("default", connection=redis_conn).job_ids:
        job = Job.fetch(jid, connection=redis_conn)
        if job.func_name.endswith("order_paid_followup"):
            with app.app_context():
                job.func(*job.args)
    member = session.get(Member, buyer.member.id)
    assert (member.order_count, member.total_spent_fen, member.growth) == (1, 9000, 90)
    assert points.balance_of(session, buyer.member.id) == 90
