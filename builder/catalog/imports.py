"""Console screens of catalog import and export (area ``catalog``), at
``/console/shops/<shop>/catalog/imports`` and ``.../catalog/exports``.

Import: download the .xlsx template, upload a file (the template, a Shopify or a
WooCommerce product CSV) which a background job imports, watch its progress (the page
polls a JSON endpoint; without script it refreshes itself) and download the error report.
Export: the product list (with the list's filters) written to .xlsx by a job. Files are
looked up by the run's id in the request's shop, so another shop's files are never served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from builder import forms
from builder.auth import current_user, shop_blueprint
from builder.catalog.imports_i18n import gettext as t
from builder.catalog.imports_i18n import lazy_gettext
from runtime.audit.service import Action
from runtime.audit.web import audit_now
from runtime.errors import MallkitError, NotFound, ValidationFailed, problem_response
from runtime.extension import state
from runtime.modules.catalog import exporting
from runtime.modules.catalog.choices import picker_choices
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.models import RunStatus, SourceFormat
from runtime.modules.catalog.importing.reader import MAX_FILE_BYTES
from runtime.modules.catalog.importing.template import template_bytes
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

catalog_imports = shop_blueprint("catalog_imports", __name__, area="catalog",
                                 template_folder="templates")
imports_static = Blueprint("catalog_imports_static", __name__, static_folder="imports_static",
                           static_url_path="/console/catalog-imports-static")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MULTIPART_OVERHEAD = 256 * 1024
FORMAT_LABELS = {"": "Detect from the file", SourceFormat.MALLKIT: "mallkit template (.xlsx)",
                 SourceFormat.SHOPIFY: "Shopify product CSV",
                 SourceFormat.WOOCOMMERCE: "WooCommerce product CSV"}
STATUS_LABELS = {RunStatus.QUEUED: "Queued", RunStatus.RUNNING: "Running",
                 RunStatus.DONE: "Finished", RunStatus.FAILED: "Failed"}


def _locale() -> str:
    from builder.i18n import select_locale

    return "en" if select_locale() == "en" else "zh"


def _requested_by() -> str:
    user = current_user()
    return user.email if user is not None else ""


def local(moment: datetime | None) -> str:
    """A stored UTC time in the shop's time zone."""
    return local_text(moment, zone_of(current_shop()))


def _render(template: str, **context: Any) -> str:
    return render_template(template, t=t, local=local, status_labels=STATUS_LABELS,
                           format_labels=FORMAT_LABELS, **context)


