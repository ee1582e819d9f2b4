"""The architecture contracts (import-linter, run by ``make test``): runtime never imports
builder; a module imports another only when its module.json requires it (read from the
manifests at lint time, ``runtime/modules/import_contract.py``); no import cycle between
modules; domain code stays out of Flask. A bad import must break them, in a copy of the
code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


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


REQUIRES_CONTRACT = "each module imports only the modules its module.json requires"


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
    assert f"{REQUIRES_CONTRACT} BROKEN" in out
    assert "cart (module.json requires catalog, members):" in out
    assert "runtime.modules.cart.service -> runtime.modules.orders.models" in out
    assert "orders (module.json requires" not in out
    assert "no import cycle between modules BROKEN" in out
    assert "uses neither Flask's request/g nor current_app BROKEN" in out
    assert "runtime.modules.points.service -> flask" in out
    assert "runtime.modules.orders.checkout -> runtime.tenancy" in out
    assert "runtime never imports builder (the console) BROKEN" in out


def test_requires_are_direct_not_transitive(bad_copy):
    # fulfilment requires orders, which requires cart; fulfilment itself may not import cart
    _append(bad_copy / "runtime/modules/fulfilment/service.py",
            "from runtime.modules.cart import service as _cart  # noqa")
    out = " ".join(_lint(bad_copy).stdout.split())
    assert f"{REQUIRES_CONTRACT} BROKEN" in out
    assert "runtime.modules.fulfilment.service -> runtime.modules.cart.service" in out


def _add_module(root: Path, module_id: str, requires: list[str], source: str) -> Path:
    folder = root / "runtime" / "modules" / module_id
    folder.mkdir()
    (folder / "module.json").write_text(json.dumps({"id": module_id, "requires": requires}))
    (folder / "__init__.py").write_text(source)
    return folder / "module.json"


def test_a_new_module_is_checked_by_its_module_json_alone(bad_copy):
    pyproject = (bad_copy / "pyproject.toml").read_text()
    manifest = _add_module(bad_copy, "giftcard", ["members"],
                           "from runtime.modules.orders import service as _orders  # noqa\n")
    out = " ".join(_lint(bad_copy).stdout.split())
    assert f"{REQUIRES_CONTRACT} BROKEN" in out
    assert "giftcard (module.json requires members):" in out
    assert "runtime.modules.giftcard -> runtime.modules.orders.service" in out

    manifest.write_text(json.dumps({"id": "giftcard", "requires": ["members", "orders"]}))
    result = _lint(bad_copy)
    assert result.returncode == 0, result.stdout[-4000:]
    assert f"{REQUIRES_CONTRACT} KEPT" in " ".join(result.stdout.split())
    assert (bad_copy / "pyproject.toml").read_text() == pyproject


def test_a_removed_module_needs_no_contract_edit(bad_copy):
    shutil.rmtree(bad_copy / "runtime/modules/signin")
    shutil.rmtree(bad_copy / "builder/signin")
    result = _lint(bad_copy)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout
