"""Loading the gate from database truth: the pre-warm before each slot and the rebuild of
keys lost with a Redis restart are one operation (:func:`warm_shop`), since a gate is only
ever loaded when it is missing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.jobs import enqueue, job_id
from runtime.modules.seckill import gate
from runtime.modules.seckill.models import SeckillSku
from runtime.modules.seckill.service import ActivityView, load_activities
from runtime.modules.seckill.settings import seckill_settings
from runtime.shoptime import local_midnight, shop_zone


def rules_for(session: Session, view: ActivityView, row: SeckillSku,
              now: datetime | None = None) -> gate.Rules:
    """The gate's window (the running or next window; none once ended or switched off) and
    limits for one activity SKU."""
    zone = shop_zone(session)
    t = view.timing(zone, now)
    window = t.window if t.state in ("running", "not_started") else None
    expire = local_midnight(zone, view.activity.ends_on) + timedelta(days=2)
    return gate.Rules(window.starts_at if window else None, window.ends_at if window else None,
                      row.per_order_limit, row.per_user_limit, expire)


def warm_activity(session: Session, conn: redis.Redis, shop_id: int, view: ActivityView,
                  now: datetime | None = None) -> int:
    """Load every SKU gate of the activity that is missing; returns how many it loaded."""
    return sum(gate.load(conn, session, shop_id, view.activity.id, row,
                         rules_for(session, view, row, now)) == 1 for row in view.skus)


def warm_shop(session: Session, conn: redis.Redis, shop_id: int,
              now: datetime | None = None) -> int:
    """Pre-warm the gates of windows opening within ``prewarm_minutes``, rebuild the lost
    keys of running ones and set every loaded gate's window; schedule the pre-warm job of
    each later window. Returns the gates loaded."""
    now = now or utcnow()
    lead = timedelta(minutes=seckill_settings(session).prewarm_minutes)
    zone = shop_zone(session)
    loaded = 0
    for view in load_activities(session):
        if view.activity.ends_on < (now - timedelta(days=1)).astimezone(zone).date():
            continue
        t = view.timing(zone, now)
        if t.state == "running" or (t.state == "not_started" and t.window is not None
                                    and t.window.starts_at - lead <= now):
            loaded += warm_activity(session, conn, shop_id, view, now)
        else:
            for row in view.skus:
                gate.set_rules(conn, shop_id, view.activity.id, row.sku_id,
                               rules_for(session, view, row, now))
        if t.state == "not_started" and t.window is not None \
                and t.window.starts_at - lead > now:
            schedule_prewarm(conn, shop_id, view.activity.id, t.window.starts_at - lead)
    return loaded


def schedule_prewarm(conn: redis.Redis, shop_id: int, activity_id: int, at: datetime) -> Any:
    from runtime.modules.seckill.jobs import prewarm_job

    return enqueue(conn, prewarm_job, shop_id, queue="critical", at=at,
                   jid=job_id("seckill-prewarm", shop_id, activity_id, int(at.timestamp())))
