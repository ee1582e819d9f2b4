"""The module contract, checked over every module: each slice is complete, the jobs a
module.json declares are the jobs registered, every tenant table has a row-level-security
policy, and every module has a cross-shop test."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from runtime.db import tenant_tables
from runtime.modules.contract import Module
from runtime.modules.loader import Discovered, _contribute, build_module_set, discover
from runtime.modules.registry import MODULES_DIR
from runtime.pages.manifests import ManifestError

ROOT = Path(__file__).resolve().parents[2]
#: Modules whose tables another module's migration created before modules owned their
#: migration folders; rewriting applied history would break existing databases.
TABLES_MIGRATED_ELSEWHERE = {"cart": "orders"}
IN_TREE = [d for d in discover(use_entry_points=False)]
CROSS_SHOP_TEST = re.compile(r"def (test_\w*(other_shop|another_shop|cross_shop|other_shops)\w*)")


@pytest.mark.parametrize("found", IN_TREE, ids=lambda d: d.id)
def test_every_module_slice_is_complete(found: Discovered):
    module, folder = found.module, found.folder
    assert isinstance(module, Module)
    if (folder / "models.py").exists():
        assert module.models == f"{found.package}.models"
        owner = TABLES_MIGRATED_ELSEWHERE.get(found.id)
        if owner is None:
            assert module.migrations and (folder / module.migrations).is_dir()
        else:
            assert module.migrations is None and (MODULES_DIR / owner / "migrations").is_dir()
    if (folder / "api.py").exists():
        assert module.api, f"{found.id} has api.py but declares no blueprint"
    assert module.tests and (ROOT / module.tests).is_dir(), f"{found.id} has no tests folder"
    if module.docs:
        assert (ROOT / module.docs).is_file()
    if not found.manifest.core:  # an optional module is a whole product feature
        assert module.console and module.docs, f"{found.id} needs console screens and docs"
    for block in found.manifest.blocks:  # a module's blocks ship in its own folder
        block_json = folder / (module.blocks or "blocks") / block / "block.json"
        assert block_json.is_file() and f'"{found.id}"' in block_json.read_text("utf-8")


@pytest.mark.parametrize("found", IN_TREE, ids=lambda d: d.id)
def test_every_module_has_a_cross_shop_test(found: Discovered):
    tests = ROOT / found.module.tests
    names = [m.group(1) for path in tests.rglob("test_*.py")
             for m in CROSS_SHOP_TEST.finditer(path.read_text("utf-8"))]
    assert names, f"no test in {found.module.tests} tries another shop's rows"


def test_jobs_declared_are_the_jobs_registered(app):
    modules = app.extensions["mallkit"].modules
    for found in modules:
        declared = {job["name"] for job in found.manifest.manifest.get("jobs", [])}
        registered = {p.name for p in modules.periodic.values() if p.module == found.id}
        assert declared == registered, found.id


def test_a_job_declared_but_not_mapped_refuses_to_start():
    found = next(d for d in IN_TREE if d.id == "signin")
    broken = Discovered(found.manifest, Module(jobs={}), found.package)
    mods = build_module_set([d for d in IN_TREE if d.id != "signin"])
    mods.frozen = False
    with pytest.raises(ManifestError, match="signin-reminders"):
        _contribute(mods, broken)


def _seeding(found: list[Discovered]) -> list[str]:
    return [seeder.module for seeder in build_module_set(found).seeders.values()]


def test_seeders_run_after_what_they_require_and_seed_after():
    order = _seeding(IN_TREE)
    by_id = {d.id: d for d in IN_TREE}
    for index, module_id in enumerate(order):
        before = {*by_id[module_id].manifest.requires, *by_id[module_id].module.seed_after}
        assert not before & set(order[index + 1:]), module_id
    assert order.index("reviews") < order.index("aftersales")
    # seed_after names a module that may be absent: the seeder then runs all the same
    assert "aftersales" in _seeding([d for d in IN_TREE if d.id != "reviews"])


def test_seed_after_in_a_cycle_refuses_to_start():
    def seeding_after(module_id: str, other: str) -> Discovered:
        found = next(d for d in IN_TREE if d.id == module_id)
        return Discovered(found.manifest, replace(found.module, seed_after=(other,)),
                          found.package)

    looped = [seeding_after("signin", "catalog") if d.id == "signin"
              else seeding_after("catalog", "signin") if d.id == "catalog" else d
              for d in IN_TREE]
    with pytest.raises(ManifestError, match="seed_after form a cycle"):
        build_module_set(looped)


def test_every_module_folder_is_a_module():
    folders = {p.parent.name for p in MODULES_DIR.glob("*/__init__.py")}
    assert folders == {d.folder.name for d in IN_TREE}


@pytest.mark.postgres
def test_every_tenant_table_has_a_row_level_security_policy(app):
    with app.extensions["mallkit"].engine.connect() as conn:
        secured = {row.relname for row in conn.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relrowsecurity "
            "AND c.relforcerowsecurity"))}
        policies = {row.tablename for row in conn.execute(text(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema()"))}
    tables = tenant_tables()
    assert tables, "no tenant tables found"
    assert sorted(tables - secured) == []
    assert sorted(tables - policies) == []
