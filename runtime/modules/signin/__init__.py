"""The sign-in module (optional, 签到有礼): the model every optional module follows —
``module.json`` (settings schema, block, jobs), service, API, block, console, docs."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.signin.models",
    migrations="migrations",
    api=("runtime.modules.signin.api:signin_api",),
    console="builder.signin",
    blocks="blocks",
    jobs={"signin-reminders": "runtime.modules.signin.jobs:reminders_job"},
    seeders=("runtime.modules.signin.demo:seed_demo_signin",),
    openapi=("runtime.modules.signin.api:OPENAPI",),
    docs="docs/modules/signin.md",
    tests="tests/signin",
)
