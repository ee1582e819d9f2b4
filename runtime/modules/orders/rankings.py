"""What sells: best sellers over a period (the product-ranking block) and the latest purchases
shown to other shoppers (the recent-purchases ticker), both from paid orders only.

The ticker never shows who bought beyond the first character of a nickname, nor amounts or
addresses; its list is cached in Redis for a minute per shop, so a busy page asks the
database once a minute at most.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

import redis
from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.modules.orders.models import Order, OrderLine, OrderStatus

PERIODS = {"day": 1, "week": 7, "month": 30, "all": None}
RECENT_DAYS = 7
RECENT_LIMIT = 20
RECENT_TTL_SECONDS = 60


def best_sellers(session: Session, period: str, limit: int) -> list[tuple[int, int]]:
    """(product id, pieces sold) in paid orders of the last ``period`` (day, week, month, all),
    most sold first; closed (refunded-before-shipping) orders do not count."""
    query = (select(OrderLine.product_id, func.sum(OrderLine.qty).label("sold"))
             .join(Order, Order.id == OrderLine.order_id)
             .where(Order.paid_at.is_not(None), Order.status != OrderStatus.CLOSED)
             .group_by(OrderLine.product_id)
             .order_by(desc("sold"), OrderLine.product_id).limit(limit))
    days = PERIODS[period]
    if days is not None:
        query = query.where(Order.paid_at >= utcnow() - timedelta(days=days))
    return [(pid, int(sold)) for pid, sold in session.execute(query)]


def anonymised(nickname: str | None) -> str:
    """``张三丰`` -> ``张**``; no nickname -> ``微信用户``."""
    name = (nickname or "").strip()
    return f"{name[0]}**" if name else "微信用户"


def _recent_from_db(session: Session) -> list[dict[str, Any]]:
    from runtime.modules.members.service import nicknames

    now = utcnow()
    orders = list(session.execute(
        select(Order.id, Order.member_id, Order.paid_at)
        .where(Order.paid_at.is_not(None), Order.paid_at >= now - timedelta(days=RECENT_DAYS),
               Order.status != OrderStatus.CLOSED)
        .order_by(Order.paid_at.desc(), Order.id.desc()).limit(RECENT_LIMIT)))
    if not orders:
        return []
    lines: dict[int, Any] = {}
    for row in session.execute(select(OrderLine.order_id, OrderLine.product_id, OrderLine.title)
                               .where(OrderLine.order_id.in_([o.id for o in orders]))
                               .order_by(OrderLine.order_id, OrderLine.id)):
        lines.setdefault(row.order_id, row)  # the order's first line
    names = nicknames(session, {o.member_id for o in orders})
    return [{"buyer": anonymised(names.get(o.member_id)), "product": lines[o.id].title,
             "product_id": lines[o.id].product_id, "paid_at": o.paid_at.isoformat()}
            for o in orders if o.id in lines]


def recent_purchases(session: Session, conn: redis.Redis | None) -> list[dict[str, Any]]:
    """The latest paid orders of the week (up to 20), anonymised: buyer, product, when;
    cached a minute per shop."""
    key = f"mallkit:{current_shop_id(session)}:orders:recent-purchases"
    if conn is not None:
        try:
            cached = conn.get(key)
            if cached is not None:
                return json.loads(cached)
        except redis.RedisError:
            conn = None
    items = _recent_from_db(session)
    if conn is not None:
        with contextlib.suppress(redis.RedisError):
            conn.set(key, json.dumps(items, ensure_ascii=False), ex=RECENT_TTL_SECONDS)
    return items
