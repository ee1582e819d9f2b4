"""The Redis gate in front of seckill orders, with the database as truth.

Keys (the ``{shop_id}`` hash tag keeps one shop's keys in one Redis Cluster slot, so a
script can touch them together): ``mallkit:{<shop>}:seckill:<activity>:<sku>:stock`` (units
left), ``...:buyers`` (member -> units held, plus the window and limits), the member's
attempt counter, the ticket hashes and the shop's pending tickets.

:func:`admit` is one ``EVALSHA`` of :data:`runtime.redis_scripts.SECKILL_GATE`, which also
checks the member token's cached grant (``mallkit:{<shop>}:member-token:...``): a refusal
costs that call and no SQL. :func:`load` fills a gate from the database (units left; units
held by open and paid orders) only when it is not loaded, so the pre-warm and the rebuild of
a lost key never double-count units in flight.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import TooManyRequests
from runtime.jobs import on_commit
from runtime.modules.members.tokens import GrantCheck
from runtime.modules.seckill.errors import (
    SeckillErrorCode,
    SeckillInvalid,
    SeckillRefused,
)
from runtime.modules.seckill.models import SeckillOrder, SeckillSku
from runtime.redis_scripts import SECKILL_GATE, SECKILL_LOAD, SECKILL_RETURN, SECKILL_SETTLE

RATE_WINDOW_SECONDS = 10
TICKET_TTL = timedelta(days=1)
KEEP_AFTER_END = timedelta(days=1)


def _prefix(shop_id: int) -> str:
    return f"mallkit:{{{shop_id}}}:seckill"


def stock_key(shop_id: int, activity_id: int, sku_id: int) -> str:
    return f"{_prefix(shop_id)}:{activity_id}:{sku_id}:stock"


def buyers_key(shop_id: int, activity_id: int, sku_id: int) -> str:
    return f"{_prefix(shop_id)}:{activity_id}:{sku_id}:buyers"


def attempts_key(shop_id: int, activity_id: int, member_id: int, now: datetime) -> str:
    """The member's attempt counter of the rate window ``now`` falls in (fixed windows of
    ``RATE_WINDOW_SECONDS`` by the app's clock)."""
    window = int(now.timestamp()) // RATE_WINDOW_SECONDS
    return f"{_prefix(shop_id)}:{activity_id}:attempts:{member_id}:{window}"


def ticket_key(shop_id: int, ticket: str) -> str:
    return f"{_prefix(shop_id)}:ticket:{ticket}"


def pending_key(shop_id: int) -> str:
    return f"{_prefix(shop_id)}:pending"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(frozen=True)
class Ticket:
    """An admitted attempt waiting for (or past) its order job."""

    ticket: str
    shop_id: int
    activity_id: int
    sku_id: int
    member_id: int
    qty: int
    status: str = "queued"  # queued | created | failed
    order_id: int | None = None
    reason: str = ""
    created: int = 0
    options: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ticket": self.ticket, "status": self.status, "order_id": self.order_id,
                "reason": self.reason or None, "activity_id": self.activity_id,
                "sku_id": self.sku_id, "qty": self.qty}


def new_ticket() -> str:
    return secrets.token_hex(12)


class GrantNotLive(Exception):
    """The gate could not vouch for the member: their token's grant is not cached as a live
    one of theirs. Nothing was done; authenticate the member the usual way."""