@catalog_imports.url_value_preprocessor
def _allow_upload_body(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Raise the request-body cap for the upload only, before anything reads the body."""
    if endpoint == "catalog_imports.upload":
        request.max_content_length = MAX_FILE_BYTES + MULTIPART_OVERHEAD


@catalog_imports.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    error = service.FileTooLarge()
    if forms.wants_json():
        return problem_response(error)
    flash(t("Files may be at most %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024)), "error")
    return redirect(url_for("catalog_imports.imports"))


# --- import -----------------------------------------------------------------------------------


@catalog_imports.get("/catalog/imports")
def imports() -> ResponseReturnValue:
    runs = service.recent_imports(db())
    if forms.wants_json():
        return jsonify({"items": [_import_json(r) for r in runs]})
    return _render("catalog_imports/imports.html", runs=runs,
                   max_mb=MAX_FILE_BYTES // (1024 * 1024))


@catalog_imports.get("/catalog/imports/template.xlsx")
def template() -> ResponseReturnValue:
    import io

    locale = _locale()
    name = "商品导入模板.xlsx" if locale == "zh" else "product-import-template.xlsx"
    return send_file(io.BytesIO(template_bytes(locale)), mimetype=XLSX, as_attachment=True,
                     download_name=name)


@catalog_imports.post("/catalog/imports")
def upload() -> ResponseReturnValue:
    """Multipart: ``file``; ``format`` (empty: detect); ``create_categories`` ("1"/"0",
    absent: only for Shopify/WooCommerce). 202 with the run (JSON) or a redirect to it."""
    session = db()
    try:
        upload_file = request.files.get("file")
        if upload_file is None or not upload_file.filename:
            raise ValidationFailed.single("/file", t("Choose a file to import."), "required")
        data = upload_file.read(MAX_FILE_BYTES + 1)
        create = request.form.get("create_categories")
        options = {"format": request.form.get("format") or None,
                   "create_categories": None if create in (None, "") else create == "1"}
        run = service.create_import(session, state().settings.data_dir, upload_file.filename,
                                    data, requested_by=_requested_by(), locale=_locale(),
                                    options=options)
        service.queue_import(session, run, state().redis)
        session.commit()
    except MallkitError as error:
        session.rollback()
        if forms.wants_json():
            raise
        if isinstance(error, service.FileTooLarge):
            flash(t("Files may be at most %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024)),
                  "error")
        elif isinstance(error, ValidationFailed):
            flash("; ".join(t(e.message) for e in error.errors), "error")
        else:
            flash(error.detail, "error")
        return redirect(url_for("catalog_imports.imports"))
    if forms.wants_json():
        return jsonify(_import_json(run)), 202
    flash(t("The file is being imported."), "success")
    return redirect(url_for("catalog_imports.import_view", import_id=run.id))


def _import_json(run: Any) -> dict[str, Any]:
    data = service.import_json(run)
    data["url"] = url_for("catalog_imports.import_view", import_id=run.id)
    data["progress_url"] = url_for("catalog_imports.import_progress", import_id=run.id)
    data["report_url"] = (url_for("catalog_imports.import_report", import_id=run.id)
                          if run.has_report else None)
    return data


@catalog_imports.get("/catalog/imports/<int:import_id>")
def import_view(import_id: int) -> ResponseReturnValue:
    run = service.get_import(db(), import_id)
    if forms.wants_json():
        return jsonify(_import_json(run))
    return _render("catalog_imports/import.html", run=run, data=_import_json(run))


@catalog_imports.get("/catalog/imports/<int:import_id>/progress")
def import_progress(import_id: int) -> ResponseReturnValue:
    """What the progress bar polls."""
    response = jsonify(_import_json(service.get_import(db(), import_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@catalog_imports.get("/catalog/imports/<int:import_id>/report.xlsx")
def import_report(import_id: int) -> ResponseReturnValue:
    run = service.get_import(db(), import_id)
    path = service.report_file(state().settings.data_dir, run)
    if path is None:
        raise NotFound(t("This import has no error report."), code="report_not_found")
    return send_file(path, mimetype=XLSX, as_attachment=True,
                     download_name=service.report_download_name(run))


# --- export -----------------------------------------------------------------------------------


def _int_arg(source: Any, name: str) -> int | None:
    raw = (source.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


def _filters(source: Any) -> dict[str, Any]:
    """The product list's filters (``q``, ``category``, ``group``, ``status``,
    ``low_stock``) from a query string or a form."""
    return {key: value for key, value in {
        "keyword": (source.get("q") or "").strip()[:50] or None,
        "category_id": _int_arg(source, "category"), "group_id": _int_arg(source, "group"),
        "status": source.get("status") or None,
        "low_stock": source.get("low_stock") == "1" or None,
    }.items() if value is not None}


def _export_json(export: Any) -> dict[str, Any]:
    return {
        "id": export.id, "status": export.status, "filters": export.filters,
        "products": export.product_count, "skus": export.sku_count,
        "error": export.error or None,
        "created_at": export.created_at.isoformat() if export.created_at else None,
        "url": url_for("catalog_imports.export_view", export_id=export.id),
        "download_url": (url_for("catalog_imports.export_download", export_id=export.id)
                         if export.status == RunStatus.DONE else None),
    }


@catalog_imports.get("/catalog/exports")
def exports() -> ResponseReturnValue:
    """Recent exports, and the export form prefilled from the product list's filters."""
    session = db()
    items = exporting.recent_exports(session)
    if forms.wants_json():
        return jsonify({"items": [_export_json(e) for e in items]})
    choices = picker_choices(session)
    return _render("catalog_imports/exports.html", items=items, filters=_filters(request.args),
                   categories=choices.categories, groups=choices.groups,
                   statuses=[("on_sale", t("On sale")), ("off_shelf", t("Off shelf")),
                             ("draft", t("Draft"))])


@catalog_imports.post("/catalog/exports")
def export_start() -> ResponseReturnValue:
    """Form or query: the product list's filters. 202 with the export (JSON) or back to
    the exports page."""
    session = db()
    source = request.form if request.form else request.args
    try:
        export = exporting.create_export(session, _filters(source),
                                         requested_by=_requested_by(), locale=_locale())
        exporting.queue_export(session, export, state().redis)
        session.commit()
    except MallkitError as error:
        session.rollback()
        if forms.wants_json():
            raise
        flash(error.detail, "error")
        return redirect(url_for("catalog_imports.exports"))
    if forms.wants_json():
        return jsonify(_export_json(export)), 202
    flash(t("The export is being prepared; it appears below when ready."), "success")
    return redirect(url_for("catalog_imports.exports"))


@catalog_imports.get("/catalog/exports/<int:export_id>")
def export_view(export_id: int) -> ResponseReturnValue:
    response = jsonify(_export_json(exporting.get_export(db(), export_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@catalog_imports.get("/catalog/exports/<int:export_id>/download")
def export_download(export_id: int) -> ResponseReturnValue:
    export = exporting.get_export(db(), export_id)
    path = exporting.export_file(state().settings.data_dir, export)
    if path is None:
        raise NotFound(t("This export is not ready."), code="export_not_ready")
    audit_now(Action.EXPORT_DOWNLOADED, current_user(), target=exporting.download_name(export),
              detail={"kind": "catalog"})
    return send_file(path, mimetype=XLSX, as_attachment=True,
                     download_name=exporting.download_name(export))


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.catalog import imports_i18n

    imports_i18n.compile_catalog()
    app.register_blueprint(catalog_imports)
    app.register_blueprint(imports_static)
    # The product list's filter form offers "export these products" (GET to the exports
    # page, which takes its filters) when this module is installed.
    app.jinja_env.globals["catalog_imports_t"] = t
    nav.register(app, "catalog", lazy_gettext("Import products"), "catalog_imports.imports",
                 order=40)
    nav.register(app, "catalog", lazy_gettext("Export products"), "catalog_imports.exports",
                 order=45)

