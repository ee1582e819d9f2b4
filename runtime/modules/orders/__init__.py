"""The orders module: checkout quotes, idempotent submit, the order state machine, timers."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.orders.models",
    migrations="migrations",
    api=("runtime.modules.orders.api:orders_api",),
    console="builder.orders",
    jobs={
        "orders-unpaid-sweeper": "runtime.modules.orders.jobs:sweep_unpaid_orders",
        "orders-auto-confirm": "runtime.modules.orders.jobs:sweep_auto_confirm",
    },
    hooks=("runtime.modules.orders.hooks",),
    pricing_steps=("runtime.modules.orders.pricing:COUPON_CHECK",
                   "runtime.modules.orders.pricing:ACTIVITY_CHECK"),
    openapi=("runtime.modules.orders.api:OPENAPI",),
    docs="docs/modules/orders.md",
    tests="tests/orders",
)
