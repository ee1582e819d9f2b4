"""Page management behind the console's pages list and editor: rename, duplicate, delete,
set as home, and rendering a draft the editor has not saved yet.

Services take a session already scoped to the shop and never read the request; the views
turn their results into JSON or HTML.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.modules.switches import enabled_modules
from runtime.pages import store
from runtime.pages.cache import bump_config_after_commit
from runtime.pages.interpreter import ShopInfo, interpret, render_html
from runtime.pages.models import Page, PageSchedule, PageVersion
from runtime.pages.registries import Registries
from runtime.pages.render import render_nodes, theme_templates
from runtime.pages.validation import check_page

TITLE_MAX = 60


@dataclass(frozen=True)
class PageRow:
    """One line of the pages list."""

    slug: str
    kind: str
    title: str
    draft_revision: int
    live_version: int | None
    published_at: datetime | None
    unpublished_changes: bool
    block_count: int


def _shop(session: Session) -> int:
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("page management needs a shop context (use_shop)")
    return shop_id


def pages_overview(session: Session, registries: Registries) -> list[PageRow]:
    """Every page of the shop, the fixed ones (home, category, ..., and those of modules' kinds
    while their module is on: article) first and created from the presets when missing, then
    custom pages by title. A page of a module's kind is left out while the module is off."""
    kinds = registries.kinds.offered(enabled_modules(session))
    for kind in kinds:
        if kind.single:
            store.ensure_page(session, kind.kind, registries)
    live = aliased(PageVersion)
    rows = session.execute(
        select(Page, live.config)
        .where(Page.kind.in_([k.kind for k in kinds]))
        .outerjoin(live, (live.page_id == Page.id) & (live.number == Page.live_version))
        .order_by(Page.id)).all()
    order = {kind.kind: i for i, kind in enumerate(kinds)}
    out = [PageRow(slug=page.slug, kind=page.kind, title=page.title,
                   draft_revision=page.draft_revision, live_version=page.live_version,
                   published_at=page.published_at,
                   unpublished_changes=live_config is None or live_config != page.draft,
                   block_count=len(page.draft.get("blocks") or []))
           for page, live_config in rows]
    return sorted(out, key=lambda r: (order.get(r.kind, 99),
                                      r.title if r.kind == "custom" else "", r.slug))


def _title(value: Any, pointer: str = "/title") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed.single(pointer, "a page needs a title", "required")
    title = value.strip()
    if len(title) > TITLE_MAX:
        raise ValidationFailed.single(pointer, f"at most {TITLE_MAX} characters", "maxLength")
    return title


def rename_page(session: Session, slug: str, title: Any) -> Page:
    """Give the page a new title. The title is part of the draft, so the live page shows it
    after the next publish; editors open on the page see a newer draft revision."""
    new_title = _title(title)
    page = store.get_page(session, slug, lock=True)
    draft = copy.deepcopy(page.draft)
    draft["title"] = new_title
    page.draft = draft
    page.title = new_title
    page.draft_revision += 1
    session.flush()
    return page


@dataclass(frozen=True)
class Duplicated:
    page: Page
    left_out: list[str]


def _allowed_on(instances: Iterable[Any], kind: str,
                registries: Registries) -> tuple[list[Any], list[str]]:
    """The top-level blocks that may stand on a page of ``kind`` and the types left out."""
    kept, left_out = [], []
    for instance in instances:
        block = registries.blocks.get(instance.get("type", "")) \
            if isinstance(instance, Mapping) else None
        if block is not None and not block.allowed_on(kind):
            left_out.append(block.type)
            continue
        kept.append(copy.deepcopy(instance))
    return kept, left_out


def duplicate_page(session: Session, slug: str, new_slug: str, title: Any,
                   registries: Registries) -> Duplicated:
    """A new custom page holding a copy of ``slug``'s draft. Blocks that may not stand on a
    custom page (e.g. the product page's buy bar) are left out and named."""
    source = store.get_page(session, slug)
    new_title = _title(title)
    page = store.create_page(session, new_slug, new_title, registries=registries)
    blocks, left_out = _allowed_on(source.draft.get("blocks") or [], "custom", registries)
    config = {**copy.deepcopy(source.draft), "kind": "custom", "title": new_title,
              "blocks": blocks}
    normalised, errors = check_page(config, registries.blocks, "custom")
    if errors:
        raise ValidationFailed(errors, detail="the copied page is not valid; fix the "
                                              "original first")
    page.draft = normalised
    page.draft_revision += 1
    session.flush()
    return Duplicated(page, left_out)


def delete_page(session: Session, slug: str) -> None:
    """Delete a custom page with its versions and scheduled publications. The fixed pages
    (home, category, product, cart, user) belong to every shop and cannot be deleted."""
    page = store.get_page(session, slug, lock=True)
    if page.kind != "custom":
        raise Conflict(f"the {page.kind} page cannot be deleted", code="page_required")
    session.execute(delete(PageSchedule).where(PageSchedule.page_id == page.id))
    session.execute(delete(PageVersion).where(PageVersion.page_id == page.id))
    session.delete(page)
    session.flush()
    if page.live_version is not None:
        bump_config_after_commit(session, _shop(session))


@dataclass(frozen=True)
class HomeReplaced:
    version: PageVersion
    left_out: list[str]


