"""The test module's API: ``GET /api/v1/shops/<shop>/testmod/ping``."""

from __future__ import annotations

from flask import jsonify

from runtime.api import shop_api_blueprint
from runtime.tenancy import current_shop

testmod_api = shop_api_blueprint("testmod_api", __name__)


@testmod_api.get("/testmod/ping")
def ping():
    """Answers while the module is on for the shop."""
    return jsonify({"module": "testmod", "shop": current_shop().slug})
