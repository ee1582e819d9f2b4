"""The points mall module (optional, 积分商城): SKUs members exchange for points plus
optional cash, with their own exchange stock and a per-member limit; the exchange is an
activity order priced by this module's step and paid at once when no cash is due."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.pointsmall.models",
    migrations="migrations",
    api=("runtime.modules.pointsmall.api:pointsmall_api",),
    console="builder.pointsmall",
    blocks="blocks",
    jobs={"pointsmall-return-sweeper": "runtime.modules.pointsmall.jobs:return_sweeper"},
    hooks=("runtime.modules.pointsmall.hooks",),
    pricing_steps=("runtime.modules.pointsmall.pricing:POINTSMALL",),
    seeders=("runtime.modules.pointsmall.demo:seed_demo_pointsmall",),
    openapi=("runtime.modules.pointsmall.api:OPENAPI",),
    docs="docs/modules/pointsmall.md",
    tests="tests/pointsmall",
)
