"""Console screens and JSON endpoints of the page editor, at ``/console/shops/<shop>``.

HTML: the pages list (``/pages``) and the editor (``/pages/<slug>/edit``). JSON (what the
editor's scripts call): ``/editor/pages/<slug>`` (state), ``.../draft`` (autosave with a
revision check), ``.../render`` (the unsaved draft through the real templates),
``.../publish``, ``.../versions`` (history, preview, rollback), ``/editor/palette``,
``/editor/theme`` (tokens), and the pickers' look-ups (products, groups, categories, pages,
images). Members need the ``pages`` area.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from jinja2.utils import htmlsafe_json_dumps

from builder import forms
from builder.auth import current_user, shop_blueprint
from builder.editor import i18n
from builder.editor import service as editor
from builder.editor.i18n import gettext as t
from runtime.errors import MallkitError, NotFound, ValidationFailed
from runtime.extension import state
from runtime.headers import allow_eval, storefront_page
from runtime.http import json_body
from runtime.media.processing import MediaLimits
from runtime.modules.switches import enabled_modules
from runtime.pages import output, schemas, store
from runtime.pages.interpreter import ShopInfo
from runtime.pages.models import Page, PageSchedule, PageVersion
from runtime.pages.palette import available_blocks
from runtime.pages.registries import Registries
from runtime.shoptime import zone_of
from runtime.tenancy import current_shop, db
from runtime.themes.service import active_theme, update_tokens

editor_console = shop_blueprint("editor", __name__, area="pages")

KIND_LABELS = {"home": "Home page", "category": "Category page", "product": "Product page",
               "cart": "Cart page", "user": "Member centre", "custom": "Custom page"}
SEARCH_PAGE_SIZE = 20


def _regs() -> Registries:
    return output.registries()


def _shop_info() -> ShopInfo:
    shop = current_shop()
    if shop is None:
        raise NotFound("no shop", code="shop_not_found")
    return ShopInfo(shop.id, shop.slug, shop.name)


def _user_id() -> int | None:
    user = current_user()
    return user.id if user is not None else None


def _stylesheet_url() -> str:
    shop = current_shop()
    return output.stylesheet_url(active_theme(db(), _regs().themes).theme,
                                 shop.id if shop is not None else None)


def _fail(error: MallkitError) -> None:
    db().rollback()
    raise error


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _page_json(page: Page) -> dict[str, Any]:
    return {"slug": page.slug, "kind": page.kind, "title": page.title,
            "revision": page.draft_revision, "config": page.draft,
            "live_version": page.live_version, "published_at": _iso(page.published_at)}


def _version_note(version: PageVersion) -> str:
    """The note in the user's language: notes the system wrote (a theme preset, a rollback)
    are stored in English and translated here."""
    note = version.note or ""
    if version.source == "preset" and note == store.PRESET_NOTE:
        return t("Created from the theme preset")
    rolled = store.ROLLBACK_NOTE_RE.fullmatch(note)
    if version.source == "rollback" and rolled:
        return t("Rolled back to v%(n)s", n=rolled.group(1))
    planned = store.SCHEDULE_NOTE_RE.fullmatch(note)
    if version.source == "schedule" and planned:
        try:
            when = _local(datetime.fromisoformat(planned.group(1)))
        except ValueError:
            return note
        return t("Scheduled publication (planned for %(when)s)", when=when)
    return note


def _local(moment: datetime) -> str:
    """A stored UTC time (naive on SQLite) as the shop's wall clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_shop_zone()).strftime("%Y-%m-%d %H:%M")


def _schedule_json(schedule: PageSchedule, page: Page) -> dict[str, Any]:
    return {"id": schedule.id, "page": page.slug, "page_title": page.title,
            "run_at": _iso(schedule.run_at), "run_local": _local(schedule.run_at),
            "status": schedule.status}


def _version_json(version: PageVersion) -> dict[str, Any]:
    published = version.created_at
    return {"number": version.number, "source": version.source, "note": _version_note(version),
            "published_at": _iso(version.created_at),
            "published_local": _local(published) if published is not None else None,
            "published_by": version.published_by,
            "blocks": len(version.config.get("blocks") or []), "title": version.config.get(
                "title", "")}


