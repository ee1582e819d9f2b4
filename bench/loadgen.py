"""HTTP load from its own process: ``python bench/loadgen.py < plan.json`` prints results as JSON.

The plan is ``{"port": int, "clients": [[request, ...], ...], "keep_bodies": bool}``; each
client is a thread with one keep-alive connection sending its requests in turn (``request`` is
``{"method", "path", "headers", "body", "save"}``). A request that depends on an earlier answer
(a checkout: the login's token, the quote's id) names what to keep with ``"save": {"token":
"token"}`` (a top-level field of the JSON answer) and uses it as ``${token}`` in any string of a
later request of the same client. All clients start together; the result has the
wall time from the start to the last answer, the status counts, latency percentiles and, when
asked, every answer's JSON body in plan order. Standard library only, so the load generator
costs as little CPU as it can on a machine it shares with the server.
"""

from __future__ import annotations

import http.client
import json
import string
import sys
import threading
import time
from collections import Counter
from typing import Any


def _filled(value: Any, saved: dict[str, str]) -> Any:
    """``value`` with ``${name}`` in its strings replaced by what earlier answers gave."""
    if isinstance(value, str):
        return string.Template(value).safe_substitute(saved) if "$" in value else value
    if isinstance(value, dict):
        return {key: _filled(item, saved) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, saved) for item in value]
    return value


def run_client(port: int, requests: list[dict[str, Any]], barrier: threading.Barrier,
               keep: bool, out: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    bodies: list[Any] = []
    saved: dict[str, str] = {}
    barrier.wait()
    for req in requests:
        if saved:
            req = _filled(req, saved)
        body = req.get("body")
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **req.get("headers", {})}
        started = time.perf_counter()
        for attempt in range(3):
            try:
                conn.request(req.get("method", "GET"), req["path"], body=payload,
                             headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                break
            except (ConnectionError, http.client.HTTPException):
                conn.close()  # the worker closed a kept-alive connection; open another
                if attempt == 2:
                    raise
        latencies.append(time.perf_counter() - started)
        statuses[answer.status] += 1
        if req.get("save") and answer.status < 300:
            answered = json.loads(data)
            saved.update({name: str(answered[field]) for name, field in req["save"].items()})
        if keep:
            bodies.append(json.loads(data) if data else None)
    out["finished"] = time.perf_counter()
    out.update(statuses=statuses, latencies=latencies, bodies=bodies)
    conn.close()


def run(plan: dict[str, Any]) -> dict[str, Any]:
    clients = plan["clients"]
    barrier = threading.Barrier(len(clients) + 1)
    outs: list[dict[str, Any]] = [{} for _ in clients]
    threads = [threading.Thread(target=run_client, args=(plan["port"], reqs, barrier,
                                                         plan.get("keep_bodies", False), out))
               for reqs, out in zip(clients, outs, strict=True)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = max(out["finished"] for out in outs) - started
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    for out in outs:
        statuses.update(out["statuses"])
        latencies += out["latencies"]
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"seconds": seconds, "count": len(latencies),
            "statuses": {str(k): v for k, v in statuses.items()},
            "p50_ms": pct(0.5), "p99_ms": pct(0.99),
            "bodies": [out["bodies"] for out in outs]}


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
