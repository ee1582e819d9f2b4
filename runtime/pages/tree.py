"""The pure core of the interpreter: page config + module state + resolved data -> node tree.

Nothing here touches a database, Redis or Flask, so every rule (hidden blocks, switched-off
modules, client versions, settings migration, rich-text cleaning) is testable on plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.pages.blocks import BlockRegistry, BlockType
from runtime.pages.richtext import sanitize_html

ClientVersion = tuple[int, int, int]
PROTOCOL = 1


@dataclass(frozen=True)
class Instance:
    """A block instance that will be shown: settings upgraded and filled with defaults."""

    id: str
    type: str
    version: int
    settings: dict[str, Any]
    children: tuple[Instance, ...] = ()


@dataclass(frozen=True)
class Visibility:
    """What decides whether a block is shown, besides its own ``hidden`` flag."""

    enabled_modules: frozenset[str]
    client_version: ClientVersion | None = None
    page_kind: str | None = None


def shown(block: BlockType, visibility: Visibility) -> bool:
    if any(m not in visibility.enabled_modules for m in block.requires):
        return False
    if (block.min_client and visibility.client_version is not None
            and visibility.client_version < block.min_client):
        return False
    return not (visibility.page_kind and not block.allowed_on(visibility.page_kind))


def visible_instances(config: Mapping[str, Any], blocks: BlockRegistry,
                      visibility: Visibility) -> list[Instance]:
    """The blocks to show, in page order; hidden, unknown, module-off and too-new blocks (and
    everything inside them) are left out. A fixed block the page lacks (a product page saved
    before its buy box existed) is shown first with its defaults."""
    shown_ = _instances(config.get("blocks") or [], blocks, visibility, parent=None)
    present = {i.type for i in shown_}
    missing = [Instance(b.type, b.type, b.version, b.default_settings()) for b in blocks
               if b.fixed and visibility.page_kind and b.allowed_on(visibility.page_kind)
               and b.type not in present
               and shown(b, visibility)]
    return missing + shown_


def _instances(raw: Iterable[Any], blocks: BlockRegistry, visibility: Visibility,
               parent: BlockType | None) -> list[Instance]:
    out: list[Instance] = []
    for item in raw:
        if not isinstance(item, Mapping) or item.get("hidden"):
            continue
        block = blocks.get(item.get("type", ""))
        if block is None or (parent is not None and block.type not in parent.child_types):
            continue
        if not shown(block, Visibility(visibility.enabled_modules, visibility.client_version,
                                       None if parent else visibility.page_kind)):
            continue
        settings = block.effective_settings(item.get("settings"), item.get("version"))
        children = _instances(item.get("blocks") or [], blocks, visibility, block)
        if block.max_children:
            children = children[:block.max_children]
        out.append(Instance(str(item.get("id")), block.type, block.version, settings,
                            tuple(children)))
    return out


def walk(instances: Iterable[Instance]) -> Iterable[Instance]:
    for instance in instances:
        yield instance
        yield from walk(instance.children)


def batches(instances: Iterable[Instance]) -> dict[str, list[Instance]]:
    """Instances grouped by block type, children included, in page order."""
    grouped: dict[str, list[Instance]] = {}
    for instance in walk(instances):
        grouped.setdefault(instance.type, []).append(instance)
    return grouped


def image_refs(instances: Iterable[Instance]) -> list[dict[str, Any]]:
    """Every ``{"media_id": ...}`` reference in the shown blocks' settings."""
    refs: list[dict[str, Any]] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("media_id"), int):
                refs.append(value)
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    for instance in walk(instances):
        visit(instance.settings)
    return refs


ImageExpander = Callable[[dict[str, Any]], dict[str, Any]]


def props_of(instance: Instance, blocks: BlockRegistry,
             expand_image: ImageExpander | None = None) -> dict[str, Any]:
    """A block's settings as sent to clients: rich text cleaned, images given their URLs.

    Built as one new structure (the settings are shared with the page config, never
    changed), instead of a deep copy followed by edits."""
    props = dict(instance.settings)
    for key in blocks[instance.type].richtext_keys:
        if isinstance(props.get(key), str):
            props[key] = sanitize_html(props[key])
    return _expand(props, expand_image)


def _expand(value: Any, expand_image: ImageExpander | None) -> Any:
    if isinstance(value, dict):
        if expand_image is not None and set(value) - {"alt"} in ({"media_id"}, {"url"}):
            return expand_image(value)
        return {k: _expand(v, expand_image) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, expand_image) for v in value]
    return value


@dataclass
class NodeTree:
    nodes: list[dict[str, Any]]
    dropped: list[str] = field(default_factory=list)


def build_nodes(instances: Iterable[Instance], blocks: BlockRegistry, data: Mapping[str, Any],
                failed: set[str] | frozenset[str] = frozenset(),
                expand_image: ImageExpander | None = None) -> NodeTree:
    """Layout nodes for the instances; a block whose resolver failed is left out (with its
    children) and listed in ``dropped``."""
    tree = NodeTree([])

    def node(instance: Instance) -> dict[str, Any] | None:
        if instance.id in failed:
            tree.dropped.append(instance.id)
            return None
        children = [n for n in (node(c) for c in instance.children) if n is not None]
        return {"id": instance.id, "type": instance.type, "v": instance.version,
                "props": props_of(instance, blocks, expand_image),
                "data": data.get(instance.id), "children": children}

    tree.nodes = [n for n in (node(i) for i in instances) if n is not None]
    return tree


def layout_document(page: Mapping[str, Any], theme: Mapping[str, Any],
                    nodes: list[dict[str, Any]],
                    navigation: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The layout protocol document (``schemas/layout.schema.json``)."""
    document = {"protocol": PROTOCOL, "page": dict(page), "theme": dict(theme), "nodes": nodes}
    if navigation is not None:
        document["navigation"] = dict(navigation)
    return document
