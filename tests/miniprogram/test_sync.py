"""``mallkit miniprogram sync``: the renderer's registrations follow blocks/*/block.json, and a
block with neither a component nor an ``h5_only`` mark stops it, named (no app, temp trees)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under
from runtime.pages.cli import miniprogram_cli
from runtime.pages.miniprogram import (
    BLOCK_TYPES_JS,
    FIXTURE,
    MINIPROGRAM_DIR,
    RENDERER_JSON,
    RENDERER_WXML,
    SyncError,
    fixture_gaps,
    scan,
    sync,
)


def _block(root: Path, name: str, **extra: object) -> None:
    folder = root / "blocks" / name
    folder.mkdir(parents=True)
    (folder / "block.json").write_text(json.dumps({"type": name, **extra}), encoding="utf-8")


def _component(root: Path, name: str) -> None:
    folder = root / "miniprogram" / "components" / "blocks" / name
    folder.mkdir(parents=True)
    for file in ("index.js", "index.json", "index.wxml", "index.wxss"):
        (folder / file).write_text("{}" if file.endswith(".json") else "", encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Two blocks with components and one marked h5_only."""
    for name in ("title", "banner"):
        _block(tmp_path, name)
        _component(tmp_path, name)
    _block(tmp_path, "live-map", h5_only=True)
    return tmp_path


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(miniprogram_cli, [
        "sync", "--no-fixtures", "--blocks", str(root / "blocks"),
        "--miniprogram", str(root / "miniprogram"), *args])
    return result.exit_code, result.output


def test_generates_the_three_registrations_from_the_blocks(tree: Path) -> None:
    written = sync(tree / "blocks", tree / "miniprogram")
    mp = tree / "miniprogram"
    assert sorted(p.relative_to(mp) for p in written) == sorted(
        [RENDERER_JSON, RENDERER_WXML, BLOCK_TYPES_JS])
    using = json.loads((mp / RENDERER_JSON).read_text())["usingComponents"]
    assert using == {"block-banner": "../blocks/banner/index",
                     "block-title": "../blocks/title/index",
                     "page-popup": "../page-popup/index"}  # the page's popup ad
    wxml = (mp / RENDERER_WXML).read_text()
    assert wxml.index("<block-banner wx:if=\"{{item.type === 'banner'}}\"") \
        < wxml.index("<block-title wx:elif=\"{{item.type === 'title'}}\"")
    assert "live-map" not in wxml
    assert (mp / BLOCK_TYPES_JS).read_text().count("'") == 4  # 'banner', 'title'
    assert sync(tree / "blocks", tree / "miniprogram") == []  # nothing left to write


def test_a_block_without_component_or_h5_only_mark_fails_by_name(tree: Path) -> None:
    _block(tree, "countdown")
    _block(tree, "poll", h5_only=False)
    with pytest.raises(SyncError) as caught:
        sync(tree / "blocks", tree / "miniprogram")
    assert caught.value.missing == ["countdown", "poll"]
    assert not (tree / "miniprogram" / RENDERER_JSON).exists()  # nothing half-written
    code, output = _run(tree)
    assert code != 0
    assert "'countdown'" in output and "'poll'" in output and "h5_only" in output
    _component(tree, "countdown")
    _component(tree, "poll")
    code, output = _run(tree)
    assert code == 0, output
    assert "countdown" in (tree / "miniprogram" / BLOCK_TYPES_JS).read_text()


def test_check_changes_nothing_and_fails_while_out_of_date(tree: Path) -> None:
    code, output = _run(tree, "--check")
    assert code != 0 and "index.json is out of date" in output
    assert not (tree / "miniprogram" / RENDERER_JSON).exists()
    sync(tree / "blocks", tree / "miniprogram")
    fixture = tree / "miniprogram" / FIXTURE
    fixture.parent.mkdir(parents=True)
    fixture.write_text(json.dumps({"body": {"nodes": [{"type": "banner"}]}}))
    (tree / "modules").mkdir()
    code, output = _run(tree, "--check")
    assert code != 0 and "no 'title' block" in output
    assert fixture_gaps(tree / "blocks", tree / "miniprogram", tree / "modules") == ["title"]
    fixture.write_text(json.dumps({"body": {"nodes": [{"type": "banner"}, {"type": "title"}]}}))
    code, output = _run(tree, "--check")
    assert code == 0, output
    (tree / "miniprogram" / RENDERER_WXML).write_text("hand edited")
    assert _run(tree, "--check")[0] != 0


def test_blocks_needing_a_missing_module_are_not_expected_in_the_fixture(tree: Path) -> None:
    """Nor those that may not stand on the fixtures' custom page."""
    _block(tree, "coupons-row", requires=["coupons"])
    _component(tree, "coupons-row")
    _block(tree, "buy-box", page_kinds=["product"])
    _component(tree, "buy-box")
    fixture = tree / "miniprogram" / FIXTURE
    fixture.parent.mkdir(parents=True)
    fixture.write_text(json.dumps({"body": {"nodes": [{"type": "banner"}, {"type": "title"}]}}))
    modules = tree / "modules"
    (modules / "coupons").mkdir(parents=True)
    assert fixture_gaps(tree / "blocks", tree / "miniprogram", modules) == []
    (modules / "coupons" / "module.json").write_text("{}")
    assert fixture_gaps(tree / "blocks", tree / "miniprogram", modules) == ["coupons-row"]


def test_the_repository_is_in_sync() -> None:
    dirs = block_dirs_under(BLOCKS_DIR.parent)  # blocks/ and the modules' own
    assert sync(dirs, MINIPROGRAM_DIR, check=True) == []
    assert fixture_gaps(dirs, MINIPROGRAM_DIR) == []
    blocks = scan(dirs, MINIPROGRAM_DIR)
    assert [b.type for b in blocks if not b.has_component] == [b.type for b in blocks
                                                                if b.h5_only]
    assert "signin-calendar" in [b.type for b in blocks]
