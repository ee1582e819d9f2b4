"""The promotions module (optional, 促销活动): limited-time discounts (限时折扣, stage 2 of
the pricing pipeline against the member price) and full reductions / full discounts
(满减/满折, step 300), their start / end timers, gifts after payment, API, console and
blocks. Rules: ``docs/modules/promotions.md``."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.promotions.models",
    migrations="migrations",
    api=("runtime.modules.promotions.api:promotions_api",),
    console="builder.promotions",
    blocks="blocks",
    jobs={"promotions-sweep": "runtime.modules.promotions.jobs:sweep_schedules"},
    hooks=("runtime.modules.promotions.hooks",),
    pricing_steps=("runtime.modules.promotions.pricing:LIMITED_DISCOUNT",
                   "runtime.modules.promotions.pricing:FULL_REDUCTION"),
    seeders=("runtime.modules.promotions.demo:seed_demo_promotions",),
    openapi=("runtime.modules.promotions.api:OPENAPI",),
    docs="docs/modules/promotions.md",
    tests="tests/promotions",
)
