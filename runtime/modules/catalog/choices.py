"""What the console's category and group pickers offer (the product list's filters, the
product form, the export form): the category tree flattened depth-first, each category with
its depth, and the groups; kept in the catalog cache (:mod:`.cache`) until the catalog
changes."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.catalog import taxonomy
from runtime.modules.catalog.cache import read_through
from runtime.modules.catalog.models import GroupKind

#: A picker shows a category's depth as this many full-width spaces before its name.
INDENT = "　"


def indented(name: str, depth: int) -> str:
    """A category's name as a picker lists it at ``depth`` (0 for a root)."""
    return INDENT * depth + name


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    name: str
    depth: int

    @property
    def label(self) -> str:
        return indented(self.name, self.depth)


@dataclass(frozen=True)
class GroupChoice:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class PickerChoices:
    categories: list[CategoryChoice]
    groups: list[GroupChoice]

    @property
    def manual_groups(self) -> list[GroupChoice]:
        """The groups products are put in by hand (a rule group picks its own)."""
        return [g for g in self.groups if g.kind == GroupKind.MANUAL]


def picker_choices(session: Session) -> PickerChoices:
    """The choices of the session's shop, read at most once per catalog version."""
    return read_through(session, "choices", read_choices, dump=_dump, load=_load)


def read_choices(session: Session) -> PickerChoices:
    """The choices read from the database (two statements)."""
    tree = taxonomy.category_tree(session)
    return PickerChoices(
        [CategoryChoice(node.id, node.category.name, depth)
         for node, depth in taxonomy.flattened(tree)],
        [GroupChoice(g.id, g.name, str(g.kind)) for g in taxonomy.list_groups(session)])


def _dump(choices: PickerChoices) -> dict[str, Any]:
    return {"categories": [astuple(c) for c in choices.categories],
            "groups": [astuple(g) for g in choices.groups]}


def _load(data: dict[str, Any]) -> PickerChoices:
    return PickerChoices([CategoryChoice(*c) for c in data["categories"]],
                         [GroupChoice(*g) for g in data["groups"]])
