"""The points module (core): the points ledger, earning, deduction, expiry, reversal."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.modules.points import jobs
    from runtime.modules.points.api import points_api

    app.register_blueprint(points_api)
    jobs.register()
