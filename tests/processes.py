"""Find the background processes a test run left behind: embedded ``redis-server``s and
``mallkit worker``s tied to a directory (their working directory, an argument or their
``MALLKIT_DATA_DIR`` lies under it)."""

from __future__ import annotations

import contextlib
import re
import selectors
import subprocess
import time
from pathlib import Path

import psutil
import pytest


def _is_ours(args: list[str]) -> str | None:
    if args and Path(args[0].split(" ")[0]).name == "redis-server":
        return "redis-server"
    if "worker" in args and any(a in {"runtime.cli", "mallkit"} or a.endswith("/mallkit")
                                for a in args):
        return "mallkit worker"
    return None


def _under(path: str, root: Path) -> bool:
    return bool(path) and (path == str(root) or path.startswith(f"{root}/"))


def leftover_processes(root: Path) -> list[psutil.Process]:
    """Live redis-server and mallkit worker processes tied to ``root``."""
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd", "environ", "status"]):
        info = proc.info
        args = info["cmdline"] or []
        if info["status"] == psutil.STATUS_ZOMBIE or _is_ours(args) is None:
            continue
        text = " ".join(args)
        data_dir = (info["environ"] or {}).get("MALLKIT_DATA_DIR", "")
        if (_under(info["cwd"] or "", root) or _under(data_dir, root)
                or str(root) in text):
            found.append(proc)
    return found


def describe(procs: list[psutil.Process]) -> str:
    return "; ".join(f"pid {p.pid} in {p.info['cwd']}: {' '.join(p.info['cmdline'] or [])}"
                     for p in procs)


def read_until(proc: subprocess.Popen[str], *patterns: str, timeout: float) -> str:
    """Read ``proc``'s output until every regex has matched; fail at ``timeout`` seconds or
    when the process ends first."""
    seen, deadline = "", time.monotonic() + timeout
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    while not all(re.search(p, seen) for p in patterns):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or proc.poll() is not None:
            pytest.fail(f"did not see {patterns} in time; output so far:\n{seen}")
        if selector.select(remaining):
            seen += proc.stdout.readline()
    return seen


def wait_while_running(proc: subprocess.Popen[str], condition, timeout: float) -> None:
    """Wait for ``condition()`` to hold while ``proc`` works (checked each time ``proc``
    has not ended within 50 ms); fail at ``timeout`` or when ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the condition did not hold in time")
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"the process ended first (exit {proc.returncode})")


def kill_with_children(proc: subprocess.Popen[str]) -> None:
    """SIGKILL ``proc`` and every process it started, as a crash or the OOM killer would.
    Killing its process group is not enough for an RQ worker: its work horse calls
    ``setsid`` and lives in a session of its own."""
    children = psutil.Process(proc.pid).children(recursive=True)
    for process in [*children, psutil.Process(proc.pid)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(children, timeout=10)
    proc.wait()
