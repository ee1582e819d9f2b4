"""``mallkit module new``: the scaffolded slice is a complete module whose own tests pass
and which meets the module contract and the import contracts (with no edit to
pyproject.toml) — checked in a copy of the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runtime.cli import cli
from runtime.scaffold import ScaffoldError, new_module

ROOT = Path(__file__).resolve().parents[2]
COPIED = ["runtime", "builder", "blocks", "schemas", "themes", "pyproject.toml",
          *(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("*.py")),
          "tests/orders/__init__.py", "tests/orders/flow.py", "tests/runtime/__init__.py",
          "tests/runtime/conftest.py", "tests/runtime/test_module_contract.py"]


def _copy_repository(target: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "docs" / "modules").mkdir(parents=True)


def test_names_are_checked_and_nothing_is_overwritten(tmp_path):
    with pytest.raises(ScaffoldError, match="lowercase"):
        new_module(tmp_path, "Gift-Card")
    new_module(tmp_path, "giftcard")
    with pytest.raises(ScaffoldError, match="exists already"):
        new_module(tmp_path, "giftcard")


def test_the_new_module_passes_its_tests_and_the_contract(tmp_path):
    repo = tmp_path / "repo"
    _copy_repository(repo)
    result = CliRunner().invoke(cli, ["module", "new", "giftcard", "--title", "礼品卡",
                                      "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert "created runtime/modules/giftcard/module.json" in result.output
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MALLKIT_", "PYTEST_XDIST"))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/giftcard",
         "tests/runtime/test_module_contract.py", "-k", "giftcard or jobs_declared"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "passed" in run.stdout and "failed" not in run.stdout

    lint = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                          cwd=repo, env={"PYTHONPATH": str(repo), "PATH": ""},
                          capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout[-3000:]
    assert "0 broken" in lint.stdout
    assert (repo / "pyproject.toml").read_text() == (ROOT / "pyproject.toml").read_text()