def _row_json(row: editor.PageRow) -> dict[str, Any]:
    return {"slug": row.slug, "kind": row.kind, "title": row.title,
            "revision": row.draft_revision, "live_version": row.live_version,
            "published_at": _iso(row.published_at),
            "unpublished_changes": row.unpublished_changes, "blocks": row.block_count}


def _fixed_page(slug: str) -> Page:
    """The page, creating a fixed one (home, ..., article) from its preset on first need; a
    page of a module's kind answers 404 ``module_disabled`` while the module is off."""
    store.check_slug(slug)
    regs = _regs()
    page = store.find_page(db(), slug)
    kind = regs.kinds.get(page.kind if page is not None else slug)
    if kind is not None and kind.module is not None:  # a module's kind: is the module on?
        regs.kinds.require_on(kind.kind, enabled_modules(db()))
    if page is None and slug in regs.kinds.single_kinds():
        page = store.ensure_page(db(), slug, regs)
    if page is None:
        raise NotFound(f"no page '{slug}'", code="page_not_found")
    return page


# --- the pages list ----------------------------------------------------------------------------


def _kind_labels() -> dict[str, str]:
    """Each page kind's name in the user's language: the core kinds from this catalog,
    modules' kinds from their module.json."""
    key = i18n.manifest_locale(i18n.current_locale())
    labels = {kind: t(label) for kind, label in KIND_LABELS.items()}
    for kind in _regs().kinds:
        if kind.kind not in labels:
            labels[kind.kind] = kind.name.get(key) or kind.name.get("zh-CN") or kind.kind
    return labels


def _shop_zone() -> ZoneInfo:
    """The shop's time zone: history and lists show times as the shop reads its clock."""
    return zone_of(current_shop())


def _list_context(rows: list[editor.PageRow], form: dict[str, Any] | None = None,
                  errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"t": t, "rows": rows, "kinds": _kind_labels(), "form": form or {},
            "errors": errors or {}, "shop_zone": _shop_zone(),
            "schedules": [_schedule_json(*row) for row in store.pending_schedules(db())]}


@editor_console.get("/pages")
def pages() -> ResponseReturnValue:
    rows = editor.pages_overview(db(), _regs())
    db().commit()
    if forms.wants_json():
        return jsonify({"pages": [_row_json(r) for r in rows],
                        "schedules": [_schedule_json(*row)
                                      for row in store.pending_schedules(db())]})
    return render_template("editor/pages.html", **_list_context(rows))


def _back_to_list() -> ResponseReturnValue:
    return redirect(url_for("editor.pages"))


def _list_failed(error: MallkitError, form: dict[str, Any] | None = None) -> ResponseReturnValue:
    db().rollback()
    if forms.wants_json():
        raise error
    rows = editor.pages_overview(db(), _regs())
    db().commit()
    html = render_template("editor/pages.html",
                           **_list_context(rows, form, forms.field_errors(error)))
    return Response(html, status=error.status, mimetype="text/html")


@editor_console.post("/pages")
def pages_create() -> ResponseReturnValue:
    """A new custom page: ``slug`` and ``title``; opens the editor on it."""
    data = forms.payload()
    form = {"slug": forms.text(data, "slug").strip().lower(),
            "title": forms.text(data, "title").strip()}
    try:
        title = editor._title(form["title"])
        page = store.create_page(db(), form["slug"], title, registries=_regs())
        db().commit()
    except MallkitError as error:
        return _list_failed(error, form)
    if forms.wants_json():
        return jsonify(_page_json(page)), 201
    return redirect(url_for("editor.edit", slug=page.slug))


@editor_console.route("/pages/<slug>", methods=["PATCH"])
def pages_rename(slug: str) -> ResponseReturnValue:
    data = json_body()
    try:
        page = editor.rename_page(db(), slug, data.get("title"))
        db().commit()
    except MallkitError as error:
        _fail(error)
    return jsonify(_page_json(page))


@editor_console.post("/pages/<slug>/rename")
def pages_rename_form(slug: str) -> ResponseReturnValue:
    data = forms.payload()
    try:
        editor.rename_page(db(), slug, data.get("title"))
        db().commit()
    except MallkitError as error:
        return _list_failed(error)
    flash(t("Renamed."), "success")
    return _back_to_list()


