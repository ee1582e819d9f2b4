"""Periodic work of the points module: expiry, and notices ahead of it."""

from __future__ import annotations

from typing import Any

from runtime.jobs import for_each_shop
from runtime.modules.points.expiry import expire_due, notify_expiring


def expire_job() -> dict[int, Any]:
    return for_each_shop(lambda s: expire_due(s), "points expiry")


def notices_job() -> dict[int, Any]:
    return for_each_shop(lambda s: notify_expiring(s), "points expiry notices")
