"""Processes mallkit starts are stopped with it: ``mallkit run``'s embedded worker on SIGTERM,
and the embedded redis-server when any command on the embedded default exits."""

from __future__ import annotations

import re
import signal
import subprocess

import psutil

from tests.processes import leftover_processes, read_until
from tests.runtime.conftest import MALLKIT


def test_sigterm_stops_run_and_its_worker_and_redis(embedded_env, tmp_path):
    proc = subprocess.Popen([*MALLKIT, "run", "--port", "0"], env=embedded_env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output = read_until(proc, r"background worker: started \(pid \d+\)",
                            r"Listening on", timeout=120)
        worker_pid = int(re.search(r"started \(pid (\d+)\)", output).group(1))
        running = {p.pid for p in leftover_processes(tmp_path)}
        assert worker_pid in running and len(running) == 2  # the worker and redis-server

        proc.send_signal(signal.SIGTERM)
        output += proc.communicate(timeout=60)[0]
    finally:
        proc.kill()
    assert not psutil.pid_exists(worker_pid), output
    assert leftover_processes(tmp_path) == []


def test_a_cli_command_stops_the_embedded_redis_it_started(embedded_env, tmp_path):
    result = subprocess.run([*MALLKIT, "worker", "--burst"], env=embedded_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Listening on" in result.stdout + result.stderr  # it did talk to Redis
    assert leftover_processes(tmp_path) == []
