"""Categories (a tree of at most three levels), tags and product groups (分组)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import Conflict
from runtime.modules.catalog.effects import on_catalog_changed
from runtime.modules.catalog.errors import CatalogErrorCode, not_found
from runtime.modules.catalog.models import (
    Category,
    GroupKind,
    GroupProduct,
    Product,
    ProductGroup,
    ProductTag,
    Tag,
)
from runtime.modules.catalog.validation import MISSING, Checker

MAX_CATEGORY_DEPTH = 3


# --- categories ---------------------------------------------------------------------------


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.category.id


def get_category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise not_found("category", category_id, CatalogErrorCode.CATEGORY_NOT_FOUND)
    return category


def category_tree(session: Session, *, visible_only: bool = False) -> list[CategoryNode]:
    """The shop's categories as a forest, siblings ordered by position then id.
    A hidden category hides its whole branch when ``visible_only``."""
    rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    nodes = {c.id: CategoryNode(c) for c in rows}
    roots: list[CategoryNode] = []
    for c in rows:
        node = nodes[c.id]
        if c.parent_id is None or c.parent_id not in nodes:
            roots.append(node)
        else:
            nodes[c.parent_id].children.append(node)
    if visible_only:
        def prune(items: list[CategoryNode]) -> list[CategoryNode]:
            kept = [n for n in items if n.category.is_visible]
            for n in kept:
                n.children = prune(n.children)
            return kept
        roots = prune(roots)
    return roots


def flattened(nodes: list[CategoryNode], depth: int = 0) -> Iterator[tuple[CategoryNode, int]]:
    """The tree depth-first, each node with its depth (0 for a root), as a picker lists it."""
    for node in nodes:
        yield node, depth
        yield from flattened(node.children, depth + 1)


def descendant_ids(session: Session, category_id: int) -> set[int]:
    """The category and every category under it."""
    parents = dict(session.execute(select(Category.id, Category.parent_id)).all())
    if category_id not in parents:
        return set()
    found = {category_id}
    grew = True
    while grew:
        grew = False
        for cid, parent in parents.items():
            if parent in found and cid not in found:
                found.add(cid)
                grew = True
    return found


def _depth(session: Session, category_id: int | None) -> int:
    depth = 0
    parents = dict(session.execute(select(Category.id, Category.parent_id)).all())
    while category_id is not None:
        depth += 1
        category_id = parents.get(category_id)
        if depth > MAX_CATEGORY_DEPTH + 1:
            break
    return depth


def _subtree_height(session: Session, category_id: int) -> int:
    children: dict[int | None, list[int]] = {}
    for cid, parent in session.execute(select(Category.id, Category.parent_id)):
        children.setdefault(parent, []).append(cid)

    def height(cid: int) -> int:
        return 1 + max((height(c) for c in children.get(cid, [])), default=0)
    return height(category_id)


def _category_fields(session: Session, data: Mapping[str, Any], *, creating: bool,
                     category: Category | None = None) -> dict[str, Any]:
    check = Checker()
    values = {
        "name": check.text(data, "name", "", required=creating, blank=False, max_len=40),
        "icon": check.optional_image(data, "icon", ""),
        "image": check.optional_image(data, "image", ""),
        "position": check.integer(data, "position", "", minimum=-100000, maximum=100000),
        "is_visible": check.boolean(data, "is_visible", ""),
    }
    if "parent_id" in data:
        parent_id = data["parent_id"]
        if parent_id is not None and (isinstance(parent_id, bool)
                                      or not isinstance(parent_id, int)):
            check.add("/parent_id", "must be a category id or null", "type")
        elif parent_id is not None:
            if session.get(Category, parent_id) is None:
                check.add("/parent_id", f"no category {parent_id}", "not_found")
            elif category is not None and parent_id in descendant_ids(session, category.id):
                check.add("/parent_id", "a category cannot be moved under itself", "cycle")
            else:
                below = _subtree_height(session, category.id) if category is not None else 1
                if _depth(session, parent_id) + below > MAX_CATEGORY_DEPTH:
                    check.add("/parent_id", f"categories nest at most {MAX_CATEGORY_DEPTH} "
                                            "levels deep", "depth")
        values["parent_id"] = parent_id
    check.media_exist(session, [(f"/{key}", values[key]) for key in ("icon", "image")
                                 if isinstance(values[key], dict)])
    check.done()
    return {k: v for k, v in values.items() if v is not MISSING}


def create_category(session: Session, data: Mapping[str, Any]) -> Category:
    category = Category(**_category_fields(session, data, creating=True))
    session.add(category)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return category


def update_category(session: Session, category_id: int, data: Mapping[str, Any]) -> Category:
    category = get_category(session, category_id)
    for key, value in _category_fields(session, data, creating=False,
                                       category=category).items():
        setattr(category, key, value)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return category


def category_product_counts(session: Session) -> dict[int, int]:
    """Live products directly in each category."""
    rows = session.execute(
        select(Product.category_id, func.count())
        .where(Product.deleted_at.is_(None), Product.category_id.is_not(None))
        .group_by(Product.category_id))
    return {category_id: count for category_id, count in rows}


def delete_category(session: Session, category_id: int) -> None:
    """Delete an empty category; one with sub-categories or products is refused."""
    category = get_category(session, category_id)
    children = session.scalar(select(func.count()).select_from(Category)
                              .where(Category.parent_id == category.id))
    products = session.scalar(select(func.count()).select_from(Product).where(
        Product.category_id == category.id, Product.deleted_at.is_(None)))
    if children or products:
        raise Conflict(f"category {category.name!r} still has {children} sub-categories and "
                       f"{products} products", code=CatalogErrorCode.CATEGORY_IN_USE.value)
    session.delete(category)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))


# --- tags ---------------------------------------------------------------------------------


def tags_by_name(session: Session, names: Iterable[str]) -> list[Tag]:
    """The tags with these names, created when missing, in the order given."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if not wanted:
        return []
    found = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    for name in wanted:
        if name not in found:
            found[name] = Tag(name=name)
            session.add(found[name])
    session.flush()
    return [found[n] for n in wanted]


