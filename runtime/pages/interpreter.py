"""The interpreter: a published (or draft) page -> batched block data -> node tree -> H5 or
layout JSON. Data loading is the only IO; the tree is built by :mod:`runtime.pages.tree`."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import redis
from markupsafe import Markup
from sqlalchemy.orm import Session

from runtime.headers import nonce_slot
from runtime.modules.switches import ModuleState, module_state
from runtime.pages import navigation, page_settings, tree
from runtime.pages.kinds import SubjectNotFound
from runtime.pages.registries import Registries
from runtime.pages.render import render_bounded, render_nodes, theme_templates
from runtime.themes.service import ActiveTheme, active_theme, for_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShopInfo:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class ResolveContext:
    """What a block's ``resolve(batch, ctx)`` gets besides its batch of instances."""

    session: Session
    redis: redis.Redis | None
    shop: ShopInfo
    page: Mapping[str, Any]
    params: Mapping[str, int | str]
    client_version: tuple[int, int, int] | None
    modules: ModuleState
    theme_tokens: Mapping[str, Any]
    preview: bool = False
    loads: dict[str, Any] = field(default_factory=dict)
    """Scratch space of this render, for loads block types share (see ``prepare``)."""

    def image_url(self, ref: Any, size: int | None = None) -> str | None:
        """A URL for an image reference (``{"media_id"}`` or ``{"url"}``)."""
        from runtime.media.refs import media_url

        return media_url(ref, size, session=self.session)

    def module_settings(self, module_id: str) -> dict[str, Any]:
        return self.modules.settings_of(module_id)


class ResolveFailed(RuntimeError):
    """An unguarded resolve failed: the caller rolls back and renders again guarded."""


@dataclass
class Rendered:
    page: dict[str, Any]
    theme: ActiveTheme
    nodes: list[dict[str, Any]]
    dropped: list[str] = field(default_factory=list)
    navigation: dict[str, Any] | None = None

    def layout(self) -> dict[str, Any]:
        theme: dict[str, Any] = {"id": self.theme.theme.id, "version": self.theme.theme.version,
                                 "tokens": self.theme.tokens}
        wanted = self.theme.fallback_from
        if wanted is not None:
            theme["fallback_from"] = {"id": wanted.id, "version": wanted.version,
                                      "min_client": wanted.manifest["min_client"]}
        return tree.layout_document(self.page, theme, self.nodes, self.navigation)


def interpret(session: Session, registries: Registries, shop: ShopInfo, page: Mapping[str, Any],
              config: Mapping[str, Any], *, client_version: tuple[int, int, int] | None = None,
              params: Mapping[str, int | str] | None = None, conn: redis.Redis | None = None,
              preview: bool = False, theme: ActiveTheme | None = None,
              guarded: bool = True) -> Rendered:
    """Resolve every shown block, one ``resolve`` call per block type, and build the nodes.

    ``page``: ``id``, ``slug``, ``kind``, ``title``, ``version`` of what is being shown
    (404 ``module_disabled`` for a page of a module's kind while that module is off);
    ``theme``: another theme than the shop's active one (a gallery preview); ``guarded``:
    see :func:`resolve_all`.
    """
    modules = module_state(session, registries.modules)
    registries.kinds.require_on(page["kind"], modules.enabled)
    theme = for_client(session, registries.themes,
                       theme or active_theme(session, registries.themes), client_version)
    visibility = tree.Visibility(modules.enabled, client_version, page["kind"])
    instances = tree.visible_instances(config, registries.blocks, visibility)
    ctx = ResolveContext(session=session, redis=conn, shop=shop, page=page,
                         params=dict(params or {}), client_version=client_version,
                         modules=modules, theme_tokens=theme.tokens, preview=preview)
    data, failed = resolve_all(instances, registries, ctx, guarded=guarded)
    bar = navigation.navigation_of(session)[0]
    expand = _image_expander(session, tree.image_refs(instances) + navigation.image_refs(bar)
                             + page_settings.image_refs(config))
    built = tree.build_nodes(instances, registries.blocks, data, failed, expand)
    page_info = {**page, "background": config.get("background", ""),
                 **page_settings.page_section(config, expand)}
    return Rendered(page_info, theme, built.nodes, built.dropped,
                    navigation.layout_section(bar, expand))


