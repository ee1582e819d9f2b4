"""The Redis Lua scripts: one constant each, a header naming KEYS/ARGV, loaded on demand."""

from __future__ import annotations

import re

import pytest
import redis

from runtime import redis_scripts
from runtime.redis_scripts import COUNT_IN_WINDOW, SCRIPTS, LuaScript


def test_every_script_is_listed_once_and_names_its_keys_and_argv() -> None:
    constants = [v for v in vars(redis_scripts).values() if isinstance(v, LuaScript)]
    assert sorted(s.name for s in constants) == sorted(s.name for s in SCRIPTS)
    assert len({s.sha for s in SCRIPTS}) == len(SCRIPTS)
    for script in SCRIPTS:
        header = [line for line in script.source.strip().splitlines() if line.startswith("--")]
        used = set(re.findall(r"\b(KEYS|ARGV)\[", script.source.split("\n", len(header) + 1)[-1]))
        for kind in used:
            assert any(f"{kind}[" in line for line in header), (script.name, kind)
        assert any("Returns" in line for line in header), script.name


def test_sha_is_what_redis_computes(redis_conn: redis.Redis) -> None:
    for script in SCRIPTS:
        assert redis_conn.script_load(script.source) == script.sha


def test_count_in_window_loads_itself_counts_and_keeps_the_first_ttl(
        redis_conn: redis.Redis) -> None:
    redis_conn.script_flush()
    assert not redis_conn.script_exists(COUNT_IN_WINDOW.sha)[0]
    assert COUNT_IN_WINDOW(redis_conn, ["t:counter"], [60]) == [1, 60]
    assert redis_conn.script_exists(COUNT_IN_WINDOW.sha)[0]
    redis_conn.expire("t:counter", 30)
    assert COUNT_IN_WINDOW(redis_conn, ["t:counter"], [60]) == [2, 30]
    redis_conn.persist("t:counter")  # a lost TTL starts a new window
    assert COUNT_IN_WINDOW(redis_conn, ["t:counter"], [60]) == [3, 60]
    assert redis_conn.ttl("t:counter") == 60


def test_a_broken_script_raises_redis_errors(redis_conn: redis.Redis) -> None:
    with pytest.raises(redis.ResponseError):
        LuaScript("broken", "return redis.call('NOPE')")(redis_conn)


def test_set_unless_revoked_never_overwrites_a_tombstone(redis_conn: redis.Redis) -> None:
    from runtime.redis_scripts import SET_UNLESS_REVOKED

    assert SET_UNLESS_REVOKED(redis_conn, ["t:grant"], ["grant-1", "revoked", 60]) == 1
    assert SET_UNLESS_REVOKED(redis_conn, ["t:grant"], ["grant-2", "revoked", 60]) == 1
    assert redis_conn.get("t:grant") in (b"grant-2", "grant-2")
    redis_conn.set("t:grant", "revoked", ex=120)
    assert SET_UNLESS_REVOKED(redis_conn, ["t:grant"], ["grant-3", "revoked", 60]) == 0
    assert redis_conn.get("t:grant") in (b"revoked", "revoked")
    assert 60 < redis_conn.ttl("t:grant") <= 120
