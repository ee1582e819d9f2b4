"""Serving published pages over HTTP: cached, with strong ETags and 304s; draft previews.

The warm path runs no SQL and usually no Redis call: the shop's id comes from a short-lived
in-process map (slug -> id, 30 s) and the output from the process mirror of the cache (see
:mod:`runtime.pages.cache`). A miss renders from the database; with Redis down pages are
rendered uncached rather than failing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
from flask import Response, request
from sqlalchemy import select

from runtime.db import current_shop_id, use_shop
from runtime.errors import NotFound, ValidationFailed
from runtime.extension import Mallkit, state
from runtime.headers import FilledResponse, fill_nonce_slot, nonce_slot
from runtime.pages import store
from runtime.pages.blocks import parse_version
from runtime.pages.cache import OutputCache, etag_for
from runtime.pages.interpreter import (
    Rendered,
    ResolveFailed,
    ShopInfo,
    interpret,
    render_html,
)
from runtime.pages.registries import Registries
from runtime.shops.models import Shop
from runtime.tenancy import db, enter_shop
from runtime.themes.registry import Theme
from runtime.themes.service import ActiveTheme

log = logging.getLogger(__name__)

SHOP_REF_TTL = 30.0
MAX_TEXT_PARAM = 50


def registries() -> Registries:
    return state().registries["pages"]


def output_cache(mk: Mallkit | None = None) -> OutputCache:
    """The app's output cache (its entries note the CSP nonce slot, see :mod:`runtime.headers`)."""
    mk = mk or state()
    cache = mk.registries.get("pages.cache")
    if cache is None:
        cache = mk.registries["pages.cache"] = OutputCache(mk.redis, nonce_slot().encode())
        mk.closers.append(cache.close)  # its listener stops before the app lets go of Redis
    return cache


def shop_refs(mk: Mallkit | None = None) -> dict[str, tuple[float, int]]:
    """slug -> (valid until, shop id): the process's short-lived map of active shops."""
    return (mk or state()).registries.setdefault("pages.shop_refs", {})


def shop_id_for(slug: str, mk: Mallkit | None = None) -> int:
    """The active shop's id for ``slug`` from a 30-second in-process map (404 if none)."""
    refs = shop_refs(mk)
    now = time.monotonic()
    hit = refs.get(slug)
    if hit is not None and hit[0] > now:
        return hit[1]
    shop_id = db().scalar(select(Shop.id).where(Shop.slug == slug, Shop.status == "active"))
    if shop_id is None:
        refs.pop(slug, None)
        raise NotFound(f"no shop '{slug}'", code="shop_not_found")
    refs[slug] = (now + SHOP_REF_TTL, shop_id)
    return shop_id


def client_version() -> tuple[int, int, int] | None:
    """The mini-program version from ``X-Client-Version`` or ``?client=`` (None: newest)."""
    raw = request.environ.get("HTTP_X_CLIENT_VERSION") or (  # the header, without parsing all
        request.args.get("client") if request.query_string else None)
    if not raw:
        return None
    try:
        return parse_version(raw.strip())
    except ValueError:
        raise ValidationFailed.single("/client", "a client version is major.minor.patch, "
                                                 "e.g. 2.3.0", "format") from None


def page_params(slug: str) -> dict[str, int | str]:
    """The query parameters a page kind reads (``runtime.pages.kinds``): ids (the category
    page's ``group``, the product and article pages' ``id``) and the category page's search
    ``keyword``."""
    params: dict[str, int | str] = {}
    kind = registries().kinds.get(slug)
    if kind is None:
        return params
    for name in kind.params:
        raw = request.args.get(name)
        if raw is None:
            continue
        if not raw.isdigit() or not 0 < int(raw) < 2**63:
            raise ValidationFailed.single(f"/{name}", "must be a positive integer", "type")
        params[name] = int(raw)
    for name in kind.text_params:
        text = " ".join((request.args.get(name) or "").split())
        if len(text) > MAX_TEXT_PARAM:
            raise ValidationFailed.single(f"/{name}", f"at most {MAX_TEXT_PARAM} characters",
                                          "max_length")
        if text:
            params[name] = text
    return params