def resolve_all(instances: list[tree.Instance], registries: Registries,
                ctx: ResolveContext, *, guarded: bool = True) -> tuple[dict[str, Any], set[str]]:
    """Call each block type's ``prepare`` (all of them first), then its ``resolve`` once with
    all its instances; a block type that raises or returns something unusable fails only its
    own blocks, except :class:`~runtime.pages.kinds.SubjectNotFound` (a page kind's fixed
    block finding no subject), which makes the whole page 404.

    ``guarded``: each call runs in a savepoint, so a failed statement cannot spoil the
    transaction for the other blocks. Unguarded (two statements fewer per block type), the
    first failure raises :class:`ResolveFailed` instead, for the caller to roll back and
    render again guarded.
    """
    data: dict[str, Any] = {}
    failed: set[str] = set()
    batches = tree.batches(instances)
    for stage in ("prepare", "resolve"):
        for type_, batch in batches.items():
            block = registries.blocks[type_]
            call = block.preparer if stage == "prepare" else block.resolver
            ids = [i.id for i in batch]
            if call is None or failed.issuperset(ids):
                continue
            try:
                if guarded:
                    with ctx.session.begin_nested():
                        result = call(batch, ctx)
                else:
                    result = call(batch, ctx)
                if stage == "resolve":
                    data.update(_checked(result, batch))
            except SubjectNotFound:
                raise  # the page's subject (its ?id=) is missing: the page is, not a block
            except Exception as exc:
                if not guarded:
                    raise ResolveFailed(f"{stage}() of {type_} failed") from exc
                log.exception("blocks %s (%s) left out of page %s: %s() failed",
                              ", ".join(ids), type_, ctx.page.get("slug"), stage)
                failed.update(ids)
    return data, failed


def _checked(result: Any, batch: list[tree.Instance]) -> dict[str, Any]:
    """Each instance's data from a resolver's result, which must be a JSON-able mapping."""
    if not isinstance(result, Mapping):
        raise TypeError(f"resolve() returned {type(result).__name__}, not a mapping")
    out = {}
    for instance in batch:
        value = result.get(instance.id)
        json.dumps(value)
        out[instance.id] = value
    return out


def _image_expander(session: Session, refs: list[dict[str, Any]]) -> tree.ImageExpander:
    assets: dict[int, Any] = {}
    if refs:
        from runtime.media.refs import load_assets

        assets = load_assets(session, refs)

    def expand(ref: dict[str, Any]) -> dict[str, Any]:
        from runtime.media.refs import asset_url, is_http_url

        out: dict[str, Any] = {"url": None, "sizes": {}, "alt": ref.get("alt", "")}
        if "url" in ref:
            out["url"] = ref["url"] if is_http_url(ref["url"]) else None
            return out
        out["media_id"] = ref["media_id"]
        asset = assets.get(ref["media_id"])
        if asset is not None and getattr(asset, "deleted_at", None) is None:
            out["url"] = asset_url(asset)
            out["sizes"] = {str(w): asset_url(asset, w) for w in sorted(asset.thumbnail_keys())}
            out["width"], out["height"] = asset.width, asset.height
        return out

    return expand


def render_html(rendered: Rendered, registries: Registries, shop: ShopInfo,
                stylesheet_url: str) -> str:
    """The H5 page: each block through the theme's sandboxed templates, then the page frame.
    A block whose template fails is left out (logged), not the page; a theme whose page frame
    fails gets the default theme's frame."""
    theme = rendered.theme.theme
    default = registries.themes.default
    templates = theme_templates(registries.blocks, theme, default.page_template)
    base = {"page": rendered.page, "shop": {"slug": shop.slug, "name": shop.name},
            "theme": rendered.theme.tokens, "csp_nonce": nonce_slot()}
    blocks = render_nodes(templates, rendered.nodes, base, rendered.dropped)
    body = Markup("\n".join(html for _id, html in blocks))
    bar = (navigation.h5_bar(rendered.navigation, shop.slug, rendered.page["slug"])
           if rendered.navigation else None)
    context = {**base, "body": body, "stylesheet_url": stylesheet_url, "navigation": bar}
    try:
        return render_bounded(templates.env, "page", context)
    except Exception:
        if theme.id == default.id:
            raise
        log.exception("page frame of theme %s failed on page %s; using the default frame",
                      theme.id, rendered.page.get("slug"))
    frame = theme_templates(registries.blocks, default, default.page_template)
    return render_bounded(frame.env, "page", {
        **context, "theme": {**default.defaults, **rendered.theme.tokens}})
