"""The architecture contracts (import-linter, run by ``make test``): runtime never imports
builder; a module imports another only when its module.json requires it; no import cycle
between modules; domain code stays out of Flask. The per-module contracts in pyproject.toml
must follow the ``requires`` of every module.json, and a bad import must break them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _requires() -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / "runtime" / "modules").glob("*/module.json")):
        manifest = json.loads(path.read_text())
        found[manifest["id"]] = manifest.get("requires", [])
    return found


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def expected_module_contract(module_id: str, requires: dict[str, list[str]]) -> dict:
    """What ``module-<id>`` must say: the module may import itself and what it requires."""
    return {"type": "forbidden", "source_modules": [f"runtime.modules.{module_id}"],
            "forbidden_modules": sorted(f"runtime.modules.{other}" for other in requires
                                        if other != module_id
                                        and other not in requires[module_id]),
            "allow_indirect_imports": True}


def test_module_contracts_follow_every_module_json():
    requires, contracts = _requires(), _contracts()
    declared = {cid.removeprefix("module-") for cid in contracts if cid.startswith("module-")}
    assert declared == set(requires)
    for module_id in requires:
        contract = contracts[f"module-{module_id}"]
        actual = {key: sorted(contract[key]) if key == "forbidden_modules" else contract[key]
                  for key in ("type", "source_modules", "forbidden_modules",
                              "allow_indirect_imports")}
        assert actual == expected_module_contract(module_id, requires), (
            f"pyproject.toml's module-{module_id} contract does not match the requires of "
            f"runtime/modules/{module_id}/module.json ({requires[module_id]})")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True,
                          text=True, timeout=300, env={"PYTHONPATH": str(root), "PATH": ""})


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


@pytest.fixture
def bad_copy(tmp_path):
    """The code and configuration copied, so an import can be added without touching ours."""
    for package in ("runtime", "builder"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_a_bad_import_breaks_its_contract(bad_copy):
    # cart does not require orders (orders requires cart: also a cycle)
    _append(bad_copy / "runtime/modules/cart/service.py",
            "from runtime.modules.orders import models as _orders_models  # noqa")
    # a service reading the request
    _append(bad_copy / "runtime/modules/points/service.py", "from flask import request  # noqa")
    # a service taking the request's session instead of a parameter
    _append(bad_copy / "runtime/modules/orders/checkout.py",
            "from runtime.tenancy import db as _db  # noqa")
    # the runtime reaching into the console
    _append(bad_copy / "runtime/modules/wallet/service.py", "import builder  # noqa")
    result = _lint(bad_copy)
    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    assert "cart imports only the modules it requires BROKEN" in out
    assert "runtime.modules.cart.service -> runtime.modules.orders.models" in out
    assert "no import cycle between modules BROKEN" in out
    assert "uses neither Flask's request/g nor current_app BROKEN" in out
    assert "runtime.modules.points.service -> flask" in out
    assert "runtime.modules.orders.checkout -> runtime.tenancy" in out
    assert "runtime never imports builder (the console) BROKEN" in out
    assert "orders imports only the modules it requires KEPT" in out