def list_tags(session: Session) -> list[Tag]:
    return list(session.scalars(select(Tag).order_by(Tag.name)))


def product_tag_names(session: Session, product_ids: Iterable[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    ids = list(product_ids)
    if not ids:
        return result
    rows = session.execute(select(ProductTag.product_id, Tag.name)
                           .join(Tag, Tag.id == ProductTag.tag_id)
                           .where(ProductTag.product_id.in_(ids))
                           .order_by(ProductTag.id))
    for product_id, name in rows:
        result.setdefault(product_id, []).append(name)
    return result


def rename_tag(session: Session, tag_id: int, name: str) -> Tag:
    from runtime.modules.catalog.products import reindex_products

    tag = session.get(Tag, tag_id)
    if tag is None:
        raise not_found("tag", tag_id, CatalogErrorCode.TAG_NOT_FOUND)
    check = Checker()
    name = check.text({"name": name}, "name", "", required=True, max_len=40)
    check.done()
    clash = session.scalar(select(Tag.id).where(Tag.name == name, Tag.id != tag.id))
    if clash is not None:
        raise Conflict(f"a tag named {name!r} already exists", code="tag_exists")
    tag.name = name
    session.flush()
    reindex_products(session, session.scalars(
        select(ProductTag.product_id).where(ProductTag.tag_id == tag.id)))
    return tag


def delete_tag(session: Session, tag_id: int) -> None:
    from runtime.modules.catalog.products import reindex_products

    tag = session.get(Tag, tag_id)
    if tag is None:
        raise not_found("tag", tag_id, CatalogErrorCode.TAG_NOT_FOUND)
    product_ids = list(session.scalars(
        select(ProductTag.product_id).where(ProductTag.tag_id == tag.id)))
    session.execute(delete(ProductTag).where(ProductTag.tag_id == tag.id))
    session.delete(tag)
    session.flush()
    reindex_products(session, product_ids)


# --- groups -------------------------------------------------------------------------------


def get_group(session: Session, group_id: int) -> ProductGroup:
    group = session.get(ProductGroup, group_id)
    if group is None:
        raise not_found("group", group_id, CatalogErrorCode.GROUP_NOT_FOUND)
    return group


def list_groups(session: Session) -> list[ProductGroup]:
    return list(session.scalars(select(ProductGroup)
                                .order_by(ProductGroup.position, ProductGroup.id)))


def _rule(session: Session, value: Any, check: Checker) -> dict[str, Any]:
    """A group rule: ``tags`` (names; a product needs any one of them) and/or a price range."""
    if not isinstance(value, Mapping):
        check.add("/rule", "must be an object", "type")
        return {}
    unknown = set(value) - {"tags", "min_price_fen", "max_price_fen"}
    for key in sorted(unknown):
        check.add(f"/rule/{key}", "unknown rule field", "unknown")
    rule: dict[str, Any] = {}
    tags = value.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        check.add("/rule/tags", "must be a list of tag names", "type")
    elif tags:
        rule["tags"] = [t.name for t in tags_by_name(session, tags)]
    low = check.integer(value, "min_price_fen", "/rule", nullable=True)
    high = check.integer(value, "max_price_fen", "/rule", nullable=True)
    if isinstance(low, int):
        rule["min_price_fen"] = low
    if isinstance(high, int):
        rule["max_price_fen"] = high
    if isinstance(low, int) and isinstance(high, int) and low > high:
        check.add("/rule/max_price_fen", "must not be below min_price_fen", "range")
    if not rule and not check.errors:
        check.add("/rule", "a rule group needs tags or a price range", "required")
    return rule


def _group_fields(session: Session, data: Mapping[str, Any], *, creating: bool,
                  group: ProductGroup | None = None) -> dict[str, Any]:
    check = Checker()
    values = {
        "name": check.text(data, "name", "", required=creating, blank=False, max_len=40),
        "kind": check.choice(data, "kind", "", tuple(GroupKind),
                             default=GroupKind.MANUAL if creating else MISSING),
        "position": check.integer(data, "position", "", minimum=-100000, maximum=100000),
    }
    kind = values["kind"] if values["kind"] is not MISSING else (group.kind if group else None)
    if kind == GroupKind.RULE and ("rule" in data or creating):
        values["rule"] = _rule(session, data.get("rule"), check)
    elif kind == GroupKind.MANUAL:
        values["rule"] = {}
    check.done()
    return {k: v for k, v in values.items() if v is not MISSING}


def create_group(session: Session, data: Mapping[str, Any]) -> ProductGroup:
    group = ProductGroup(**_group_fields(session, data, creating=True))
    session.add(group)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return group


def update_group(session: Session, group_id: int, data: Mapping[str, Any]) -> ProductGroup:
    group = get_group(session, group_id)
    fields = _group_fields(session, data, creating=False, group=group)
    for key, value in fields.items():
        setattr(group, key, value)
    if group.kind == GroupKind.RULE:
        session.execute(delete(GroupProduct).where(GroupProduct.group_id == group.id))
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return group


def delete_group(session: Session, group_id: int) -> None:
    group = get_group(session, group_id)
    session.execute(delete(GroupProduct).where(GroupProduct.group_id == group.id))
    session.delete(group)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))


