"""The orders module: checkout quotes, idempotent submit, the order state machine, timers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime import jobs
    from runtime.modules.orders.api import orders_api
    from runtime.modules.orders.jobs import PERIODIC
    from runtime.modules.orders.pricing import register_builtin_steps

    register_builtin_steps()
    app.register_blueprint(orders_api)
    for name, func, every in PERIODIC:
        jobs.register_periodic(name, func, every, queue=jobs.CRITICAL)
