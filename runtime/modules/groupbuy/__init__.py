"""The group-buy module (拼团): activities, groups opened and joined by payments, expiry with
virtual completion or full refunds through after-sales, blocks, API, console and demo."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.groupbuy.models",
    migrations="migrations",
    api=("runtime.modules.groupbuy.api:groupbuy_api",
         "runtime.modules.groupbuy.api:groupbuy_pages"),
    console="builder.groupbuy",
    blocks="blocks",
    jobs={"groupbuy-sweeper": "runtime.modules.groupbuy.jobs:sweep"},
    hooks=("runtime.modules.groupbuy.hooks",),
    pricing_steps=("runtime.modules.groupbuy.pricing:GROUPBUY",),
    seeders=("runtime.modules.groupbuy.demo:seed_demo",),
    seed_after=("fulfilment",),  # the demo group's order uses its same-city delivery
    openapi=("runtime.modules.groupbuy.api:OPENAPI",),
    docs="docs/modules/groupbuy.md",
    tests="tests/groupbuy",
)
