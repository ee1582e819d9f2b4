"""The schema documents, `mallkit schemas check`, and start-up validation of manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runtime.app import create_app
from runtime.pages import schemas
from runtime.pages.blocks import load_blocks
from runtime.pages.cli import schemas_cli
from runtime.pages.manifests import ManifestError, RegistryFrozen
from runtime.pages.schemas import REPO_ROOT
from tests.pages.conftest import FIXTURES


def test_every_schema_is_valid_2020_12_and_refs_resolve():
    for kind in schemas.KINDS:
        validator = schemas.validator(kind)
        assert validator.schema["$id"] == schemas.schema_uri(kind)
    link = {"$ref": "https://mallkit.dev/schemas/defs.schema.json#/$defs/link"}
    v = schemas.settings_validator(link, "https://mallkit.dev/tests/link.json")
    for ok in (None, {"kind": "page", "slug": "home"}, {"kind": "product", "product_id": 3},
               {"kind": "group", "group_id": 1}, {"kind": "url", "url": "https://a.cn/x"},
               {"kind": "miniprogram", "path": "/pages/index/index?x=1"}):
        assert v.is_valid(ok), ok
    for bad in ({"kind": "url", "url": "javascript:alert(1)"}, {"kind": "page"},
                {"kind": "ftp", "url": "x"}):
        assert not v.is_valid(bad), bad
    image = schemas.settings_validator(
        {"$ref": "/schemas/defs.schema.json#/$defs/image"}, "https://mallkit.dev/blocks/x/s.json")
    assert image.is_valid({"media_id": 3}) and image.is_valid({"url": "https://a.cn/1.png"})
    assert not image.is_valid({"url": "http://a.cn/1.png"})
    assert not image.is_valid({"media_id": 3, "url": "https://a.cn/1.png"})


def run_check(root: Path | None = None):
    args = ["check"] + (["--root", str(root)] if root else [])
    return CliRunner().invoke(schemas_cli, args)


def test_schemas_check_passes_on_the_repository():
    result = run_check()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    themes = len(list((REPO_ROOT / "themes").glob("*/theme.json")))
    assert f"{themes} themes, {6 * themes} page presets" in result.output


def test_schemas_check_is_a_mallkit_command(app):
    result = app.test_cli_runner().invoke(args=["schemas", "check"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the repository's blocks, modules and themes to break."""
    for part in ("blocks", "themes"):
        shutil.copytree(REPO_ROOT / part, tmp_path / part)
    (tmp_path / "runtime" / "modules").mkdir(parents=True)
    for manifest in (REPO_ROOT / "runtime" / "modules").glob("*/module.json"):
        target = tmp_path / "runtime" / "modules" / manifest.parent.name
        target.mkdir()
        shutil.copy(manifest, target / "module.json")
        for part in ("blocks", "pages"):  # its blocks, the default pages of its page kinds
            if (manifest.parent / part).is_dir():
                shutil.copytree(manifest.parent / part, target / part)
    return tmp_path


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("change, pointer, words", [
    (lambda m: m["settings"]["properties"]["title"].pop("default"),
     "/settings/properties/title/default", "'default' is required"),
    (lambda m: m["settings"]["properties"].update({"items": {
        "type": "array", "default": [], "x-ui": "list",
        "items": {"type": "object", "properties": {"label": {"type": "string"}}}}}),
     "/settings/properties/items/items/properties/label", "has no default"),
    (lambda m: m["settings"]["properties"]["title"].update({"x-ui": "colour-wheel"}),
     "/settings/properties/title/x-ui", "'colour-wheel' is not one of"),
    (lambda m: m["settings"]["properties"]["size"].update({"default": "huge"}),
     "/settings/properties/size/default", "default is not valid"),
    (lambda m: m.update({"version": "2"}), "/version", "is not of type 'integer'"),
    (lambda m: m.pop("name"), "/name", "required"),
    (lambda m: m.update({"migrations": []}), "/migrations", "no migration from version 1"),
    (lambda m: m["presets"][0]["settings"].update({"align": "diagonal"}),
     "/presets/0/settings", "'diagonal' is not one of"),
])
def test_schemas_check_fails_with_file_and_pointer(tree, change, pointer, words):
    manifest = tree / "blocks" / "title" / "block.json"
    edit(manifest, change)
    result = run_check(tree)
    assert result.exit_code == 1
    assert f"{manifest}: {pointer}: " in result.output
    assert words in result.output


