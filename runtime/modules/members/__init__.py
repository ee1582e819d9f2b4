"""The members module (core): login, profiles, levels and growth, tags, cards, exports."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.members.models",
    migrations="migrations",
    api=("runtime.modules.members.api:members_api",),
    console="builder.members",
    jobs={
        "members-recompute-segments": "runtime.modules.members.jobs:recompute_segments_job",
        "members-card-expiry": "runtime.modules.members.jobs:expire_cards_job",
        "members-import-sweeper": "runtime.modules.members.jobs:sweep_member_imports",
    },
    hooks=("runtime.modules.members.hooks",),
    pricing_steps=("runtime.modules.members.pricing:MEMBER_LEVEL",),
    seeders=("runtime.modules.members.demo:seed_demo_members",),
    cli=("runtime.modules.members.cli:members_group",),
    openapi=("runtime.modules.members.serializers:OPENAPI",
             "runtime.modules.members.auth:OPENAPI"),
    docs="docs/modules/members.md",
    tests="tests/members",
)
