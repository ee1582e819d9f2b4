"""The test module's hooks: each call is recorded in ``CALLS`` as (hook, shop id, order id)."""

from __future__ import annotations

from typing import Any

from runtime.db import current_shop_id
from runtime.media.service import Reference
from runtime.modules.hookspecs import OverviewFigure, hookimpl

CALLS: list[tuple[str, int | None, Any]] = []
#: Asset ids the test module says it shows (the media library then refuses to delete them).
USED_ASSETS: set[int] = set()


@hookimpl
def order_created(session, order, lines, submission) -> None:
    CALLS.append(("order_created", current_shop_id(session), order.id))


@hookimpl
def order_paid(session, order) -> None:
    CALLS.append(("order_paid", current_shop_id(session), order.id))


def seed_notes(session, shop) -> None:
    CALLS.append(("seed", shop.id, None))


def media_references(session, asset_ids: list[int]) -> dict[int, list[Reference]]:
    return {i: [Reference("testmod", "badge", "测试徽章")] for i in asset_ids if i in USED_ASSETS}


@hookimpl
def overview_figures(session) -> list[OverviewFigure]:
    """A count on the console overview, as an after-sales module would add its requests."""
    return [OverviewFigure("testmod_pending", {"zh-CN": "插件待办", "en": "Plug-in to-dos"},
                           len([c for c in CALLS if c[1] == current_shop_id(session)]),
                           "marketing", "testmod_console.overview", position=40)]
