"""A draft against its live page, in words: removals, a move into another block's place, page
fields, and settings that only a migration touched are not reported as changed values."""

from __future__ import annotations

from runtime.pages.diff import page_changes
from runtime.pages.registries import default_registries
from tests.page_helpers import block, page_config


def test_removed_moved_page_fields_and_migrations():
    blocks = default_registries().blocks
    live = page_config({"id": "t1", "type": "title", "version": 1, "settings": {"text": "甲"}},
                       block("t2", "title", title="乙"), block("s1", "spacer"),
                       block("d1", "divider"))
    draft = page_config(block("s1", "spacer"), block("t1", "title", title="甲"),
                        block("t2", "title", title="乙"), title="新首页")
    draft["blocks"][1]["version"] = 2
    found = [(c.kind, c.block, c.before, c.after) for c in page_changes(live, draft, blocks)]
    assert ("changed", None, "首页", "新首页") in found
    assert ("removed", "d1", "", "") in found
    assert [c for c in found if c[0] == "moved"] == [("moved", "s1", "3", "1")]
    assert ("migrated", "t1", "1", "2") in found
    assert not [c for c in found if c[0] == "changed" and c[1] == "t1"]  # text -> title only
    english = page_changes(None, draft, blocks, "en")
    assert [c.kind for c in english] == ["added", "added", "added"]  # never published
    assert english[1].text == "Added Title“甲”"
    assert page_changes(draft, draft, blocks) == []
