"""Run the app under gunicorn (``deploy/gunicorn.conf.py``, ``bench.served:app``) for a benchmark
and drive it from another process (``bench/loadgen.py``).

Workers are not recycled during a run (``--max-requests 0``): a worker restart in the middle
of a timed phase would measure app start-up, not requests.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def worker_cpu_seconds(self) -> float:
        """User + system CPU of the workers so far (the master only supervises)."""
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / CLOCK_TICKS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(settings: Any) -> dict[str, str]:
    """``MALLKIT_*`` variables that make ``runtime.wsgi`` build the app ``settings`` describe."""
    return {"MALLKIT_DATA_DIR": str(settings.data_dir),
            "MALLKIT_DATABASE_URL": settings.database_url,
            "MALLKIT_REDIS_URL": settings.redis_url,
            "MALLKIT_SECRET_KEY": settings.secret_key,
            "MALLKIT_EMBEDDED_WORKER": "0",
            "MALLKIT_ALLOW_PRIVILEGED_DATABASE_ROLE": "1"}


@contextmanager
def gunicorn(workers: int, env: dict[str, str]) -> Iterator[Server]:
    """gunicorn with ``workers`` workers on a free port; yields once every worker answers."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c",
               str(ROOT / "deploy" / "gunicorn.conf.py"), "--max-requests", "0",
               "bench.served:app"]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env, "GUNICORN_WORKERS": str(workers),
                                "GUNICORN_BIND": f"127.0.0.1:{port}",
                                "GUNICORN_LOG_LEVEL": "warning"})
    server = Server(port, process)
    try:
        deadline = time.monotonic() + 120
        while not _answers(port) or len(server.worker_pids()) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        load(port, [[{"path": "/bench/bare"}] * 200 for _ in range(workers * 4)])  # every worker
        yield server
    finally:
        process.terminate()
        process.wait(60)


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/bench/bare")
        return conn.getresponse().status == 200
    except OSError:
        return False


def load(port: int, clients: list[list[dict[str, Any]]], keep_bodies: bool = False
         ) -> dict[str, Any]:
    """Send each client's requests from ``bench/loadgen.py`` in a process of its own."""
    plan = json.dumps({"port": port, "clients": clients, "keep_bodies": keep_bodies})
    answer = subprocess.run([sys.executable, str(ROOT / "bench" / "loadgen.py")], input=plan,
                            capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)