@editor_console.post("/pages/<slug>/duplicate")
def pages_duplicate(slug: str) -> ResponseReturnValue:
    """A copy as a new custom page: ``slug`` (default ``<slug>-copy``) and ``title``."""
    data = forms.payload()
    source = store.get_page(db(), slug)
    new_slug = forms.text(data, "slug").strip().lower() or _free_slug(f"{slug}-copy")
    title = forms.text(data, "title").strip() or t("%(title)s (copy)", title=source.title)
    try:
        done = editor.duplicate_page(db(), slug, new_slug, title[:editor.TITLE_MAX], _regs())
        db().commit()
    except MallkitError as error:
        return _list_failed(error)
    if forms.wants_json():
        return jsonify({**_page_json(done.page), "left_out": done.left_out}), 201
    flash(t("Copied to %(title)s.", title=done.page.title), "success")
    if done.left_out:
        flash(t("Blocks that cannot stand on a custom page were left out: %(types)s",
                types=", ".join(_block_names(done.left_out))), "error")
    return _back_to_list()


def _free_slug(base: str) -> str:
    base = base[:55]
    slug, n = base, 2
    while store.find_page(db(), slug) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _block_names(types: list[str]) -> list[str]:
    key = i18n.manifest_locale(i18n.current_locale())
    names = []
    for type_ in dict.fromkeys(types):
        block = _regs().blocks.get(type_)
        names.append(block.name.get(key) or block.name["zh-CN"] if block else type_)
    return names


@editor_console.route("/pages/<slug>", methods=["DELETE"])
def pages_delete(slug: str) -> ResponseReturnValue:
    try:
        editor.delete_page(db(), slug)
        db().commit()
    except MallkitError as error:
        _fail(error)
    return Response(status=204)


@editor_console.post("/pages/<slug>/delete")
def pages_delete_form(slug: str) -> ResponseReturnValue:
    try:
        editor.delete_page(db(), slug)
        db().commit()
    except MallkitError as error:
        return _list_failed(error)
    if forms.wants_json():
        return Response(status=204)
    flash(t("Deleted."), "success")
    return _back_to_list()


@editor_console.post("/pages/<slug>/home")
def pages_set_home(slug: str) -> ResponseReturnValue:
    """Publish the custom page's draft as the shop's home page (a new home version)."""
    try:
        done = editor.set_as_home(db(), slug, user_id=_user_id(), registries=_regs())
        db().commit()
    except MallkitError as error:
        return _list_failed(error)
    if forms.wants_json():
        return jsonify({"version": _version_json(done.version), "left_out": done.left_out})
    flash(t("The home page now shows this page (home version %(n)d).",
            n=done.version.number), "success")
    if done.left_out:
        flash(t("Blocks the home page does not allow were left out: %(types)s",
                types=", ".join(_block_names(done.left_out))), "error")
    return _back_to_list()


# --- the editor ---------------------------------------------------------------------------------


def _localized(text: Any, key: str) -> str:
    if isinstance(text, dict):
        return str(text.get(key) or text.get("zh-CN") or next(iter(text.values()), ""))
    return str(text or "")


def _catalogue(kind: str) -> dict[str, Any]:
    """Every block type the editor may meet (offered or not) and what the palette offers."""
    regs = _regs()
    offered = available_blocks(db(), kind, registries=regs)
    children: dict[str, list[str]] = {}
    for block in regs.blocks:
        if block.child_types:
            children[block.type] = [b["type"] for b in available_blocks(
                db(), kind, child_of=block.type, registries=regs)]
    blocks = {}
    for block in regs.blocks:
        manifest = block.manifest
        blocks[block.type] = {
            "type": block.type, "version": block.version, "name": manifest["name"],
            "description": manifest.get("description"), "category": manifest["category"],
            "icon": manifest.get("icon"), "limit": block.limit,
            "settings_schema": manifest["settings"], "defaults": block.default_settings(),
            "presets": block.presets,
            "page_kinds": [k.kind for k in regs.kinds if block.allowed_on(k.kind)],
            "children": ({"types": list(block.child_types), "max": block.max_children}
                         if block.child_types else None),
        }
    return {"blocks": blocks, "palette": [b["type"] for b in offered],
            "child_palette": children}


