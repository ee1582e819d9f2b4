"""Account and shop services never read the request: they import no Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["runtime/accounts/service.py", "runtime/accounts/sessions.py",
            "runtime/accounts/throttle.py", "runtime/accounts/passwords.py",
            "runtime/shops/service.py"]


@pytest.mark.parametrize("path", SERVICES)
def test_service_imports_no_flask(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "werkzeug", "builder"}, path
