"""Every Redis Lua script of mallkit, in one place: a module constant per script, its header
naming its KEYS and ARGV and what it returns.

A :class:`LuaScript` is hashed once at import and run with ``EVALSHA`` (one round trip),
loading itself with ``EVAL`` on the first call on a server that does not know it yet (a new
or flushed Redis), on any connection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import redis


@dataclass(frozen=True)
class LuaScript:
    name: str
    source: str
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest())

    def __call__(self, conn: redis.Redis, keys: Sequence[Any] = (),
                 args: Sequence[Any] = ()) -> Any:
        try:
            return conn.execute_command("EVALSHA", self.sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            return conn.execute_command("EVAL", self.source, len(keys), *keys, *args)


COUNT_IN_WINDOW = LuaScript("count_in_window", """
-- Count one event in a fixed window (login failures, sign-ups, login-code requests).
-- KEYS[1]: the counter key.  ARGV[1]: the window in seconds.
-- Returns {count, ttl_seconds}; the window starts at the first event (or a lost TTL).
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
""")

COUNT_ACCOUNT_FAILURE = LuaScript("count_account_failure", """
-- Count one failed login of an account from anywhere and remember when it happened.
-- KEYS[1]: the account hash (fields n, last).  ARGV[1]: the window in seconds.
-- ARGV[2]: now (epoch seconds).  Returns the count; the window starts at the first failure.
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[2])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
""")

PAGE_OUTPUT_LOOKUP = LuaScript("page_output_lookup", """
-- A cached page output, served only while its stamp is the shop's current one.
-- KEYS[1]: the shop's versions hash.  KEYS[2]: the output entry ("stamp\\netag\\nbody").
-- Returns {1, entry} when the entry's stamp is current, else {0, current stamp or ""}; the
-- stamp is the hash's fields sorted, "name=value" joined by ";" (pages.cache.stamp_of).
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {0, ''} end
local names = {}
local values = {}
for i = 1, #flat, 2 do names[#names + 1] = flat[i]; values[flat[i]] = flat[i + 1] end
table.sort(names)
local parts = {}
for _, name in ipairs(names) do parts[#parts + 1] = name .. '=' .. values[name] end
local stamp = table.concat(parts, ';')
local entry = redis.call('GET', KEYS[2])
if entry and string.sub(entry, 1, #stamp + 1) == stamp .. '\\n' then return {1, entry} end
return {0, stamp}
""")

SET_UNLESS_REVOKED = LuaScript("set_unless_revoked", """
-- Cache a member token's grant unless the token was revoked meanwhile (a tombstone).
-- KEYS[1]: the grant key.  ARGV[1]: the grant.  ARGV[2]: the tombstone value.
-- ARGV[3]: seconds to keep it.  Returns 1 when stored, 0 when the token is revoked.
if redis.call('GET', KEYS[1]) == ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
""")

SECKILL_GATE = LuaScript("seckill_gate", """
-- The seckill gate: admit one order attempt or refuse it, atomically, in one call.
-- KEYS[1]: the activity SKU's stock (units left).  KEYS[2]: its buyers hash (member -> units
-- held; fields _open/_close: the slot window in epoch seconds, _per_order/_per_user: limits).
-- KEYS[3]: the member's attempt counter of the current rate window (the window's number is
-- in the key, so the app's clock, not Redis's, decides when it starts).  KEYS[4]: the ticket
-- hash.  KEYS[5]: the shop's pending tickets (sorted set, score = epoch seconds).
-- KEYS[6], optional: the cached grant of the member token sent (members.tokens.grant_key:
-- JSON [token id, member id, expires, last used] or 'revoked'), checked first.
-- ARGV[1]: member id.  ARGV[2]: units.  ARGV[3]: now (epoch seconds).  ARGV[4]: attempts
-- allowed per window.  ARGV[5]: that window (seconds).  ARGV[6]: the ticket id.
-- ARGV[7]: seconds to keep the ticket.  ARGV[8]: with KEYS[6], the grant's last use must be
-- after this (epoch seconds; an older one is due a touch).  ARGV[9..]: ticket fields (name,
-- value pairs).
-- Returns {code, value}: 1 admitted (units left), 0 not loaded, -1 not started (_open),
-- -2 ended (_close), -3 too many attempts (seconds to wait), -4 over the per-order limit
-- (the limit), -5 over the per-user limit (units held), -6 sold out (units left), -7 the
-- grant is not a live one of ARGV[1] (not cached, revoked, expired, another member's, due a
-- touch): nothing was done, the caller authenticates the member the usual way.
local now = tonumber(ARGV[3])
if KEYS[6] then
  local raw = redis.call('GET', KEYS[6])
  local grant = raw and raw ~= 'revoked' and cjson.decode(raw)
  local expires = grant and tonumber(grant[3])
  local used = grant and tonumber(grant[4])
  if not grant or tonumber(grant[2]) ~= tonumber(ARGV[1]) or not expires or expires <= now
      or not used or used <= tonumber(ARGV[8]) then
    return {-7, 0}
  end