def admit(conn: redis.Redis, ticket: Ticket, *, attempts: int, now: datetime | None = None,
          grant: GrantCheck | None = None) -> int | None:
    """Run the gate for ``ticket``: the units left once admitted, None when the gate is not
    loaded (the caller loads it and asks again), or the refusal raised: 409
    ``seckill_not_started`` / ``seckill_ended`` / ``seckill_user_limit`` /
    ``seckill_sold_out``, 422 ``seckill_order_limit``, 429 ``seckill_too_fast``. With
    ``grant``, the gate first checks the member token's cached grant in the same call
    (:class:`GrantNotLive` when it is not a live one of the ticket's member)."""
    now = now or utcnow()
    s, a, k, m = ticket.shop_id, ticket.activity_id, ticket.sku_id, ticket.member_id
    fields = {"status": "queued", "activity": a, "sku": k, "member": m, "qty": ticket.qty,
              "created": _epoch(now), "options": json.dumps(dict(ticket.options or {}))}
    keys = [stock_key(s, a, k), buyers_key(s, a, k), attempts_key(s, a, m, now),
            ticket_key(s, ticket.ticket), pending_key(s)]
    if grant is not None:
        keys.append(grant.key)
    code, value = SECKILL_GATE(
        conn, keys,
        [m, ticket.qty, repr(now.timestamp()), attempts, RATE_WINDOW_SECONDS, ticket.ticket,
         int(TICKET_TTL.total_seconds()), repr(grant.used_after) if grant else "",
         *[x for kv in fields.items() for x in kv]])
    code, value = int(code), int(value)
    if code == 1:
        return value
    if code == 0:
        return None
    if code == -7:
        raise GrantNotLive
    when = datetime.fromtimestamp(value, UTC).isoformat() if code in (-1, -2) else None
    if code == -1:
        raise SeckillRefused("the seckill has not started yet",
                             code=SeckillErrorCode.NOT_STARTED, extra={"starts_at": when})
    if code == -2:
        raise SeckillRefused("this seckill slot has ended", code=SeckillErrorCode.ENDED,
                             extra={"ends_at": when})
    if code == -3:
        error = TooManyRequests("too many attempts; wait a moment", retry_after=max(value, 1))
        error.code = SeckillErrorCode.RATE_LIMITED
        raise error
    if code == -4:
        raise SeckillInvalid(f"at most {value} per order", code=SeckillErrorCode.ORDER_LIMIT,
                             extra={"errors": [{"pointer": "/qty", "code": "range",
                                                "message": f"at most {value} per order"}]})
    if code == -5:
        raise SeckillRefused(f"the limit per buyer is reached ({value} held)",
                             code=SeckillErrorCode.USER_LIMIT, extra={"held": value})
    raise SeckillRefused("sold out", code=SeckillErrorCode.SOLD_OUT, extra={"left": value})


def read_ticket(conn: redis.Redis, shop_id: int, ticket: str) -> Ticket | None:
    raw = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
           for k, v in conn.hgetall(ticket_key(shop_id, ticket)).items()}
    if not raw:
        return None
    return Ticket(ticket=ticket, shop_id=shop_id, activity_id=int(raw["activity"]),
                  sku_id=int(raw["sku"]), member_id=int(raw["member"]), qty=int(raw["qty"]),
                  status=raw.get("status", "queued"),
                  order_id=int(raw["order_id"]) if raw.get("order_id") else None,
                  reason=raw.get("reason", ""), created=int(raw.get("created", 0)),
                  options=json.loads(raw.get("options") or "{}"))


def settle(conn: redis.Redis, ticket: Ticket, outcome: str, detail: str) -> bool:
    """Mark a queued ticket ``created`` (``detail``: the order id) or ``failed`` (``detail``:
    why; its units go back to the gate) — once; False when it was settled already."""
    s, a, k = ticket.shop_id, ticket.activity_id, ticket.sku_id
    return bool(SECKILL_SETTLE(conn, [stock_key(s, a, k), buyers_key(s, a, k),
                                      ticket_key(s, ticket.ticket), pending_key(s)],
                               [outcome, detail[:200], ticket.member_id, ticket.qty,
                                ticket.ticket]))


def pending_tickets(conn: redis.Redis, shop_id: int, older_than: datetime) -> list[str]:
    found = conn.zrangebyscore(pending_key(shop_id), "-inf", older_than.timestamp())
    return [t.decode() if isinstance(t, bytes) else t for t in found]


def give_back(conn: redis.Redis, shop_id: int, activity_id: int, sku_id: int, units: int,
              member_id: int | None) -> int:
    """Return ``units`` to a loaded gate (-1 when it is not loaded)."""
    return int(SECKILL_RETURN(conn, [stock_key(shop_id, activity_id, sku_id),
                                     buyers_key(shop_id, activity_id, sku_id)],
                              [units, member_id if member_id is not None else ""]))


def held_units(session: Session, seckill_sku_id: int) -> dict[int, int]:
    """Units per member in this activity SKU's orders that are neither closed nor refunded
    (less the units of partial refunds)."""
    return dict(session.execute(
        select(SeckillOrder.member_id,
               func.sum(SeckillOrder.qty - SeckillOrder.released_qty))
        .where(SeckillOrder.seckill_sku_id == seckill_sku_id,
               SeckillOrder.stock_released.is_(False))
        .group_by(SeckillOrder.member_id)).all())


