"""The fulfilment module: shipping templates, pickup, local delivery, shipments, uploads."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.fulfilment.models",
    migrations="migrations",
    api=("runtime.modules.fulfilment.api:fulfilment_api",),
    jobs={"fulfilment-shipping-uploads": "runtime.modules.fulfilment.jobs:sweep_shipping_uploads"},
    hooks=("runtime.modules.fulfilment.hooks",),
    pricing_steps=("runtime.modules.fulfilment.pricing:SHIPPING",),
    seeders=("runtime.modules.fulfilment.demo:seed_demo_fulfilment",),
    tests="tests/fulfilment",
)
