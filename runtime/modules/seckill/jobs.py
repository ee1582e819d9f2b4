"""Seckill's jobs: the order job (queue ``critical``, job id = the ticket), the pre-warm
before a slot, and the sweeper (every minute): pre-warm and rebuild lost gate keys from the
database, settle tickets whose job was lost or killed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.extension import state
from runtime.jobs import for_each_shop, job_session
from runtime.modules.seckill import gate, ordering
from runtime.modules.seckill.settings import MODULE_ID
from runtime.modules.seckill.warming import warm_shop
from runtime.modules.switches import is_enabled

# a pending ticket younger than this is left to its job
TICKET_GRACE = timedelta(seconds=30)


def create_order_job(shop_id: int, ticket_id: str) -> str:
    """Create the order of an admitted ticket (``lost`` when Redis lost the ticket: a
    flushed gate is rebuilt from the database, which never saw it)."""
    conn = state().redis
    ticket = gate.read_ticket(conn, shop_id, ticket_id)
    if ticket is None:
        return "lost"
    with job_session(shop_id) as session:
        return ordering.create_order(session, conn, ticket)


def prewarm_job(shop_id: int) -> int:
    """Load the gates of the shop's windows about to open (and any lost key)."""
    with job_session(shop_id) as session:
        if not is_enabled(session, MODULE_ID):
            return 0
        return warm_shop(session, state().redis, shop_id)


def sweep_shop(session: Session) -> dict[str, Any]:
    if not is_enabled(session, MODULE_ID):
        return {}
    shop_id = current_shop_id(session)
    assert shop_id is not None
    conn, now = state().redis, utcnow()
    loaded = warm_shop(session, conn, shop_id, now)
    settled = [ordering.settle_lost(session, conn, shop_id, t, now)
               for t in gate.pending_tickets(conn, shop_id, now - TICKET_GRACE)]
    return {"loaded": loaded, "created": settled.count("created"),
            "failed": settled.count("failed")}


def sweep() -> dict[int, Any]:
    return for_each_shop(sweep_shop, "seckill sweeper")
