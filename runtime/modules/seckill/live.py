"""The live board: per activity SKU, what is sold and left in the database and what the
gate holds in Redis. The public view (blocks' progress bars) is cached in Redis for two
seconds per shop, so a rush of page views costs the database one read every two seconds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.seckill import gate
from runtime.modules.seckill.service import load_activities, zone

CACHE_SECONDS = 2


def live_key(shop_id: int) -> str:
    return f"mallkit:{{{shop_id}}}:seckill:live"


def board(session: Session, conn: redis.Redis, shop_id: int,
          now: datetime | None = None) -> list[dict[str, Any]]:
    """Activities running or starting today (and those ended today), each SKU with its
    seckill price, sold and left from the database beside the gate's units left (None when
    not loaded); ``today``: the window named is on the shop's today."""
    now = now or utcnow()
    shop_zone = zone(session)
    today = now.astimezone(shop_zone).date()
    rows = []
    for view in load_activities(session):
        a = view.activity
        if a.ends_on < today - timedelta(days=1) or a.starts_on > today + timedelta(days=1):
            continue
        t = view.timing(shop_zone, now)
        skus = []
        for row in view.skus:
            gate_left, buyers = gate.gate_state(conn, shop_id, a.id, row.sku_id)
            sold = row.total_stock - row.stock
            skus.append({"sku_id": row.sku_id, "product_id": row.product_id,
                         "seckill_price_fen": row.seckill_price_fen,
                         "stock": row.total_stock, "sold": sold, "left": row.stock,
                         "gate_left": gate_left, "gate_buyers": buyers,
                         "percent": sold * 100 // row.total_stock if row.total_stock else 100})
        rows.append({"activity_id": a.id, "title": a.title, "enabled": a.enabled,
                     **t.as_dict(), "today": t.window is not None and t.window.day == today,
                     "skus": skus})
    return rows


def live_board(session: Session, conn: redis.Redis, shop_id: int, *, public: bool) -> dict:
    """The board for the API (``public``: cached, no Redis-vs-database detail; left is what
    the gate still admits when it is loaded) or for the console (fresh, everything)."""
    if public:
        cached = conn.get(live_key(shop_id))
        if cached is not None:
            return json.loads(cached)
    now = utcnow()
    rows = board(session, conn, shop_id, now)
    if not public:
        return {"items": rows, "now": now.isoformat()}
    items = [{**{k: v for k, v in r.items() if k != "skus"}, "skus": [
        {"sku_id": s["sku_id"], "product_id": s["product_id"],
         "seckill_price_fen": s["seckill_price_fen"], "stock": s["stock"],
         "sold": s["sold"], "percent": s["percent"],
         "left": min(s["left"], s["gate_left"]) if s["gate_left"] is not None else s["left"]}
        for s in r["skus"]]} for r in rows if r["enabled"]]
    body = {"items": items, "now": now.isoformat()}
    conn.set(live_key(shop_id), json.dumps(body, ensure_ascii=False), ex=CACHE_SECONDS)
    return body