@dataclass(frozen=True)
class Rules:
    """What the gate checks besides stock: the window ``[opens, closes)`` and the limits."""

    opens: datetime | None
    closes: datetime | None
    per_order: int
    per_user: int
    expire_at: datetime

    def args(self) -> list[Any]:
        """The script's window, limits and time to keep the keys (by the app's clock, which
        tests freeze: never an absolute expiry Redis would read by its own clock)."""
        opens = _epoch(self.opens) if self.opens else 0
        closes = _epoch(self.closes) if self.closes else 0
        keep = max(int((self.expire_at - utcnow()).total_seconds()), int(KEEP_AFTER_END
                                                                          .total_seconds()))
        return [opens, closes, self.per_order, self.per_user, keep]


def load(conn: redis.Redis, session: Session, shop_id: int, activity_id: int,
         row: SeckillSku, rules: Rules) -> int:
    """Load the gate of one activity SKU from the database unless it is loaded, and set its
    rules either way: 1 loaded, 0 was loaded already."""
    keys = [stock_key(shop_id, activity_id, row.sku_id), buyers_key(shop_id, activity_id,
                                                                    row.sku_id)]
    if conn.exists(keys[0]):
        return int(SECKILL_LOAD(conn, keys, ["", *rules.args()]))
    held = held_units(session, row.id)
    pairs = [x for member, units in held.items() for x in (member, units)]
    return int(SECKILL_LOAD(conn, keys, [row.stock, *rules.args(), *pairs]))


def set_rules(conn: redis.Redis, shop_id: int, activity_id: int, sku_id: int,
              rules: Rules) -> int:
    """New window and limits for a loaded gate (-1: not loaded, the pre-warm sets them)."""
    return int(SECKILL_LOAD(conn, [stock_key(shop_id, activity_id, sku_id),
                                   buyers_key(shop_id, activity_id, sku_id)],
                            ["", *rules.args()]))


def gate_state(conn: redis.Redis, shop_id: int, activity_id: int, sku_id: int
               ) -> tuple[int | None, int]:
    """(units left in the gate or None when not loaded, buyers holding units)."""
    pipe = conn.pipeline(transaction=False)
    pipe.get(stock_key(shop_id, activity_id, sku_id))
    pipe.hkeys(buyers_key(shop_id, activity_id, sku_id))
    left, names = pipe.execute()
    buyers = sum(1 for n in names if not (n.decode() if isinstance(n, bytes) else n)
                 .startswith("_"))
    return (int(left) if left is not None else None), buyers


def forget(conn: redis.Redis, shop_id: int, activity_id: int, sku_id: int) -> None:
    conn.delete(stock_key(shop_id, activity_id, sku_id), buyers_key(shop_id, activity_id, sku_id))


# --- after-commit effects of database changes ------------------------------------------


def _redis() -> redis.Redis | None:
    from runtime.jobs import app_redis

    return app_redis()


def _after_commit(session: Session, func_: Any, *args: Any) -> None:
    conn = _redis()
    if conn is not None:
        on_commit(session, functools.partial(func_, conn, *args))


def give_back_after_commit(session: Session, shop_id: int, activity_id: int, sku_id: int,
                           units: int, member_id: int) -> None:
    _after_commit(session, give_back, shop_id, activity_id, sku_id, units, member_id)


def adjust_after_commit(session: Session, activity_id: int, sku_id: int, delta: int) -> None:
    from runtime.db import current_shop_id

    shop_id = current_shop_id(session)
    assert shop_id is not None
    _after_commit(session, give_back, shop_id, activity_id, sku_id, delta, None)


def forget_after_commit(session: Session, activity_id: int, sku_id: int) -> None:
    from runtime.db import current_shop_id

    shop_id = current_shop_id(session)
    assert shop_id is not None
    _after_commit(session, forget, shop_id, activity_id, sku_id)


def rules_after_commit(session: Session, view: Any) -> None:
    """An edited activity: its loaded gates take the new window and limits after commit
    (gates not loaded yet get them when the pre-warm loads them)."""
    from runtime.db import current_shop_id
    from runtime.modules.seckill.warming import rules_for

    shop_id = current_shop_id(session)
    assert shop_id is not None
    for row in view.skus:
        _after_commit(session, set_rules, shop_id, view.activity.id, row.sku_id,
                      rules_for(session, view, row))


# a started order job whose worker has not beaten for this long is dead
HEARTBEAT_LOST = timedelta(minutes=2)
