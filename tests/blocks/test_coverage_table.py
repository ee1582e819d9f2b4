"""The coverage table of docs/blocks.md is the block library as it is: a row for every block
of ``blocks/`` and of the modules' ``blocks/`` and for nothing else, each with the Chinese name
its ``block.json`` gives, and a mini-program column that says whether the reference client
renders it and from which ``min_client``."""

from __future__ import annotations

import json
import re

from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under
from runtime.pages.miniprogram import MINIPROGRAM_DIR, scan

DOC = BLOCKS_DIR.parent / "docs" / "blocks.md"
ROW = re.compile(r"^\| `(?P<type>[a-z0-9-]+)` \| (?P<zh>[^|]+) \| (?P<crmeb>[^|]+) \| "
                 r"(?P<youzan>[^|]+) \| (?P<h5>[^|]+) \| (?P<mp>[^|]+) \|$")


def _table() -> dict[str, dict[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Coverage against other mall builders"):]
    rows = [ROW.match(line) for line in section.splitlines() if line.startswith("| `")]
    assert all(rows), "a block row of the coverage table does not have its six columns"
    return {m["type"]: {k: v.strip() for k, v in m.groupdict().items()} for m in rows}


def _manifests() -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8"))
            for d in block_dirs_under(BLOCKS_DIR.parent) for p in d.glob("*/block.json")}


def test_every_block_has_one_row_and_no_row_names_a_block_that_does_not_exist():
    assert sorted(_table()) == sorted(_manifests()), (
        "docs/blocks.md's coverage table and the blocks differ: add or remove rows")


def test_each_row_gives_the_manifest_s_chinese_name_and_its_clients():
    table, manifests = _table(), _manifests()
    rendered = {b.type: b.has_component for b in
                scan(block_dirs_under(BLOCKS_DIR.parent), MINIPROGRAM_DIR)}
    for kind, manifest in manifests.items():
        row = table[kind]
        assert row["zh"].split(" (")[0] == manifest["name"]["zh-CN"], kind
        assert row["crmeb"] and row["youzan"] and row["h5"], kind
        mp = row["mp"]
        assert mp.startswith("yes") == rendered[kind], (kind, mp)
        assert mp.startswith("yes") != bool(manifest.get("h5_only")), (kind, mp)
        if manifest.get("min_client") and rendered[kind]:
            assert f"({manifest['min_client']}" in mp, (kind, mp, manifest["min_client"])
        else:
            assert "(1." not in mp and "(2." not in mp, (kind, mp)
