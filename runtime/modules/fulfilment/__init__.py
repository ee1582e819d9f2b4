"""The fulfilment module: shipping templates, pickup, local delivery, shipments, uploads."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime import jobs
    from runtime.demo import register_seeder
    from runtime.modules.fulfilment.api import fulfilment_api
    from runtime.modules.fulfilment.demo import seed_demo_fulfilment
    from runtime.modules.fulfilment.jobs import PERIODIC

    app.register_blueprint(fulfilment_api)
    for name, func, every in PERIODIC:
        jobs.register_periodic(name, func, every)
    register_seeder("fulfilment", seed_demo_fulfilment)