def test_schemas_check_checks_theme_presets_and_modules(tree):
    preset = tree / "themes" / "default" / "presets" / "home.json"
    first_title = [b["type"] for b in json.loads(preset.read_text())["blocks"]].index("title")
    edit(preset, lambda p: p["blocks"][first_title]["settings"].update({"title": 7}))
    result = run_check(tree)
    assert result.exit_code == 1
    assert (f"{preset}: /blocks/{first_title}/settings/title: 7 is not of type 'string'"
            in result.output)

    shutil.copy(REPO_ROOT / "themes" / "default" / "presets" / "home.json", preset)
    module = next((tree / "runtime" / "modules").glob("*/module.json"))
    edit(module, lambda m: m.update({"core": "yes"}))
    result = run_check(tree)
    assert result.exit_code == 1
    assert f"{module}: /core: 'yes' is not of type 'boolean'" in result.output


def test_schemas_check_compiles_templates(tree):
    (tree / "blocks" / "spacer" / "template.html").write_text("{% if %}")
    result = run_check(tree)
    assert result.exit_code == 1
    assert "template.html: line 1: template syntax" in result.output


def test_start_up_fails_naming_the_file_and_pointer(settings, tmp_path):
    broken = tmp_path / "blocks"
    shutil.copytree(FIXTURES / "blocks" / "test-data", broken / "test-broken")
    edit(broken / "test-broken" / "block.json", lambda m: m.update({"type": "test-broken"}) or
         m["settings"]["properties"]["label"].update({"x-ui": "slider-3000"}))
    with pytest.raises(ManifestError) as caught:
        create_app(settings.replace(extra={"block_dirs": str(broken)}, check_schema=False))
    assert caught.value.path == str(broken / "test-broken" / "block.json")
    assert caught.value.pointer == "/settings/properties/label/x-ui"


def test_a_choice_setting_must_name_its_source(settings, tmp_path):
    broken = tmp_path / "blocks"
    shutil.copytree(FIXTURES / "blocks" / "test-data", broken / "test-broken")
    edit(broken / "test-broken" / "block.json", lambda m: m.update({"type": "test-broken"}) or
         m["settings"]["properties"]["label"].update({"x-ui": "choice"}))
    with pytest.raises(ManifestError, match="names its x-source") as caught:
        create_app(settings.replace(extra={"block_dirs": str(broken)}, check_schema=False))
    assert caught.value.pointer == "/settings/properties/label/x-source"


def test_registries_are_frozen_after_start_up(regs):
    with pytest.raises(RegistryFrozen, match="blocks/title/"):
        regs.blocks.register(regs.blocks["title"])


def test_parsed_manifests_are_cached_until_a_file_changes(tree):
    first = load_blocks((tree / "blocks",))
    assert load_blocks((tree / "blocks",)) is first
    manifest = tree / "blocks" / "spacer" / "block.json"
    edit(manifest, lambda m: m["settings"]["properties"]["height"].update({"default": 20}))
    second = load_blocks((tree / "blocks",))
    assert second is not first
    assert second["spacer"].defaults["height"] == 20


def test_mallkit_schemas_check_needs_no_database(tmp_path):
    """The console script finds the command without creating the app (no migrated DB here)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLKIT_")}
    env["MALLKIT_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "schemas", "check"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert not (tmp_path / "mallkit.sqlite3").exists()
