"""The seckill module (秒杀, optional): daily time slots of limited activity stock behind a
Redis gate (one Lua script), with the database as truth; orders through the normal order
path (activity kind ``seckill``), stock released exactly once on close or refund."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.seckill.models",
    migrations="migrations",
    api=("runtime.modules.seckill.api:seckill_api", "runtime.modules.seckill.api:seckill_gate_api",
         "runtime.modules.seckill.api:seckill_h5"),
    console="builder.seckill",
    blocks="blocks",
    jobs={"seckill-sweeper": "runtime.modules.seckill.jobs:sweep"},
    hooks=("runtime.modules.seckill.hooks",),
    pricing_steps=("runtime.modules.seckill.pricing:SECKILL",),
    seeders=("runtime.modules.seckill.demo:seed_demo_seckill",),
    openapi=("runtime.modules.seckill.api:OPENAPI",),
    docs="docs/modules/seckill.md",
    tests="tests/seckill",
)
