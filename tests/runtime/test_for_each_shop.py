"""for_each_shop: one transaction per shop, a failing shop skipped and logged (no app: the
job session is replaced by a recorder)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from runtime import jobs


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int | None, str]]:
    """Each session as (shop id, how it ended): committed or rolled back."""
    log: list[tuple[int | None, str]] = []

    @contextmanager
    def fake_job_session(shop_id: int | None = None) -> Iterator[Any]:
        try:
            yield SimpleNamespace(info={"shop_id": shop_id})
        except Exception:
            log.append((shop_id, "rolled back"))
            raise
        log.append((shop_id, "committed"))

    monkeypatch.setattr(jobs, "job_session", fake_job_session)
    return log


def test_each_shop_in_its_own_transaction_and_failures_are_isolated(
        opened: list[tuple[int | None, str]], caplog: pytest.LogCaptureFixture) -> None:
    def work(session: Any) -> int:
        if session.info["shop_id"] == 2:
            raise RuntimeError("boom")
        return session.info["shop_id"] * 10

    with caplog.at_level(logging.ERROR, logger="runtime.jobs"):
        results = jobs.for_each_shop(work, "test sweep", [1, 2, 3])
    assert results == {1: 10, 3: 30}
    assert opened == [(1, "committed"), (2, "rolled back"), (3, "committed")]
    assert "test sweep failed for shop 2" in caplog.text


def test_default_is_every_active_shop(opened: list[tuple[int | None, str]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "active_shop_ids", lambda: [7, 9])
    assert jobs.for_each_shop(lambda s: s.info["shop_id"], "sweep") == {7: 7, 9: 9}
    assert jobs.for_each_shop(lambda s: 1, "sweep", []) == {}
    assert opened == [(7, "committed"), (9, "committed")]
