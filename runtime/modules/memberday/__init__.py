"""The member-day module (optional, 会员日): one day a week or a month on which members get an
extra discount — a stage-2 price offered beside the member price, the better one winning per
line — and a points multiplier on what they pay that day."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    api=("runtime.modules.memberday.api:memberday_api",),
    console="builder.memberday",
    blocks="blocks",
    hooks=("runtime.modules.memberday.hooks",),
    pricing_steps=("runtime.modules.memberday.pricing:MEMBER_DAY",),
    seeders=("runtime.modules.memberday.demo:seed_demo_memberday",),
    openapi=("runtime.modules.memberday.api:OPENAPI",),
    docs="docs/modules/memberday.md",
    tests="tests/memberday",
)
