"""Production serving: gunicorn with deploy/gunicorn.conf.py serves the app and stops
cleanly (with its workers and the embedded Redis) on SIGTERM."""

from __future__ import annotations

import json
import re
import runpy
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.processes import leftover_processes, read_until

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_serves_the_app_with_the_deploy_config(embedded_env, tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--bind", "127.0.0.1:0", "--workers", "2"],
        env=embedded_env, cwd=ROOT, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    try:
        output = read_until(proc, r"Listening at: http://127\.0\.0\.1:\d+", timeout=60)
        port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", output).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=120) as res:
            assert res.status == 200
            assert json.load(res)["checks"] == {"database": "ok", "redis": "ok"}
        proc.send_signal(signal.SIGTERM)
        output += proc.communicate(timeout=60)[0]
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    assert "Worker exiting" in output  # a worker served and stopped with the master
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["threads"] >= 1
    assert leftover_processes(tmp_path) == []
