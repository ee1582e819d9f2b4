"""The coupons module (optional, 优惠券): templates, claiming and gifts, the coupon step of
the pricing pipeline, the coupon's life with orders, expiry; blocks, API, console."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.coupons.models",
    migrations="migrations",
    api=("runtime.modules.coupons.api:coupons_api",
         "runtime.modules.coupons.api:coupons_pages"),
    console="builder.coupons",
    blocks="blocks",
    jobs={"coupons-sweep": "runtime.modules.coupons.jobs:sweep_job"},
    hooks=("runtime.modules.coupons.hooks",),
    pricing_steps=("runtime.modules.coupons.pricing:COUPONS",),
    seeders=("runtime.modules.coupons.demo:seed_demo",),
    openapi=("runtime.modules.coupons.api:OPENAPI",),
    docs="docs/modules/coupons.md",
    tests="tests/coupons",
)
