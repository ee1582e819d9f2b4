"""The cart module: member and guest carts (see ``service`` and the ``CartInfo`` bundle)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.modules.cart.api import cart_api

    app.register_blueprint(cart_api)
