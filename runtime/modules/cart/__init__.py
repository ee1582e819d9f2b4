"""The cart module: member and guest carts (see ``service`` and the ``CartInfo`` bundle)."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.cart.models",
    api=("runtime.modules.cart.api:cart_api",),
    openapi=("runtime.modules.cart.api:OPENAPI",),
    tests="tests/cart",
)
