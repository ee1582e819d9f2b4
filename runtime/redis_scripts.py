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

SCRIPTS = (COUNT_IN_WINDOW, COUNT_ACCOUNT_FAILURE, PAGE_OUTPUT_LOOKUP, SET_UNLESS_REVOKED)
