"""The agency theme studio (``/console/agency/themes``) and the merchant's theme gallery
(``/console/shops/<shop>/themes``, area ``pages``).

An agency sees only its own packages, previews them on fixture data and never a shop's data;
a merchant sees the themes the shop may use and previews them on the shop's own home page.
JSON clients get JSON and problem+json; browsers get pages and redirects with a message.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from builder import forms
from builder.auth import current_user, require_login, shop_blueprint
from builder.i18n import select_locale
from builder.themes.i18n import gettext as t
from runtime.accounts import service as accounts
from runtime.accounts.models import Agency
from runtime.errors import MallkitError, NotFound, ValidationFailed, problem_response
from runtime.headers import storefront_page
from runtime.pages import output, store
from runtime.pages.api import send_version_file
from runtime.pages.blocks import PAGE_KINDS
from runtime.pages.registries import Registries
from runtime.tenancy import current_shop, db
from runtime.themes import catalog, gallery, preview, review
from runtime.themes import service as themes
from runtime.themes.assets import shop_pass
from runtime.themes.package import MAX_ZIP_BYTES, Problem
from runtime.themes.presets import presets_as_drafts

studio = Blueprint("theme_studio", __name__, url_prefix="/console/agency/themes",
                   template_folder="templates")
shop_themes = shop_blueprint("shop_themes", __name__, area="pages", template_folder="templates")
MULTIPART_OVERHEAD = 256 * 1024


def _regs() -> Registries:
    return output.registries()


def _render(template: str, status: int = 200, **context: Any) -> Response:
    html = render_template(template, t=t, page_kinds=PAGE_KINDS, **context)
    return Response(html, status=status, mimetype="text/html")


def _done(message: str, target: str, body: dict[str, Any]) -> ResponseReturnValue:
    if forms.wants_json():
        return jsonify(body)
    flash(message, "success")
    return redirect(target)


def _failed(error: MallkitError, target: str) -> ResponseReturnValue:
    db().rollback()
    if forms.wants_json():
        return problem_response(error)
    flash(error.detail, "error")
    return redirect(target)


def _no_store(html: str) -> Response:
    """A theme preview: never cached, and sandboxed (an agency's HTML on the console's site)."""
    storefront_page(foreign=True)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the agency's studio ---------------------------------------------------------------------


def _agency() -> Agency:
    user = current_user()
    found = accounts.agency_of(db(), user) if user is not None else None
    if found is None:
        raise NotFound("not found", code="not_found")
    return found


def _version_json(row: catalog.ThemeVersion, installs: dict[str, int]) -> dict[str, Any]:
    return {"version": row.version, "status": row.status, "changelog": row.changelog,
            "installs": installs.get(row.version, 0),
            "published_at": row.published_at.isoformat() if row.published_at else None}


@studio.url_value_preprocessor
def _allow_upload_body(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """The upload may be up to the package cap (before the CSRF check reads the body)."""
    if endpoint == "theme_studio.upload":
        request.max_content_length = MAX_ZIP_BYTES + MULTIPART_OVERHEAD


@studio.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    error = catalog.PackageInvalid([Problem("", "", t(
        "The zip is larger than %(size)s MB.", size=MAX_ZIP_BYTES // (1024 * 1024)))])
    if forms.wants_json():
        return problem_response(error)
    return _studio_page(problems=error.problems, status=413)


def _studio_page(problems: list[Problem] | None = None, status: int = 200) -> Response:
    agency = _agency()
    views = catalog.agency_themes(db(), agency.id)
    return _render("themes/studio.html", status=status, agency=agency, packages=views,
                   problems=problems or [], max_mb=MAX_ZIP_BYTES // (1024 * 1024),
                   team=accounts.agency_users(db(), agency))


@studio.get("/")
@require_login
def index() -> ResponseReturnValue:
    """The agency's themes, their versions and install counts; the upload form."""
    agency = _agency()
    if forms.wants_json():
        views = catalog.agency_themes(db(), agency.id)
        return jsonify({"themes": [
            {"id": v.package.theme_id, "visibility": v.package.visibility,
             "versions": [_version_json(r, catalog.install_counts(db(), v.package.theme_id))
                          for r in v.versions]} for v in views]})
    return _studio_page()


