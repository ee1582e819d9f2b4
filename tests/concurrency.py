"""Run the same unit of work in many threads at once, each with its own shop-scoped session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from runtime.db import use_shop


def run_in_threads(app: Flask, shop_id: int, work: Callable[[Session, int], Any], n: int,
                   timeout: float = 120) -> list[Any]:
    """Start ``n`` threads that pass a barrier together and run ``work(session, i)``; each
    commits on success or rolls back. Returns each thread's result or the exception it raised."""
    factory = app.extensions["mallkit"].session_factory
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def run(i: int) -> None:
        session = factory()
        use_shop(session, shop_id)
        try:
            barrier.wait()
            outcomes[i] = work(session, i)
            session.commit()
        except Exception as exc:
            session.rollback()
            outcomes[i] = exc
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes
