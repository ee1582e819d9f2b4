"""Count the Redis round trips an app's requests make: its client's commands (one round trip
each) and pipelines (one round trip each, whatever they hold), from the calling thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def counting_round_trips(app: Any) -> Iterator[list[str]]:
    """The round trips made while inside: a command's name, or ``MULTI`` / ``PIPELINE``."""
    conn = app.extensions["mallkit"].redis
    caller = threading.get_ident()
    found: list[str] = []
    execute_command, pipeline = conn.execute_command, conn.pipeline

    def counted_command(*args: Any, **options: Any) -> Any:
        if threading.get_ident() == caller:
            found.append(str(args[0]))
        return execute_command(*args, **options)

    def counted_pipeline(*args: Any, **options: Any) -> Any:
        pipe = pipeline(*args, **options)
        run = pipe.execute

        def execute(*a: Any, **k: Any) -> Any:
            if threading.get_ident() == caller:
                found.append("MULTI" if pipe.transaction else "PIPELINE")
            return run(*a, **k)

        pipe.execute = execute
        return pipe

    conn.execute_command, conn.pipeline = counted_command, counted_pipeline
    try:
        yield found
    finally:
        del conn.execute_command, conn.pipeline
