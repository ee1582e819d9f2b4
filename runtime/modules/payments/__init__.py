"""The payments module: WeChat Pay JSAPI, balance and cash on delivery; notifications,
reconciliation and refunds; ``mallkit wechatpay`` commands."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime import jobs
    from runtime.modules.payments.api import notify_api, payments_api
    from runtime.modules.payments.cli import wechatpay_group
    from runtime.modules.payments.jobs import PERIODIC

    app.register_blueprint(payments_api)
    app.register_blueprint(notify_api)
    app.cli.add_command(wechatpay_group)
    for name, func, every in PERIODIC:
        jobs.register_periodic(name, func, every)
