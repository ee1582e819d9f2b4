"""Every block, the modules' included, names an icon the editor's palette can draw (an unknown
name would show the editor's neutral placeholder square instead)."""

from __future__ import annotations

import json
import re

from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under

ICONS = BLOCKS_DIR.parent / "builder" / "static" / "editor" / "icons.js"


def test_every_block_icon_is_in_the_editor_s_icon_set():
    source = ICONS.read_text(encoding="utf-8")
    paths = source[source.index("const PATHS = {"):source.index("};")]
    names = set(re.findall(r'^\s+"?([a-z0-9-]+)"?: "', paths, re.M))
    missing = {}
    for manifest_path in (p for d in block_dirs_under(BLOCKS_DIR.parent)
                          for p in d.glob("*/block.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("icon") not in names:
            missing[manifest["type"]] = manifest.get("icon")
    assert missing == {}