def variant_of(regs: Registries, client: tuple[int, int, int] | None,
               params: Mapping[str, int | str],
               floors: tuple[tuple[int, int, int], ...] = ()) -> str:
    """Requests that get the same output share a variant: the client version counts only
    through how many blocks' ``min_client`` thresholds it passes and, for a stated client,
    between which two known themes' ``min_client`` (``floors``) it lies."""
    thresholds = regs.blocks.min_client_thresholds
    bucket = len(thresholds) if client is None else sum(1 for t in thresholds if t <= client)
    themes = ""
    if client is not None:
        low = max((f for f in floors if f <= client), default=None)
        high = min((f for f in floors if f > client), default=None)
        themes = f"-t{_dotted(low) if low else '0'}~{_dotted(high) if high else 'inf'}"
    extra = "".join(f"-{k}{_variant_part(v)}" for k, v in sorted(params.items()))
    return f"c{bucket}{themes}{extra}"


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


THEME_FLOORS_TTL = 60.0
_theme_floors: dict[str, Any] = {"until": 0.0, "floors": ()}


def theme_floors(regs: Registries, *, refresh: bool = False) -> tuple[tuple[int, int, int], ...]:
    """The ``min_client`` of every theme a shop can be on (bundled; uploaded, published or
    deprecated), re-read at most once a minute. Only a hint: a layout is cached only when its
    variant separates its theme's ``min_client`` (:func:`published`), so a stale list costs
    caching, never a wrong layout."""
    from runtime.themes.catalog import client_floors

    now = time.monotonic()
    if refresh or now >= _theme_floors["until"]:
        found = {t.min_client for t in regs.themes if t.min_client} | client_floors(db())
        _theme_floors.update(until=now + THEME_FLOORS_TTL, floors=tuple(sorted(found)))
    return _theme_floors["floors"]


def _variant_part(value: int | str) -> str:
    """Ids as they are; text (a search keyword) as a short digest, safe in a cache key."""
    if isinstance(value, int):
        return str(value)
    return hashlib.sha256(value.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Output:
    body: bytes
    etag: str | None
    mimetype: str


def published(shop_slug: str, page_slug: str, fmt: str) -> Response:
    """A published page as layout JSON (``fmt="json"``) or H5 (``fmt="html"``)."""
    store.check_slug(page_slug)
    mk = state()
    regs = mk.registries["pages"]
    client = client_version() if fmt == "json" else None
    params = page_params(page_slug)
    shop_id = shop_id_for(shop_slug, mk)
    floors = theme_floors(regs) if client is not None else ()
    variant = variant_of(regs, client, params, floors)
    cache = output_cache(mk)
    try:
        found = cache.lookup(shop_id, page_slug, variant, fmt)
    except redis.RedisError:
        log.warning("page cache unavailable; rendering %s/%s uncached", shop_slug, page_slug,
                    exc_info=True)
        body = build(shop_slug, page_slug, fmt, client=client, params=params, preview=False)
        db().commit()
        return respond(Output(body, etag_for(body), _mimetype(fmt)))
    entry = found.entry
    if entry is None:
        body, rendered = build_rendered(shop_slug, page_slug, fmt, client=client, params=params,
                                        preview=False)
        db().commit()
        needed = (rendered.theme.fallback_from or rendered.theme.theme).min_client
        if client is not None and needed is not None and needed not in floors:
            theme_floors(regs, refresh=True)  # a theme newer than this process's list
            return respond(Output(body, etag_for(body), _mimetype(fmt)))
        try:
            entry = cache.store(shop_id, page_slug, variant, fmt, found.stamp, body)
        except redis.RedisError:
            log.warning("could not cache %s/%s", shop_slug, page_slug, exc_info=True)
            return respond(Output(body, etag_for(body), _mimetype(fmt)))
    body = fill_nonce_slot(entry.body) if entry.marked else entry.body
    return respond(Output(body, entry.etag, _mimetype(fmt)), FilledResponse)


def preview(page_slug: str, fmt: str) -> Response:
    """The current shop's draft, rendered fresh and never cached."""
    store.check_slug(page_slug)
    client = client_version() if fmt == "json" else None
    from runtime.tenancy import current_shop

    shop = current_shop()
    if shop is None:
        raise NotFound("no shop")
    body = build(shop.slug, page_slug, fmt, client=client, params=page_params(page_slug),
                 preview=True)
    db().commit()
    response = respond(Output(body, None, _mimetype(fmt)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _mimetype(fmt: str) -> str:
    return "application/json" if fmt == "json" else "text/html"


def respond(output: Output, response_class: type[Response] = Response) -> Response:
    """``output`` with its cache headers, or 304 when the client holds its ETag;
    ``response_class``: :class:`FilledResponse` when the nonce slot is already dealt with."""
    headers = {"Cache-Control": "no-cache", "Vary": "X-Client-Version"}
    if output.etag is None:
        return response_class(output.body, mimetype=output.mimetype, headers=headers)
    headers["ETag"] = output.etag
    if "HTTP_IF_NONE_MATCH" in request.environ \
            and request.if_none_match.contains(output.etag.strip('"')):
        return Response(status=304, headers=headers)
    return response_class(output.body, mimetype=output.mimetype, headers=headers)


def build(shop_slug: str, page_slug: str, fmt: str, *, client: tuple[int, int, int] | None,
          params: Mapping[str, int | str], preview: bool,
          theme: ActiveTheme | None = None) -> bytes:
    """Render a page from the database (the cache-miss path); ``theme``: another theme than
    the shop's active one (a theme gallery preview, never cached)."""
    return build_rendered(shop_slug, page_slug, fmt, client=client, params=params,
                          preview=preview, theme=theme)[0]


def build_rendered(shop_slug: str, page_slug: str, fmt: str, *,
                   client: tuple[int, int, int] | None, params: Mapping[str, int | str],
                   preview: bool, theme: ActiveTheme | None = None) -> tuple[bytes, Rendered]:
    """:func:`build`, with what was rendered.

    Block data is resolved without a savepoint per block type; when a block fails that way
    the transaction is rolled back and the page rendered again with savepoints, so the
    other blocks still show (see :func:`runtime.pages.interpreter.resolve_all`)."""
    try:
        return _build(shop_slug, page_slug, fmt, client=client, params=params,
                      preview=preview, theme=theme, guarded=False)
    except ResolveFailed:
        db().rollback()
    return _build(shop_slug, page_slug, fmt, client=client, params=params, preview=preview,
                  theme=theme, guarded=True)


def _build(shop_slug: str, page_slug: str, fmt: str, *,
           client: tuple[int, int, int] | None, params: Mapping[str, int | str],
           preview: bool, theme: ActiveTheme | None, guarded: bool) -> tuple[bytes, Rendered]:
    session = db()
    known = shop_refs().get(shop_slug)
    if known is not None and current_shop_id(session) is None:
        use_shop(session, known[1])  # the transaction starts in the shop's context
    shop = enter_shop(shop_slug)
    regs = registries()
    info = ShopInfo(shop.id, shop.slug, shop.name)
    single = regs.kinds.single_kinds()
    if preview:
        if page_slug in single:
            store.ensure_page(session, page_slug, regs)
        page = store.get_page(session, page_slug)
        config: dict[str, Any] = page.draft
        page_info = {"id": page.id, "slug": page.slug, "kind": page.kind, "title": page.title,
                     "version": 0}
    else:
        live = store.live_config(session, page_slug)
        if live is None and page_slug in single:
            store.ensure_page(session, page_slug, regs)
            live = store.live_config(session, page_slug)
        if live is None:
            raise NotFound(f"no published page '{page_slug}'", code="page_not_found")
        page, version = live
        config = version.config
        page_info = {"id": page.id, "slug": page.slug, "kind": page.kind,
                     "title": config.get("title", page.title), "version": version.number}
    rendered = interpret(session, regs, info, page_info, config, client_version=client,
                         params=params, conn=state().redis, preview=preview, theme=theme,
                         guarded=guarded)
    if fmt == "json":
        return json.dumps(rendered.layout(), ensure_ascii=False,
                          separators=(",", ":")).encode(), rendered
    html = render_html(rendered, regs, info, stylesheet_url(rendered.theme.theme, shop.id))
    return html.encode(), rendered


def stylesheet_url(theme: Theme, shop_id: int | None) -> str:
    """The stylesheet of ``theme`` (the default theme's when it has none) as ``shop_id`` sees
    it (private uploaded themes need the shop's signed URL)."""
    from runtime.themes.assets import asset_url

    if not theme.stylesheet:
        theme = registries().themes.default
    assert theme.stylesheet is not None
    return asset_url(theme, theme.stylesheet, shop_id)
