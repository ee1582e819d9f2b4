"""The payments module: WeChat Pay JSAPI, balance and cash on delivery; notifications,
reconciliation and refunds; ``mallkit wechatpay`` commands."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.payments.models",
    migrations="migrations",
    api=("runtime.modules.payments.api:notify_api",),
    jobs={
        "payments-reconcile": "runtime.modules.payments.jobs:sweep_pending_payments",
        "payments-platform-certificates":
            "runtime.modules.payments.jobs:refresh_platform_certificates",
    },
    openapi=("runtime.modules.payments.api:OPENAPI",),
    cli=("runtime.modules.payments.cli:wechatpay_group",),
    tests="tests/payments",
)