def _theme_json() -> dict[str, Any]:
    current = active_theme(db(), _regs().themes)
    return {"id": current.theme.id, "version": current.theme.version,
            "name": current.theme.name, "schema": current.theme.manifest["settings"],
            "tokens": current.tokens, "defaults": current.theme.defaults}


def _defs_schema() -> dict[str, Any]:
    return schemas.registry().contents(schemas.schema_uri("defs"))


@editor_console.get("/pages/<slug>/edit")
def edit(slug: str) -> ResponseReturnValue:
    page = _fixed_page(slug)
    locale = i18n.current_locale()
    shop = current_shop()
    assert shop is not None
    limits = MediaLimits.from_settings(state().settings)
    api = url_for("editor.page_state", slug=page.slug)
    boot = {
        "locale": locale, "labelLocale": i18n.manifest_locale(locale),
        "messages": i18n.script_catalog(locale),
        "shop": {"slug": shop.slug, "name": shop.name},
        "page": _page_json(page),
        "kinds": [k.kind for k in _regs().kinds.offered(enabled_modules(db()))],
        "catalogue": _catalogue(page.kind), "theme": _theme_json(), "defs": _defs_schema(),
        "media": {"maxImageBytes": limits.max_image_bytes,
                  "list": url_for("media_console.assets"),
                  "upload": url_for("media_console.upload")},
        "urls": {
            "state": api, "draft": url_for("editor.save", slug=page.slug),
            "render": url_for("editor.render", slug=page.slug),
            "publish": url_for("editor.publish", slug=page.slug),
            "schedule": url_for("editor.schedule", slug=page.slug),
            "schedules": url_for("editor.schedules", slug=page.slug),
            "versions": url_for("editor.versions", slug=page.slug),
            "theme": url_for("editor.theme"), "products": url_for("editor.products"),
            "groups": url_for("editor.groups"), "categories": url_for("editor.categories"),
            "pages": url_for("editor.pages"), "images": url_for("editor.images"),
            "choices": url_for("editor.choices"),
            "storefront": (f"/s/{shop.slug}/" if page.slug == "home"
                           else f"/s/{shop.slug}/pages/{page.slug}"),
            "layout": f"/api/v1/shops/{shop.slug}/layouts/{page.slug}",
        },
    }
    db().commit()
    payload = htmlsafe_json_dumps(boot, ensure_ascii=False)  # < > & ' as \u escapes
    allow_eval()  # Ajv compiles the block schemas into functions
    return render_template("editor/editor.html", t=t, page=page, boot=payload,
                           kinds=_kind_labels())


@editor_console.get("/editor/pages/<slug>")
def page_state(slug: str) -> ResponseReturnValue:
    """The page's current draft and revision (the editor reloads it after a conflict)."""
    page = _fixed_page(slug)
    db().commit()
    return jsonify(_page_json(page))


@editor_console.put("/editor/pages/<slug>/draft")
def save(slug: str) -> ResponseReturnValue:
    """Autosave: ``{"config", "revision"}``. 409 ``draft_conflict`` when the draft was saved
    elsewhere since ``revision``; 422 with a pointer per problem."""
    data = json_body()
    _fixed_page(slug)
    try:
        page = store.save_draft(db(), slug, data.get("config"), data.get("revision"), _regs())
        db().commit()
    except MallkitError as error:
        _fail(error)
    return jsonify({"revision": page.draft_revision, "title": page.title})


def _only(data: dict[str, Any]) -> list[str] | None:
    only = data.get("only")
    if only is None:
        return None
    if not isinstance(only, list) or not all(isinstance(i, str) for i in only) \
            or len(only) > 100:
        raise ValidationFailed.single("/only", "a list of block ids", "type")
    return only


