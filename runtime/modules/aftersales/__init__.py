"""The after-sales module (售后, core): per-line refunds, returns and exchanges, merchant
refunds, the money through payments (WeChat Pay, balance, cash on delivery), the timers,
and the ``line_refunded`` / ``order_refunded`` hooks that reverse what a line earned."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.aftersales.models",
    migrations="migrations",
    api=("runtime.modules.aftersales.api:aftersales_api",),
    console="builder.aftersales",
    jobs={"aftersales-sweeper": "runtime.modules.aftersales.jobs:sweep"},
    hooks=("runtime.modules.aftersales.hooks",),
    seeders=("runtime.modules.aftersales.demo:seed_demo_aftersale",),
    seed_after=("reviews",),  # its demo after-sale is made on the reviews demo's orders
    openapi=("runtime.modules.aftersales.api:OPENAPI",),
    docs="docs/modules/aftersales.md",
    tests="tests/aftersales",
)
