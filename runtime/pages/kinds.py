"""Page kinds: the core ones and those modules add.

The core kinds (home, category, product, cart, user, custom) are always there. A module adds
a kind in its ``module.json`` ``page_kinds`` (the content module's ``article``): its query
parameters, the fixed block every page of the kind keeps and the kind's default page. Such a
kind exists for a shop only while its module is on: offered in the editor, rendered, served.
Every kind but ``custom`` has one page per shop whose slug is the kind.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from runtime.errors import FieldError, NotFound
from runtime.pages.manifests import FrozenRegistry, ManifestError, check_against, read_json

if TYPE_CHECKING:
    from runtime.modules.registry import ModuleRegistry
    from runtime.pages.blocks import BlockRegistry


@dataclass(frozen=True)
class PageKind:
    """One page kind. ``params``: integer query parameters the page reads (the product
    page's ``id``); ``text_params``: text ones (the category page's ``keyword``)."""

    kind: str
    params: tuple[str, ...] = ()
    text_params: tuple[str, ...] = ()
    single: bool = True
    module: str | None = None
    name: Mapping[str, str] = field(default_factory=dict)
    fixed_block: str | None = None
    preset: Mapping[str, Any] | None = None
    source: Path | None = None

    def default_page(self) -> dict[str, Any]:
        """A copy of the module's default page (module kinds only)."""
        if self.preset is None:
            raise ValueError(f"page kind {self.kind!r} has no default page of its own")
        return copy.deepcopy(dict(self.preset))


CORE_KINDS = (
    PageKind("home"),
    PageKind("category", params=("id", "group"), text_params=("keyword",)),
    PageKind("product", params=("id",)),
    PageKind("cart"),
    PageKind("user"),
    PageKind("custom", single=False),
)


class PageKindRegistry(FrozenRegistry[PageKind]):
    """Page kinds by name, core first; frozen after start-up."""

    key_field = "kind"

    def __init__(self, kinds: Iterable[PageKind] = ()) -> None:
        super().__init__()
        self._single: tuple[str, ...] = ()
        for kind in kinds:
            self.register(kind)

    def key(self, item: PageKind) -> str:
        return item.kind

    def manifest_path(self, item: PageKind) -> Path:
        return item.source or Path(__file__)

    def late_hint(self, item: PageKind) -> str:
        return "declare it in its module's module.json page_kinds"

    def __iter__(self) -> Iterator[PageKind]:
        """In the order registered: the core kinds, then modules' kinds by name."""
        return iter(self._items.values())

    def freeze(self) -> Self:
        self._single = tuple(k.kind for k in self if k.single)
        return super().freeze()

    def single_kinds(self) -> tuple[str, ...]:
        """Kinds with one page per shop (slug == kind): every kind but ``custom`` (found once
        when frozen: a cold render asks)."""
        return self._single if self._frozen else tuple(k.kind for k in self if k.single)

    def offered(self, enabled: frozenset[str]) -> list[PageKind]:
        """The kinds a shop with the modules ``enabled`` has."""
        return [k for k in self if k.module is None or k.module in enabled]

    def require_on(self, kind: str, enabled: frozenset[str]) -> PageKind:
        """The kind, or 404: ``page_not_found`` when unknown, ``module_disabled`` while the
        module that adds it is off."""
        found = self.get(kind)
        if found is None:
            raise NotFound(f"no page kind '{kind}'", code="page_not_found")
        if found.module is not None and found.module not in enabled:
            raise NotFound(f"'{found.module}' is not switched on for this shop",
                           code="module_disabled")
        return found


class SubjectNotFound(NotFound):
    """What a page of a module kind shows (the article of ``?id=``) is not there: the whole
    page answers 404 naming the parameter. Raised by the kind's fixed block resolver; never
    turned into a left-out block."""

    code = "page_subject_not_found"

    def __init__(self, param: str, detail: str) -> None:
        super().__init__(detail, extra={"errors": [
            FieldError(f"/{param}", detail, "not_found").as_dict()]})


def module_kinds(manifest: Mapping[str, Any], path: Path) -> tuple[PageKind, ...]:
    """The ``page_kinds`` of a ``module.json`` (already checked against its schema), each
    with its default page read from its file."""
    found = []
    for i, raw in enumerate(manifest.get("page_kinds", ())):
        preset_path = path.parent / raw["preset"]
        if not preset_path.is_file():
            raise ManifestError(path, f"/page_kinds/{i}/preset", f"no file {raw['preset']}")
        preset = read_json(preset_path)
        check_against("page", preset, preset_path)
        if preset["kind"] != raw["kind"]:
            raise ManifestError(preset_path, "/kind",
                                f"the default page of '{raw['kind']}' has kind "
                                f"'{raw['kind']}'")
        found.append(PageKind(raw["kind"], params=tuple(raw.get("params", ())),
                              module=manifest["id"], name=raw["name"],
                              fixed_block=raw["fixed_block"], preset=preset,
                              source=path))
    return tuple(found)


def load_kinds(modules: ModuleRegistry) -> PageKindRegistry:
    """The core kinds plus every module's; a module kind named like another is refused."""
    registry = PageKindRegistry(CORE_KINDS)
    added = sorted(((kind, module.path, i) for module in modules
                    for i, kind in enumerate(module.page_kinds)), key=lambda k: k[0].kind)
    for kind, path, i in added:
        if kind.kind in registry:
            raise ManifestError(path, f"/page_kinds/{i}/kind",
                                f"page kind '{kind.kind}' exists already")
        registry.register(kind)
    return registry.freeze()


def check_kinds(kinds: PageKindRegistry, blocks: BlockRegistry) -> None:
    """A module kind's fixed block is a fixed block of that kind that needs the module (so it
    goes with the module), and its default page is a valid page of the kind."""
    from runtime.pages.validation import check_page, with_fixed_blocks

    for kind in kinds:
        if kind.module is None:
            continue
        assert kind.source is not None
        where = f"/page_kinds/{kind.kind}/fixed_block"
        block = blocks.get(kind.fixed_block or "")
        if block is None:
            raise ManifestError(kind.source, where, f"unknown block '{kind.fixed_block}'")
        if not block.fixed or block.page_kinds != (kind.kind,) \
                or kind.module not in block.requires:
            raise ManifestError(kind.source, where,
                                f"'{block.type}' must be fixed, with page_kinds "
                                f"['{kind.kind}'] and requires ['{kind.module}']")
        preset = with_fixed_blocks(kind.default_page(), blocks, kind.kind)
        _config, errors = check_page(preset, blocks, kind.kind)
        if errors:
            raise ManifestError(kind.source, f"/page_kinds/{kind.kind}/preset"
                                f"{errors[0].pointer}", errors[0].message)
