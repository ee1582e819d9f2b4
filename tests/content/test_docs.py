"""docs/modules/content.md, "A worked example": every row of its table is checked here, so
the documented allow-list is the one the code applies."""

from __future__ import annotations

import re
from pathlib import Path

from runtime.modules.content.sanitize import sanitize_body

DOC = Path(__file__).parents[2] / "docs/modules/content.md"


def rows() -> list[tuple[str, str]]:
    text = DOC.read_text().split("### A worked example", 1)[1].split("\n## ", 1)[0]
    found = []
    for line in text.splitlines():
        cells = re.findall(r"\|\s*(`[^`]*`|\(nothing\))\s*(?=\|)", line)
        if len(cells) == 2:
            found.append(tuple("" if c == "(nothing)" else c.strip("`") for c in cells))
    return found


def test_the_worked_example():
    examples = rows()
    assert len(examples) == 7
    for dirty, clean in examples:
        assert sanitize_body(dirty) == clean, dirty
