"""Exit 0 when the PostgreSQL and Redis named on the command line answer (used by make)."""

from __future__ import annotations

import sys

import redis
from sqlalchemy import create_engine, text


def main(database_url: str, redis_url: str) -> int:
    try:
        engine = create_engine(database_url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:
        print(f"services not reachable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
