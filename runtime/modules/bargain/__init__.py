"""The bargain module (砍价): activities, launches cut by friends towards a floor price,
expiry by job and sweeper, the launch bought through checkout; block, API, H5 pages,
console and demo."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.bargain.models",
    migrations="migrations",
    api=("runtime.modules.bargain.api:bargain_api", "runtime.modules.bargain.api:bargain_pages"),
    console="builder.bargain",
    blocks="blocks",
    jobs={"bargain-sweeper": "runtime.modules.bargain.jobs:sweep"},
    hooks=("runtime.modules.bargain.hooks",),
    pricing_steps=("runtime.modules.bargain.pricing:BARGAIN",),
    seeders=("runtime.modules.bargain.demo:seed_demo",),
    openapi=("runtime.modules.bargain.api:OPENAPI",),
    docs="docs/modules/bargain.md",
    tests="tests/bargain",
)
