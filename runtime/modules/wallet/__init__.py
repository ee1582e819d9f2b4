"""The wallet module (core): stored value with bonus tiers, balance payments, payouts."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.wallet.models",
    migrations="migrations",
    api=("runtime.modules.wallet.api:wallet_api",),
    jobs={
        "wallet-reconcile": "runtime.modules.wallet.jobs:reconcile_job",
        "wallet-payouts": "runtime.modules.wallet.jobs:payouts_job",
        "wallet-close-stale-topups": "runtime.modules.wallet.jobs:stale_topups_job",
    },
    hooks=("runtime.modules.wallet.hooks",),
    pricing_steps=("runtime.modules.wallet.pricing:BALANCE",),
    openapi=("runtime.modules.wallet.api:OPENAPI",),
    tests="tests/wallet",
)