@studio.post("/")
@require_login
def upload() -> ResponseReturnValue:
    """Upload a zipped package as a draft version; 422 lists each problem by file and
    pointer."""
    agency = _agency()
    upload_file = request.files.get("package")
    if upload_file is None or not upload_file.filename:
        error: MallkitError = ValidationFailed.single("/package", t("Choose a zip to upload."),
                                                      "required")
        if forms.wants_json():
            raise error
        return _studio_page(problems=[Problem("", "", error.detail)], status=422)
    data = upload_file.stream.read(MAX_ZIP_BYTES + 1)
    try:
        row = catalog.upload(db(), agency.id, data, _regs().blocks, _regs().themes)
    except catalog.PackageInvalid as exc:
        db().rollback()
        if forms.wants_json():
            raise
        return _studio_page(problems=exc.problems, status=422)
    db().commit()
    theme_id = row.manifest["id"]
    target = url_for("theme_studio.theme", theme_id=theme_id)
    if forms.wants_json():
        return jsonify({"id": theme_id, "version": row.version, "status": row.status}), 201
    flash(t("Version %(version)s of %(id)s is uploaded as a draft.", version=row.version,
            id=theme_id), "success")
    return redirect(target)


@studio.get("/<theme_id>")
@require_login
def theme(theme_id: str) -> ResponseReturnValue:
    agency = _agency()
    package = catalog.agency_package(db(), agency.id, theme_id)
    view = next(v for v in catalog.agency_themes(db(), agency.id) if v.package.id == package.id)
    installs = catalog.install_counts(db(), theme_id)
    if forms.wants_json():
        return jsonify({"id": theme_id, "visibility": package.visibility,
                        "shops": catalog.granted_shops(db(), package.id),
                        "versions": [_version_json(r, installs) for r in view.versions]})
    return _render("themes/studio_theme.html", agency=agency, view=view, installs=installs,
                   shops=catalog.granted_shops(db(), package.id))


def _version_action(theme_id: str, version: str, action: str) -> ResponseReturnValue:
    agency = _agency()
    target = url_for("theme_studio.theme", theme_id=theme_id)
    data = forms.payload()
    try:
        if action == "publish":
            row = catalog.publish(db(), agency.id, theme_id, version,
                                  forms.text(data, "changelog"))
        elif action == "deprecate":
            row = catalog.deprecate(db(), agency.id, theme_id, version)
        else:
            catalog.delete_draft(db(), agency.id, theme_id, version)
            row = None
    except MallkitError as exc:
        return _failed(exc, target)
    db().commit()
    messages = {"publish": t("Version %(version)s is published.", version=version),
                "deprecate": t("Version %(version)s is deprecated.", version=version),
                "delete": t("The draft %(version)s is deleted.", version=version)}
    body = {"version": version, "status": row.status if row else "deleted"}
    return _done(messages[action], target, body)


@studio.post("/<theme_id>/versions/<version>/publish")
@require_login
def publish(theme_id: str, version: str) -> ResponseReturnValue:
    return _version_action(theme_id, version, "publish")


@studio.post("/<theme_id>/versions/<version>/deprecate")
@require_login
def deprecate(theme_id: str, version: str) -> ResponseReturnValue:
    return _version_action(theme_id, version, "deprecate")


@studio.post("/<theme_id>/versions/<version>/delete")
@require_login
def delete(theme_id: str, version: str) -> ResponseReturnValue:
    return _version_action(theme_id, version, "delete")


@studio.post("/<theme_id>/visibility")
@require_login
def visibility(theme_id: str) -> ResponseReturnValue:
    """``listed`` for every shop, or ``private`` to the shops named (slugs, comma-separated)."""
    agency = _agency()
    data = forms.payload()
    raw = data.get("shops", "")
    slugs = raw if isinstance(raw, list) else str(raw).replace("\n", ",").split(",")
    target = url_for("theme_studio.theme", theme_id=theme_id)
    try:
        package = catalog.set_visibility(db(), agency.id, theme_id,
                                         forms.text(data, "visibility"), slugs)
    except MallkitError as exc:
        return _failed(exc, target)
    db().commit()
    return _done(t("Visibility saved."), target, {"visibility": package.visibility})


