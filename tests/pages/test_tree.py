"""The interpreter's pure core (runtime.pages.tree) on plain data: no app, no database, no
Redis — the block registry is read from the repository's and the fixtures' block folders."""

from __future__ import annotations

from pathlib import Path

from runtime.pages.blocks import BLOCKS_DIR, block_dirs_under, load_blocks
from runtime.pages.tree import Visibility, batches, build_nodes, visible_instances

FIXTURES = Path(__file__).parent / "fixtures" / "blocks"
BLOCKS = load_blocks([*block_dirs_under(BLOCKS_DIR.parent), FIXTURES])
EVERYTHING = Visibility(frozenset({"promo", "signin"}), (3, 0, 0), "home")


def _page(*blocks):
    return {"schema": 1, "title": "t", "kind": "home", "blocks": list(blocks)}


def _ids(instances):
    return [i.id for i in instances]


def test_hidden_unknown_and_module_off_blocks_are_left_out_in_order():
    page = _page({"id": "a", "type": "spacer", "settings": {}},
                 {"id": "h", "type": "spacer", "settings": {}, "hidden": True},
                 {"id": "u", "type": "no-such-block", "settings": {}},
                 {"id": "p", "type": "test-promo", "settings": {}},
                 {"id": "s", "type": "signin-calendar", "settings": {}},
                 {"id": "z", "type": "title", "settings": {"title": "你好"}})
    assert _ids(visible_instances(page, BLOCKS, EVERYTHING)) == ["a", "p", "s", "z"]
    promo_off = Visibility(frozenset({"signin"}), None, "home")
    assert _ids(visible_instances(page, BLOCKS, promo_off)) == ["a", "s", "z"]


def test_defaults_fill_settings_and_old_versions_are_migrated():
    page = _page({"id": "s", "type": "spacer", "settings": {"height": 30}},
                 {"id": "t", "type": "title", "version": 1, "settings": {"title": "旧标题"}})
    spacer, title = visible_instances(page, BLOCKS, EVERYTHING)
    assert spacer.settings == {**BLOCKS["spacer"].default_settings(), "height": 30}
    assert title.version == BLOCKS["title"].version == 2
    assert set(title.settings) == set(BLOCKS["title"].default_settings())


def test_client_version_and_page_kind_decide_visibility():
    page = _page({"id": "n", "type": "test-new", "settings": {}},
                 {"id": "p", "type": "test-promo", "settings": {}})
    old_client = Visibility(frozenset({"promo"}), (1, 9, 9), "home")
    assert _ids(visible_instances(page, BLOCKS, old_client)) == ["p"]
    category_page = Visibility(frozenset({"promo"}), (2, 0, 0), "category")
    assert _ids(visible_instances(page, BLOCKS, category_page)) == ["n"]


def test_children_are_filtered_capped_and_batched_in_page_order():
    page = _page({"id": "g", "type": "test-group", "settings": {}, "blocks": [
        {"id": "c1", "type": "test-data", "settings": {}},
        {"id": "c2", "type": "spacer", "settings": {}},  # not an accepted child type
        {"id": "c3", "type": "title", "settings": {}},
        {"id": "c4", "type": "test-data", "settings": {}}]},  # over max_children (2)
        {"id": "d", "type": "test-data", "settings": {}})
    group, data = visible_instances(page, BLOCKS, EVERYTHING)
    assert _ids(group.children) == ["c1", "c3"] and data.id == "d"
    assert {k: _ids(v) for k, v in batches([group, data]).items()} == {
        "test-group": ["g"], "test-data": ["c1", "d"], "title": ["c3"]}


def test_nodes_carry_data_clean_rich_text_and_drop_failed_blocks_with_children():
    page = _page({"id": "r", "type": "rich-text",
                  "settings": {"content": "<p>好</p><script>alert(1)</script>"}},
                 {"id": "g", "type": "test-group", "settings": {},
                  "blocks": [{"id": "c", "type": "test-data", "settings": {}}]},
                 {"id": "d", "type": "test-data", "settings": {}})
    instances = visible_instances(page, BLOCKS, EVERYTHING)
    tree = build_nodes(instances, BLOCKS, {"d": {"n": 7}}, failed={"g"})
    assert [n["id"] for n in tree.nodes] == ["r", "d"] and tree.dropped == ["g"]
    assert "<script>" not in tree.nodes[0]["props"]["content"]
    assert tree.nodes[1]["data"] == {"n": 7} and tree.nodes[0]["data"] is None