def manual_group_condition(group_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """The products placed in a manual group (an id or a bound parameter)."""
    return Product.id.in_(select(GroupProduct.product_id)
                          .where(GroupProduct.group_id == group_id))


def group_condition(session: Session, group: ProductGroup) -> ColumnElement[bool]:
    """The products of a group, as a condition on :class:`Product`."""
    if group.kind == GroupKind.MANUAL:
        return manual_group_condition(group.id)
    rule = group.rule or {}
    parts: list[ColumnElement[bool]] = []
    if rule.get("tags"):
        parts.append(Product.id.in_(
            select(ProductTag.product_id).join(Tag, Tag.id == ProductTag.tag_id)
            .where(Tag.name.in_(rule["tags"]))))
    if rule.get("min_price_fen") is not None:
        parts.append(Product.min_price_fen >= rule["min_price_fen"])
    if rule.get("max_price_fen") is not None:
        parts.append(Product.min_price_fen <= rule["max_price_fen"])
    return and_(*parts) if parts else false()


def add_to_groups(session: Session, product_ids: Iterable[int], group_ids: Iterable[int],
                  *, replace: bool = False) -> None:
    """Place products in manual groups (``replace``: and take them out of all others)."""
    pids, gids = sorted(set(product_ids)), sorted(set(group_ids))
    groups = {g.id: g for g in session.scalars(
        select(ProductGroup).where(ProductGroup.id.in_(gids)))}
    check = Checker()
    for i, gid in enumerate(gids):
        if gid not in groups:
            check.add(f"/group_ids/{i}", f"no group {gid}", "not_found")
        elif groups[gid].kind != GroupKind.MANUAL:
            check.add(f"/group_ids/{i}", f"group {gid} is rule-based; products join it by "
                                         "its rule", "rule_group")
    check.done()
    if replace and pids:
        condition = GroupProduct.product_id.in_(pids)
        if gids:
            condition = and_(condition, GroupProduct.group_id.not_in(gids))
        session.execute(delete(GroupProduct).where(condition))
    if pids and gids:
        have = set(session.execute(select(GroupProduct.group_id, GroupProduct.product_id).where(
            GroupProduct.group_id.in_(gids), GroupProduct.product_id.in_(pids))))
        session.add_all(GroupProduct(group_id=g, product_id=p)
                        for g in gids for p in pids if (g, p) not in have)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))


def remove_from_groups(session: Session, product_ids: Iterable[int],
                       group_ids: Iterable[int]) -> None:
    session.execute(delete(GroupProduct).where(
        GroupProduct.product_id.in_(list(product_ids)),
        GroupProduct.group_id.in_(list(group_ids))))
    session.flush()
    on_catalog_changed(session, current_shop_id(session))


def product_group_ids(session: Session, product_id: int) -> list[int]:
    return list(session.scalars(select(GroupProduct.group_id)
                                .where(GroupProduct.product_id == product_id)
                                .order_by(GroupProduct.group_id)))


def group_product_counts(session: Session) -> dict[int, int]:
    """How many live products each group holds (rule groups evaluated)."""
    counts: dict[int, int] = {}
    live = Product.deleted_at.is_(None)
    for group in list_groups(session):
        counts[group.id] = session.scalar(
            select(func.count()).select_from(Product)
            .where(live, group_condition(session, group))) or 0
    return counts