end
local stock = redis.call('GET', KEYS[1])
if not stock then return {0, 0} end
local rules = redis.call('HMGET', KEYS[2], '_open', '_close', '_per_order', '_per_user')
local open, close = tonumber(rules[1]), tonumber(rules[2])
if not open or not close then return {0, 0} end
if close <= open or now >= close then return {-2, close} end
if now < open then return {-1, open} end
local window = tonumber(ARGV[5])
local n = redis.call('INCR', KEYS[3])
if n == 1 then redis.call('EXPIRE', KEYS[3], 2 * window) end
if n > tonumber(ARGV[4]) then return {-3, math.ceil(window - now % window)} end
local qty = tonumber(ARGV[2])
if qty > tonumber(rules[3]) then return {-4, tonumber(rules[3])} end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held + qty > tonumber(rules[4]) then return {-5, held} end
if tonumber(stock) < qty then return {-6, tonumber(stock)} end
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
local left = redis.call('DECRBY', KEYS[1], qty)
redis.call('HSET', KEYS[4], unpack(ARGV, 9))
redis.call('EXPIRE', KEYS[4], ARGV[7])
redis.call('ZADD', KEYS[5], now, ARGV[6])
return {1, left}
""")

SECKILL_SETTLE = LuaScript("seckill_settle", """
-- Settle a queued seckill ticket once: created (the order exists) or failed (its units go
-- back to the gate, when the gate is still loaded).
-- KEYS[1]: stock.  KEYS[2]: buyers.  KEYS[3]: the ticket hash.  KEYS[4]: pending tickets.
-- ARGV[1]: 'created' or 'failed'.  ARGV[2]: the order id or the reason.  ARGV[3]: member id.
-- ARGV[4]: units.  ARGV[5]: the ticket id.
-- Returns 1 when it settled the ticket, 0 when it was settled already (or is unknown).
if redis.call('HGET', KEYS[3], 'status') ~= 'queued' then
  redis.call('ZREM', KEYS[4], ARGV[5])
  return 0
end
redis.call('ZREM', KEYS[4], ARGV[5])
if ARGV[1] == 'created' then
  redis.call('HSET', KEYS[3], 'status', 'created', 'order_id', ARGV[2])
  return 1
end
redis.call('HSET', KEYS[3], 'status', 'failed', 'reason', ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBY', KEYS[1], ARGV[4])
  if redis.call('HINCRBY', KEYS[2], ARGV[3], -tonumber(ARGV[4])) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[3])
  end
end
return 1
""")

SECKILL_RETURN = LuaScript("seckill_return", """
-- Give units back to a loaded seckill gate (an order closed or refunded, or the merchant
-- changed the activity stock); a gate that is not loaded is rebuilt from the database later.
-- KEYS[1]: stock.  KEYS[2]: buyers.  ARGV[1]: units (negative takes away).
-- ARGV[2]: the member whose held units drop by as much ('' for none).
-- Returns the units left, or -1 when the gate is not loaded.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local left = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('HINCRBY', KEYS[2], ARGV[2], -tonumber(ARGV[1])) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return left
""")

SECKILL_LOAD = LuaScript("seckill_load", """
-- Load a seckill gate from the database's truth unless it is loaded, and set its window
-- and limits either way (pre-warm, rebuild after a lost key, an edited activity).
-- KEYS[1]: stock.  KEYS[2]: buyers.  ARGV[1]: units left ('' = only update the rules of
-- a loaded gate).  ARGV[2]: window open, ARGV[3]: window close (epoch seconds).
-- ARGV[4]: per-order limit.  ARGV[5]: per-user limit.  ARGV[6]: seconds to keep the keys.
-- ARGV[7..]: member, units held (pairs).  Returns 1 when it loaded, 0 when already loaded,
-- -1 when there was nothing to update.
local loaded = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[1] == '' then return -1 end
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1])
  for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  loaded = 1
end
redis.call('HSET', KEYS[2], '_open', ARGV[2], '_close', ARGV[3], '_per_order', ARGV[4],
           '_per_user', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return loaded
""")

SCRIPTS = (COUNT_IN_WINDOW, COUNT_ACCOUNT_FAILURE, PAGE_OUTPUT_LOOKUP, SET_UNLESS_REVOKED,
           SECKILL_GATE, SECKILL_SETTLE, SECKILL_RETURN, SECKILL_LOAD)
