"""The wallet module (core): stored value with bonus tiers, balance payments, payouts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.modules.wallet import jobs
    from runtime.modules.wallet.api import wallet_api

    app.register_blueprint(wallet_api)
    jobs.register()
