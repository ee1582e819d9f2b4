"""``mallkit wechatpay``: drive the local WeChat Pay simulator by hand (demo, manual tests)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from runtime.db import platform_access
from runtime.modules.payments.models import Payment
from runtime.shops.models import Shop


@click.group("wechatpay")
def wechatpay_group() -> None:
    """WeChat Pay tools (the simulator works only while simulators are enabled)."""


@wechatpay_group.command("simulate-paid")
@click.argument("order_no")
@with_appcontext
def simulate_paid(order_no: str) -> None:
    """Pay ORDER_NO in the simulator and deliver the signed notification to the shop."""
    from runtime.wechat.pay.simulator import send_payment_notification

    mk = current_app.extensions["mallkit"]
    if not mk.settings.simulators_enabled:
        raise click.ClickException("simulators are off (MALLKIT_SIMULATORS); a real order can "
                                   "only be paid by the payer")
    with mk.session_factory() as session:
        session.info["shop_id"] = None
        with platform_access(session, f"wechatpay simulate-paid {order_no}"):
            row = session.execute(
                select(Payment, Shop).join(Shop, Shop.id == Payment.shop_id)
                .where(Payment.out_trade_no == order_no, Payment.method == "wechatpay")).first()
    if row is None:
        raise click.ClickException(f"order {order_no} has not been sent to WeChat Pay yet "
                                   "(pay it with method wechatpay first)")
    payment, shop = row
    if not payment.simulated:
        raise click.ClickException(f"order {order_no} was sent to a real WeChat Pay merchant; "
                                   "the simulator cannot pay it")
    delivery = send_payment_notification(payment.out_trade_no, mchid=payment.mchid)
    click.echo(f"simulated payment of {order_no} ({shop.slug}): notification answered "
               f"{delivery.status}")
    if not delivery.accepted:
        raise click.ClickException(delivery.body.decode(errors="replace")[:500])