@editor_console.post("/editor/pages/<slug>/render")
def render(slug: str) -> ResponseReturnValue:
    """``{"config", "only"?}`` -> ``{"html"}`` (the whole page) or ``{"blocks": {id: html}}``
    (just ``only``'s top-level blocks), with ``invalid: {id: [errors]}`` for blocks left out
    because their settings are not valid."""
    data = json_body()
    page = _fixed_page(slug)
    result = editor.render_draft(db(), _regs(), _shop_info(), page, data.get("config"),
                                 only=_only(data), stylesheet_url=_stylesheet_url,
                                 conn=state().redis)
    db().rollback()
    body = {"invalid": {k: [e.as_dict() for e in v] for k, v in result.invalid.items()}}
    if result.page_html is not None:
        body["html"] = result.page_html
    else:
        body["blocks"] = result.blocks
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@editor_console.post("/editor/pages/<slug>/publish")
def publish(slug: str) -> ResponseReturnValue:
    """``{"revision", "note"?}``: publish the saved draft (it must be the editor's revision)."""
    data = json_body()
    revision = data.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise ValidationFailed.single("/revision", "the draft revision (an integer) is required",
                                      "required")
    note = data.get("note") or ""
    try:
        version = store.publish(db(), slug, user_id=_user_id(), revision=revision, note=note,
                                registries=_regs())
        db().commit()
    except MallkitError as error:
        _fail(error)
    return jsonify(_version_json(version)), 201


@editor_console.post("/editor/pages/<slug>/schedule")
def schedule(slug: str) -> ResponseReturnValue:
    """``{"revision", "run_at"}``: publish the saved draft as it is now at ``run_at`` (a time
    on the shop's clock, ``2026-11-25T18:00``, or ISO 8601 with a zone)."""
    data = json_body()
    revision = data.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise ValidationFailed.single("/revision", "the draft revision (an integer) is required",
                                      "required")
    try:
        run_at = datetime.fromisoformat(str(data.get("run_at") or ""))
    except ValueError:
        raise ValidationFailed.single("/run_at", "a date and time, e.g. 2026-11-25T18:00",
                                      "format") from None
    if run_at.tzinfo is None:
        run_at = run_at.replace(tzinfo=_shop_zone())
    try:
        planned = store.schedule_publish(db(), slug, run_at.astimezone(UTC),
                                         user_id=_user_id(), registries=_regs(),
                                         revision=revision)
        db().commit()
    except MallkitError as error:
        _fail(error)
    return jsonify({"id": planned.id, "run_at": _iso(planned.run_at),
                    "run_local": run_at.astimezone(_shop_zone()).strftime("%Y-%m-%d %H:%M")}), 201


@editor_console.get("/editor/pages/<slug>/schedules")
def schedules(slug: str) -> ResponseReturnValue:
    """The page's pending scheduled publications, soonest first."""
    _fixed_page(slug)
    return jsonify({"items": [_schedule_json(*row)
                              for row in store.pending_schedules(db(), slug)]})


@editor_console.post("/editor/pages/<slug>/schedules/<int:schedule_id>/cancel")
def schedule_cancel(slug: str, schedule_id: int) -> ResponseReturnValue:
    """Cancel one pending publication of the page (409 ``schedule_closed`` once it ran); from
    the editor (JSON) or the pages list (a form, back to the list)."""
    try:
        planned = store.cancel_schedule(db(), schedule_id, slug=slug)
        page = store.get_page(db(), slug)
        db().commit()
    except MallkitError as error:
        if forms.wants_json():
            _fail(error)
        return _list_failed(error)
    if forms.wants_json():
        return jsonify(_schedule_json(planned, page))
    flash(t("The publication of %(title)s planned for %(when)s is cancelled.",
            title=page.title, when=_local(planned.run_at)), "success")
    return _back_to_list()


@editor_console.get("/editor/pages/<slug>/versions")
def versions(slug: str) -> ResponseReturnValue:
    page = store.get_page(db(), slug)
    items = store.history(db(), slug)
    return jsonify({"live_version": page.live_version,
                    "versions": [_version_json(v) for v in items]})


@editor_console.get("/editor/pages/<slug>/versions/<int:number>")
def version_config(slug: str, number: int) -> ResponseReturnValue:
    """A published version with its config (to compare with the draft or load into it)."""
    version = store.get_version(db(), slug, number)
    return jsonify({**_version_json(version), "config": version.config})


@editor_console.get("/editor/pages/<slug>/versions/<int:number>/preview")
def version_preview(slug: str, number: int) -> ResponseReturnValue:
    html = editor.render_version(db(), _regs(), _shop_info(), slug, number,
                                 stylesheet_url=_stylesheet_url(), conn=state().redis)
    db().rollback()
    storefront_page()
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@editor_console.post("/editor/pages/<slug>/versions/<int:number>/rollback")
def rollback(slug: str, number: int) -> ResponseReturnValue:
    """Publish version ``number`` again as a new version; the draft is left as it is."""
    try:
        version = store.rollback(db(), slug, number, user_id=_user_id())
        db().commit()
    except MallkitError as error:
        _fail(error)
    return jsonify(_version_json(version)), 201


