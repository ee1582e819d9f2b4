"""Rendering an uploaded theme's templates against fixture data, in a child process with CPU
and memory limits, in the same bounded sandbox (time and output caps) the storefront uses.

The parent sends ``{"templates": {name: source}, "renders": [[name, context], ...]}`` on
stdin; the child answers ``{name: error message}`` for the templates that failed.
Run as ``python -m runtime.themes.sandbox``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

CPU_SECONDS = 10
MEMORY_BYTES = 1024 * 1024 * 1024
WALL_SECONDS = 30
MARKUP_KEYS = ("body", "children")


def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def render_in_child(templates: dict[str, str],
                    renders: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """``{template name: why it failed}``; a child that dies fails every template."""
    payload = json.dumps({"templates": templates, "renders": renders})
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "runtime.themes.sandbox"], input=payload.encode(),
            capture_output=True, timeout=WALL_SECONDS, preexec_fn=_limit_child, env=env,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    except subprocess.TimeoutExpired:
        return dict.fromkeys(templates, f"the templates ran longer than {WALL_SECONDS}s")
    if done.returncode != 0:
        return dict.fromkeys(templates, "the templates went over the checker's CPU or memory "
                                        "budget")
    return json.loads(done.stdout)


def _main() -> None:
    from jinja2 import DictLoader
    from markupsafe import Markup

    from runtime.pages.render import make_environment, render_bounded

    request = json.loads(sys.stdin.buffer.read())
    env = make_environment({})
    env.loader = DictLoader(request["templates"])
    failures: dict[str, str] = {}
    for name, context in request["renders"]:
        if name in failures:
            continue
        for key in MARKUP_KEYS:
            if key in context:
                context[key] = Markup(context[key])
        try:
            render_bounded(env, name, context)
        except Exception as exc:
            failures[name] = f"fails on fixture data: {type(exc).__name__}: {exc}"[:500]
    sys.stdout.write(json.dumps(failures))


if __name__ == "__main__":
    _main()