@studio.get("/<theme_id>/versions/<version>/preview")
@require_login
def studio_preview(theme_id: str, version: str) -> ResponseReturnValue:
    """A version's preset page (``?kind=``) on fixture data."""
    agency = _agency()
    package = catalog.agency_package(db(), agency.id, theme_id)
    row = catalog.find_version(db(), package.theme_id, version)
    kind = request.args.get("kind", "home")
    if row is None or kind not in PAGE_KINDS:
        raise NotFound("no such preview", code="not_found")
    found = catalog.theme_of(db(), row)
    return _no_store(preview.fixture_page(_regs(), found, kind, _stylesheet(found)))


@studio.get("/<theme_id>/versions/<version>/files/<path:asset>")
@require_login
def version_file(theme_id: str, version: str, asset: str) -> ResponseReturnValue:
    """A file of one of the agency's versions, drafts included (for its previews and
    screenshots); never cached by shared caches."""
    agency = _agency()
    package = catalog.agency_package(db(), agency.id, theme_id)
    row = catalog.find_version(db(), package.theme_id, version)
    if row is None:
        raise NotFound("no such file", code="not_found")
    response = send_version_file(row, asset, 0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _stylesheet(found: Any) -> str:
    if found.uploaded and found.stylesheet:
        return url_for("theme_studio.version_file", theme_id=found.id, version=found.version,
                       asset=found.stylesheet.removeprefix("assets/"))
    return output.stylesheet_url(found, None)


# --- the merchant's gallery ------------------------------------------------------------------


def _entry_json(entry: gallery.GalleryEntry) -> dict[str, Any]:
    return {"id": entry.id, "name": entry.manifest["name"], "bundled": entry.bundled,
            "author": entry.manifest.get("author"), "active": entry.active,
            "min_client": entry.manifest.get("min_client"),
            "installed_version": entry.installed.theme_version if entry.installed else None,
            "previous_version": entry.installed.previous_version if entry.installed else None,
            "pinned": bool(entry.installed and entry.installed.pinned),
            "update": entry.update, "major_update": entry.major_update,
            "versions": [{"version": v.version, "status": v.status, "changelog": v.changelog}
                         for v in entry.versions]}


@shop_themes.get("/themes")
def gallery_page() -> ResponseReturnValue:
    """Every theme the shop may use, what it has installed and the updates on offer."""
    entries = gallery.gallery(db(), _regs().themes)
    if forms.wants_json():
        return jsonify({"themes": [_entry_json(e) for e in entries]})
    return _render("themes/gallery.html", entries=entries)


@shop_themes.get("/themes/<theme_id>/preview")
def gallery_preview(theme_id: str) -> ResponseReturnValue:
    """One of the shop's own published pages (``?page=``, default home) in a theme
    (``?version=``), before installing it."""
    shop = current_shop()
    assert shop is not None
    if theme_id in _regs().themes:
        found = _regs().themes[theme_id]
    else:
        row = catalog.shop_version(db(), shop.id, theme_id, request.args.get("version") or None)
        found = catalog.theme_of(db(), row)
    candidate = preview.as_candidate(db(), found)
    slug = request.args.get("page") or "home"
    store.check_slug(slug)
    body = output.build(shop.slug, slug, "html", client=None, params={}, preview=False,
                        theme=candidate)
    db().rollback()
    return _no_store(body.decode())


def _shop_action(theme_id: str, action: str) -> ResponseReturnValue:
    data = forms.payload()
    version = forms.text(data, "version") or None
    accept_major = _flag(data, "accept_major")
    target = url_for("shop_themes.gallery_page")
    regs = _regs().themes
    copied = None
    try:
        if action == "activate":
            row = themes.activate_theme(db(), theme_id, regs, version=version,
                                        accept_major=accept_major)
            if _flag(data, "presets"):
                copied = presets_as_drafts(db(), _regs())
        elif action == "update":
            row = themes.install_theme(db(), theme_id, regs, version=version,
                                       accept_major=accept_major)
        else:
            row = themes.rollback_theme(db(), theme_id)
        migrated = review.migrate_drafts(db(), _regs())
    except MallkitError as exc:
        return _failed(exc, target)
    db().commit()
    pending = review.pending_changes(db(), _regs(), select_locale())
    if pending:
        target = url_for("shop_themes.review_page")
    messages = {"activate": t("Your shop now uses %(id)s %(version)s.", id=theme_id,
                              version=row.theme_version),
                "update": t("%(id)s is now at version %(version)s; your settings and pages "
                            "are kept.", id=theme_id, version=row.theme_version),
                "rollback": t("%(id)s is back at version %(version)s.", id=theme_id,
                              version=row.theme_version)}
    body = {"id": theme_id, "version": row.theme_version, "active": row.active,
            "drafts_migrated": migrated.pages, "drafts_invalid": migrated.invalid,
            "pages_to_review": [p.slug for p in pending]}
    if copied is not None:
        body.update(drafts_from_presets=copied.copied, drafts_kept=copied.kept)
        messages[action] += " " + t("Drafts started from its presets: %(copied)s; kept (they "
                                    "have unpublished edits): %(kept)s. Publish a page in the "
                                    "editor when it is ready.",
                                    copied=", ".join(copied.copied) or "-",
                                    kept=", ".join(copied.kept) or "-")
    return _done(messages[action], target, body)


@shop_themes.post("/themes/<theme_id>/pin")
def pin(theme_id: str) -> ResponseReturnValue:
    """``pinned``: keep the installed version (no update offered or made) or unpin."""
    pinned = _flag(forms.payload(), "pinned")
    target = url_for("shop_themes.gallery_page")
    try:
        row = themes.pin_theme(db(), theme_id, pinned, _regs().themes)
    except MallkitError as exc:
        return _failed(exc, target)
    db().commit()
    message = (t("%(id)s stays at %(version)s until you unpin it.", id=theme_id,
                 version=row.theme_version) if pinned
               else t("%(id)s is unpinned: updates are offered again.", id=theme_id))
    return _done(message, target, {"id": theme_id, "version": row.theme_version,
                                   "pinned": row.pinned})


def _review_json(item: review.PageReview) -> dict[str, Any]:
    return {"slug": item.slug, "title": item.title, "published": item.published,
            "revision": item.draft_revision, "changes": [c.as_dict() for c in item.changes]}


@shop_themes.get("/themes/review")
def review_page() -> ResponseReturnValue:
    """Each page whose draft differs from what is live, what publishing it would change."""
    pending = review.pending_changes(db(), _regs(), select_locale())
    if forms.wants_json():
        return jsonify({"pages": [_review_json(p) for p in pending]})
    return _render("themes/review.html", pending=pending)


@shop_themes.post("/themes/review/<slug>/publish")
def review_publish(slug: str) -> ResponseReturnValue:
    """Publish the draft reviewed (``revision``: the one shown; a newer draft is a 409)."""
    data = forms.payload()
    raw = data.get("revision")
    target = url_for("shop_themes.review_page")
    try:
        if not str(raw).isdigit():
            raise ValidationFailed.single("/revision", t("The draft revision is required."),
                                          "required")
        user = current_user()
        version = store.publish(db(), slug, user_id=user.id if user else None,
                                revision=int(str(raw)), registries=_regs())
    except MallkitError as exc:
        return _failed(exc, target)
    db().commit()
    return _done(t("%(slug)s is published.", slug=slug), target,
                 {"slug": slug, "version": version.number})


def _flag(data: dict[str, Any], name: str) -> bool:
    return str(data.get(name, "")).lower() in ("1", "true", "on", "yes")


@shop_themes.post("/themes/<theme_id>/activate")
def activate(theme_id: str) -> ResponseReturnValue:
    """Install if needed and switch the shop to this theme (tokens and pages kept)."""
    return _shop_action(theme_id, "activate")


@shop_themes.post("/themes/<theme_id>/update")
def update(theme_id: str) -> ResponseReturnValue:
    """Move an installed theme to another version (a new major one needs accept_major)."""
    return _shop_action(theme_id, "update")


@shop_themes.post("/themes/<theme_id>/rollback")
def rollback(theme_id: str) -> ResponseReturnValue:
    """Back to the version before the last update."""
    return _shop_action(theme_id, "rollback")


def screenshot_url(theme_id: str, version: str, path: str) -> str:
    """A screenshot as the agency's studio (drafts too) or the current shop may fetch it."""
    asset = path.removeprefix("assets/")
    shop = current_shop()
    if request.blueprint == studio.name or shop is None:
        return url_for("theme_studio.version_file", theme_id=theme_id, version=version,
                       asset=asset)
    return url_for("theme_assets.shop_asset", grant=shop_pass(theme_id, shop.id),
                   theme_id=theme_id, version=version, asset=asset)
