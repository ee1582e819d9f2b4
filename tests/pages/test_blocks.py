"""Every block renders in H5 and in the layout with its defaults and with each preset; stored
settings of an older block version are migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from runtime.modules import switches
from runtime.pages import store
from runtime.pages.blocks import load_blocks
from runtime.pages.models import Page, PageVersion
from runtime.pages.registries import dirs_from_settings
from tests.page_helpers import page_query
from tests.pages.conftest import EXTRA, ids_in_html, ids_in_layout, in_shop, page_config

REGISTRY = load_blocks(dirs_from_settings(EXTRA)["block_dirs"])
RENDERABLE = [b.type for b in REGISTRY if b.type != "test-fail"]
REPO_BLOCKS = [b.type for b in REGISTRY if "tests" not in Path(b.folder).parts]


def instances_for(block_type: str) -> list[dict]:
    """One instance with defaults, then one per preset (children included)."""
    block = REGISTRY[block_type]
    out = [{"id": f"{block_type}-default", "type": block_type, "settings": {}}]
    for i, preset in enumerate(block.presets):
        out.append({"id": f"{block_type}-preset-{i}", "type": block_type,
                    "settings": preset["settings"],
                    "blocks": [{"id": f"{block_type}-preset-{i}-child-{j}", "type": c["type"],
                                "settings": c["settings"]}
                               for j, c in enumerate(preset.get("blocks", []))]})
    return out


def test_the_three_reference_blocks_exist():
    assert {"title", "rich-text", "spacer"} <= set(REPO_BLOCKS)


@pytest.mark.parametrize("block_type", RENDERABLE)
def test_block_renders_with_defaults_and_each_preset(client, app, shop, publish, regs,
                                                     block_type):
    block = regs.blocks[block_type]
    for module_id in block.requires:
        if module_id in regs.modules:
            with in_shop(app, shop) as s:
                switches.enable(s, module_id, modules=regs.modules)
                s.commit()
    kind = "home" if "home" in block.page_kinds else block.page_kinds[0]
    # the page's fixed blocks (the product page's buy box) stand first and are not compared
    fixed = [{"id": f"fixed-{b.type}", "type": b.type, "settings": {}} for b in REGISTRY
             if b.fixed and kind in b.page_kinds and b.type != block_type]
    every = instances_for(block_type)
    per_page = block.limit or len(every)  # a block with a per-page limit takes several pages
    query = page_query(app, shop, kind)  # the article page shows an article
    for first in range(0, len(every), per_page):
        instances = every[first:first + per_page]
        publish(shop, page_config(*fixed, *instances, kind=kind, title="测试"), slug=kind)

        layout = client.get(f"/api/v1/shops/alpha/layouts/{kind}{query}")
        assert layout.status_code == 200
        nodes = [n for n in layout.json["nodes"] if not n["id"].startswith("fixed-")]
        ids = ids_in_layout(nodes)
        expected = [i["id"] for i in instances for i in [i, *i.get("blocks", [])]]
        if any(m not in regs.modules for m in block.requires):
            expected = instances = []  # its module has no manifest yet, so it is never on
        assert ids == expected
        for node, instance in zip(nodes, instances, strict=True):
            assert node["type"] == block_type and node["v"] == block.version
            assert set(node["props"]) == set(block.defaults)
            for key, value in instance["settings"].items():
                if key in block.richtext_keys:
                    continue
                if isinstance(value, dict) and ("url" in value or "media_id" in value):
                    assert value.items() <= node["props"][key].items()  # expanded image
                else:
                    assert node["props"][key] == value

        page_url = "/s/alpha/" if kind == "home" else f"/s/alpha/pages/{kind}"
        html = client.get(page_url + query)
        assert html.status_code == 200
        assert [i for i in ids_in_html(html.get_data(as_text=True))
                if not i.startswith("fixed-")] == expected


def test_title_settings_from_version_1_are_migrated(client, app, shop, regs):
    """A page published when ``title`` was at version 1 (``text``, align ``middle``, ``bold``)
    renders with version 2 settings, and a v1 draft is upgraded when saved."""
    old = {"id": "old", "type": "title", "version": 1,
           "settings": {"text": "老标题", "align": "middle", "bold": True}}
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        s.add(PageVersion(page_id=page.id, number=2, config=page_config(old), source="publish"))
        s.get(Page, page.id).live_version = 2
        s.commit()
    node = client.get("/api/v1/shops/alpha/layouts/home").json["nodes"][0]
    assert node["v"] == 2
    assert node["props"]["title"] == "老标题"
    assert node["props"]["align"] == "center"
    assert "bold" not in node["props"] and "text" not in node["props"]
    assert "老标题" in client.get("/s/alpha/").get_data(as_text=True)

    with in_shop(app, shop) as s:
        page = s.scalar(select(Page).where(Page.slug == "home"))
        saved = store.save_draft(s, "home", page_config(old), page.draft_revision, regs)
        assert saved.draft["blocks"][0]["version"] == 2
        assert saved.draft["blocks"][0]["settings"]["title"] == "老标题"
        assert saved.draft["blocks"][0]["settings"]["align"] == "center"


def test_a_draft_from_a_newer_block_version_is_refused(app, shop, regs):
    from runtime.errors import ValidationFailed

    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        future = {"id": "f", "type": "title", "version": 3, "settings": {}}
        with pytest.raises(ValidationFailed) as caught:
            store.save_draft(s, "home", page_config(future), page.draft_revision, regs)
        assert [e.pointer for e in caught.value.errors] == ["/blocks/0/version"]
