"""Helpers of the promotions tests: the console's JSON calls, activity windows on the
test clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from runtime.clock import utcnow


def window(start_hours: float = -1, end_hours: float = 24,
           now: datetime | None = None) -> dict[str, str]:
    now = now or utcnow()
    return {"starts_at": (now + timedelta(hours=start_hours)).isoformat(),
            "ends_at": (now + timedelta(hours=end_hours)).isoformat()}


class Console:
    """A merchant of ``shop`` logged in to the console, sending JSON."""

    def __init__(self, client: Any, factory: Any, shop: Any) -> None:
        self.client = client
        self.base = f"/console/shops/{shop.slug}/promotions"
        self.token = factory.console_login(client, factory.merchant(shop))

    def call(self, method: str, path: str, json: Any = None, expect: int | None = 200) -> Any:
        response = self.client.open(self.base + path, method=method, json=json,
                                    headers={"X-CSRF-Token": self.token,
                                             "Accept": "application/json"})
        if expect is not None:
            assert response.status_code == expect, (response.status_code,
                                                    response.get_data(as_text=True))
        return response

    def discount(self, items: list[dict[str, Any]], expect: int = 201, **fields: Any) -> Any:
        body = {"name": "限时特惠", **window(), "items": items, **fields}
        return self.call("POST", "/discounts", body, expect).json

    def reduction(self, tiers: list[dict[str, Any]], expect: int = 201, **fields: Any) -> Any:
        body = {"name": "满减", **window(), "tiers": tiers, **fields}
        return self.call("POST", "/full-reductions", body, expect).json