def set_as_home(session: Session, slug: str, *, user_id: int | None,
                registries: Registries) -> HomeReplaced:
    """Make a custom page the shop's home page: its draft becomes the home page's draft and
    is published at once as a new home version (so it can be rolled back like any publish).
    Blocks the home page does not allow are left out and named."""
    source = store.get_page(session, slug)
    if source.kind != "custom":
        raise Conflict("only a custom page can be set as the home page", code="not_custom")
    home = store.ensure_page(session, "home", registries)
    home = store.get_page(session, "home", lock=True)
    blocks, left_out = _allowed_on(source.draft.get("blocks") or [], "home", registries)
    config = {**copy.deepcopy(source.draft), "kind": "home", "blocks": blocks}
    normalised, errors = check_page(config, registries.blocks, "home")
    if errors:
        raise ValidationFailed(errors, detail="the page is not valid; fix it first")
    home.draft = normalised
    home.title = normalised["title"]
    home.draft_revision += 1
    session.flush()
    version = store.publish(session, "home", user_id=user_id, note=f"set as home: {slug}",
                            registries=registries)
    return HomeReplaced(version, left_out)


# --- rendering for the editor ------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRender:
    """What the editor's preview needs: the whole H5 page, or the HTML of some top-level
    blocks, plus the blocks left out because their settings are not valid yet."""

    page_html: str | None
    blocks: dict[str, str]
    invalid: dict[str, list[FieldError]]


def _block_errors(config: Mapping[str, Any], registries: Registries, kind: str,
                  only: list[str] | None) -> dict[int, list[FieldError]]:
    """Errors per top-level block index (the page itself under -1). With ``only``, just those
    blocks are checked (plus the per-page limits, counted over the whole page), so a keystroke
    in one block of a long page costs one block's validation."""
    blocks = config["blocks"]
    indexes = list(range(len(blocks))) if only is None else [
        i for i, b in enumerate(blocks) if isinstance(b, Mapping) and str(b.get("id")) in only]
    subset = {**config, "blocks": [blocks[i] for i in indexes]}
    _normalised, errors = check_page(subset, registries.blocks, kind, fixed=only is None)
    out: dict[int, list[FieldError]] = {}
    for error in errors:
        parts = error.pointer.split("/")
        if len(parts) > 2 and parts[1] == "blocks" and parts[2].isdigit():
            index = indexes[int(parts[2])]
            pointer = "/".join(["", "blocks", str(index), *parts[3:]])
            if error.code == "limit" and only is not None:
                continue  # counted over the whole page below
            out.setdefault(index, []).append(FieldError(pointer, error.message, error.code))
        else:
            out.setdefault(-1, []).append(error)
    if only is not None:
        seen: dict[str, int] = {}
        for i, instance in enumerate(blocks):
            if not isinstance(instance, Mapping):
                continue
            block = registries.blocks.get(str(instance.get("type", "")))
            if block is None or block.limit is None:
                continue
            seen[block.type] = seen.get(block.type, 0) + 1
            if seen[block.type] > block.limit and i in indexes:
                out.setdefault(i, []).append(FieldError(
                    f"/blocks/{i}", f"at most {block.limit} '{block.type}' block(s) per page",
                    "limit"))
    return out


def render_draft(session: Session, registries: Registries, shop: ShopInfo, page: Page,
                 config: Any, *, only: list[str] | None,
                 stylesheet_url: Callable[[], str], conn: Any = None) -> DraftRender:
    """Render an unsaved draft through the real interpreter and templates, never cached.

    Top-level blocks whose settings are not valid are left out and reported (the editor
    keeps showing their last good render); with ``only``, just those blocks are resolved and
    rendered (one block's change costs one block's render, not the page's).
    """
    if not isinstance(config, Mapping) or not isinstance(config.get("blocks"), list):
        raise ValidationFailed.single("/config", "the draft config is required", "required")
    errors = _block_errors(config, registries, page.kind, only)
    if errors.get(-1) and only is None:
        raise ValidationFailed(errors[-1])
    instances = config["blocks"]
    invalid: dict[str, list[FieldError]] = {}
    kept = []
    for i, instance in enumerate(instances):
        block_id = str(instance.get("id")) if isinstance(instance, Mapping) else str(i)
        if only is not None and block_id not in only:
            continue
        if i in errors:
            invalid[block_id] = errors[i]
            continue
        kept.append(instance)
    draft = {**config, "blocks": kept}
    if errors.get(-1):
        draft = {**page.draft, "blocks": kept}
    page_info = {"id": page.id, "slug": page.slug, "kind": page.kind,
                 "title": str(draft.get("title") or page.title), "version": 0}
    rendered = interpret(session, registries, shop, page_info, draft, conn=conn, preview=True)
    if only is None:
        return DraftRender(render_html(rendered, registries, shop, stylesheet_url()), {},
                           invalid)
    theme = rendered.theme.theme
    templates = theme_templates(registries.blocks, theme,
                                registries.themes.default.page_template)
    base = {"page": rendered.page, "shop": {"slug": shop.slug, "name": shop.name},
            "theme": rendered.theme.tokens}
    html = dict(render_nodes(templates, rendered.nodes, base, rendered.dropped))
    return DraftRender(None, html, invalid)


def render_version(session: Session, registries: Registries, shop: ShopInfo, slug: str,
                   number: int, *, stylesheet_url: str, conn: Any = None) -> str:
    """A published version of a page as H5, for the history's preview."""
    page = store.get_page(session, slug)
    version = session.scalar(select(PageVersion).where(PageVersion.page_id == page.id,
                                                       PageVersion.number == number))
    if version is None:
        raise NotFound(f"page '{slug}' has no version {number}", code="version_not_found")
    page_info = {"id": page.id, "slug": page.slug, "kind": page.kind,
                 "title": version.config.get("title", page.title), "version": number}
    rendered = interpret(session, registries, shop, page_info, version.config, conn=conn,
                         preview=True)
    return render_html(rendered, registries, shop, stylesheet_url)
