"""The points module (core): the points ledger, earning, deduction, expiry, reversal."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.points.models",
    migrations="migrations",
    api=("runtime.modules.points.api:points_api",),
    jobs={
        "points-expire": "runtime.modules.points.jobs:expire_job",
        "points-expiry-notices": "runtime.modules.points.jobs:notices_job",
        "points-birthday-gifts": "runtime.modules.points.jobs:birthday_gifts_job",
    },
    hooks=("runtime.modules.points.hooks",),
    pricing_steps=("runtime.modules.points.pricing:POINTS",),
    openapi=("runtime.modules.points.api:OPENAPI",),
    tests="tests/points",
)
