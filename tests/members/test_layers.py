"""Domain code of members, points, wallet and sign-in never imports Flask: services take a
session and raise domain errors; only api.py, auth.py, serializers.py, jobs and the command
line (cli.py, a Flask CLI group, as the import contracts allow) read the app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "runtime" / "modules"
WEB_LAYER = {"api.py", "auth.py", "serializers.py", "jobs.py", "cli.py", "__init__.py"}
FILES = sorted(p for m in ("members", "points", "wallet", "signin")
               for p in (ROOT / m).glob("*.py") if p.name not in WEB_LAYER)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_domain_code_does_not_import_flask(path):
    bad = {n for n in _imports(path) if n == "flask" or n.startswith(("flask.", "builder"))}
    assert not bad, f"{path} imports {sorted(bad)}"


def test_the_list_is_not_empty():
    assert len(FILES) >= 20
