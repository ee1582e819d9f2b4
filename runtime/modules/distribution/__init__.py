"""The distribution module (分销, optional): distributor enrolment and referral binding,
two-level commissions written by one service, settled after the after-sales window, and
withdrawals (rules in ``docs/modules/distribution.md``)."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.distribution.models",
    migrations="migrations",
    api=("runtime.modules.distribution.api:distribution_api",
         "runtime.modules.distribution.rulesets.api:rulesets_api"),
    console="builder.distribution",
    jobs={"distribution-settle-sweeper": "runtime.modules.distribution.jobs:settle_sweeper",
          "distribution-transfer-sweeper":
              "runtime.modules.distribution.transfers:transfer_sweeper",
          "distribution-reconcile": "runtime.modules.distribution.jobs:reconcile_job",
          "distribution-rulesets-sweep": "runtime.modules.distribution.rulesets.jobs:sweep_job",
          "distribution-dividends": "runtime.modules.distribution.rulesets.jobs:dividends_job"},
    hooks=("runtime.modules.distribution.hooks", "runtime.modules.distribution.rulesets.hooks"),
    seeders=("runtime.modules.distribution.demo:seed_demo_distribution",),
    seed_after=("aftersales",),
    openapi=("runtime.modules.distribution.api:OPENAPI",
             "runtime.modules.distribution.rulesets.api:OPENAPI"),
    docs="docs/modules/distribution.md",
    tests="tests/distribution",
)
