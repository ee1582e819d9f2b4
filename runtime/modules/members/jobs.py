"""Periodic work of the members module, one transaction per shop: segments (rule tags and
lifecycle stages), expiry of paid cards, and the member export (birthday gift points are the
points module's job)."""

from __future__ import annotations

import logging
from typing import Any

from runtime.jobs import for_each_shop, job_session
from runtime.modules.members.cards import expire_cards
from runtime.modules.members.tags import recompute_segments

log = logging.getLogger(__name__)


def recompute_segments_job() -> dict[int, Any]:
    return for_each_shop(lambda s: recompute_segments(s), "members segments")


def expire_cards_job() -> dict[int, Any]:
    return for_each_shop(lambda s: expire_cards(s), "members card expiry")


def run_export(shop_id: int, export_id: int) -> str:
    from runtime.extension import state
    from runtime.modules.members.export import mark_failed, write_export

    try:
        with job_session(shop_id) as session:
            return write_export(session, export_id, state().settings.data_dir)
    except Exception as exc:
        with job_session(shop_id) as session:
            mark_failed(session, export_id, f"{type(exc).__name__}: {exc}")
        raise