@editor_console.get("/editor/palette")
def palette() -> ResponseReturnValue:
    kind = request.args.get("kind", "custom")
    kinds = _regs().kinds
    if kind not in kinds:
        raise ValidationFailed.single("/kind", f"one of {', '.join(k.kind for k in kinds)}",
                                      "enum")
    kinds.require_on(kind, enabled_modules(db()))
    return jsonify(_catalogue(kind))


@editor_console.route("/editor/theme", methods=["GET", "PUT"])
def theme() -> ResponseReturnValue:
    """The active theme's token settings; PUT ``{"tokens": {...}}`` applies them to the
    shop at once (every page, live ones included)."""
    if request.method == "PUT":
        data = json_body()
        try:
            update_tokens(db(), data.get("tokens"), _regs().themes)
            db().commit()
        except MallkitError as error:
            _fail(error)
    return jsonify(_theme_json())


# --- pickers ------------------------------------------------------------------------------------


def _ids_arg() -> list[int] | None:
    raw = request.args.get("ids")
    if raw is None:
        return None
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) < 2**63:
            raise ValidationFailed.single("/ids", "comma-separated positive integers", "type")
        ids.append(int(part))
    if len(ids) > 100:
        raise ValidationFailed.single("/ids", "at most 100 ids", "maxItems")
    return ids


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationFailed.single("/page", "a page number from 1", "minimum")
    return min(int(raw), 10_000)


@editor_console.get("/editor/products")
def products() -> ResponseReturnValue:
    """Search the catalog (``q``, ``page``) or fetch ``ids`` (in that order) for the product
    pickers: id, title, price in fen, cover URL, status."""
    from runtime.media.refs import load_assets, media_url
    from runtime.modules.catalog.queries import (
        ProductFilter,
        console_products,
        products_by_ids,
    )

    ids = _ids_arg()
    if ids is not None:
        items, total, pages = products_by_ids(db(), ids, visible_only=False), None, 1
    else:
        q = (request.args.get("q") or "").strip()[:50] or None
        found = console_products(db(), ProductFilter(keyword=q, visible_only=False),
                                 page=_page_arg(), per_page=SEARCH_PAGE_SIZE)
        items, total, pages = found.items, found.total, found.pages
    assets = load_assets(db(), [p.cover for p in items if p.cover])
    return jsonify({"items": [{
        "id": p.id, "title": p.title, "price_fen": p.min_price_fen,
        "max_price_fen": p.max_price_fen, "status": p.status,
        "cover": media_url(p.cover, 150, assets=assets),
    } for p in items], "total": total, "pages": pages})


@editor_console.get("/editor/groups")
def groups() -> ResponseReturnValue:
    from runtime.modules.catalog.taxonomy import list_groups

    return jsonify({"items": [{"id": g.id, "name": g.name, "kind": g.kind}
                              for g in list_groups(db())]})


@editor_console.get("/editor/categories")
def categories() -> ResponseReturnValue:
    from runtime.modules.catalog.taxonomy import category_tree

    def walk(nodes: list[Any]) -> list[dict[str, Any]]:
        return [{"id": n.id, "name": n.category.name, "children": walk(n.children)}
                for n in nodes]

    return jsonify({"items": walk(category_tree(db()))})


@editor_console.get("/editor/choices")
def choices() -> ResponseReturnValue:
    """The ``choice`` widget's options from ``?source=`` (see :mod:`builder.editor.choices`)."""
    from builder.editor.choices import choices_of

    return jsonify({"items": choices_of(db(), request.args.get("source", ""))})


@editor_console.get("/editor/images")
def images() -> ResponseReturnValue:
    """Thumbnail URLs for media ids the editor shows (``ids``): ``{id: url | null}``."""
    from runtime.media.refs import load_assets, media_url

    ids = _ids_arg() or []
    assets = load_assets(db(), ids)
    return jsonify({str(i): (media_url(assets[i], 300, assets=assets)
                             if i in assets and assets[i].deleted_at is None else None)
                    for i in ids})
