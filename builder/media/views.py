"""Console endpoints of the media library, at ``/console/shops/<shop>/media``.

Open to members with the ``pages`` or the ``catalog`` area. JSON clients (the library page's
script, the page editor, the product form) get JSON and problem+json; a browser posting the
plain forms is redirected back to the library with a message.
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
from builder.auth import shop_blueprint
from builder.media.i18n import gettext as t
from runtime.errors import FieldError, MallkitError, ValidationFailed, problem_response
from runtime.extension import state
from runtime.http import json_body
from runtime.media import service
from runtime.media.errors import too_large
from runtime.media.processing import MediaLimits
from runtime.media.refs import asset_json, media_url
from runtime.tenancy import db

media_console = shop_blueprint("media_console", __name__, area=("pages", "catalog"))
media_static = Blueprint("media_static", __name__, static_folder="static",
                         static_url_path="/console/media-static")

#: Room for the multipart envelope and the form fields around the file itself.
MULTIPART_OVERHEAD = 256 * 1024
EDITABLE = ("name", "alt_text", "folder")


def _limits() -> MediaLimits:
    return MediaLimits.from_settings(state().settings)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


@media_console.url_value_preprocessor
def _allow_upload_body(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Raise the request-body cap for the upload route only (before anything reads the body,
    the CSRF check included)."""
    if endpoint == "media_console.upload":
        request.max_content_length = _limits().max_bytes + MULTIPART_OVERHEAD


@media_console.errorhandler(RequestEntityTooLarge)
def _body_too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    if request.endpoint == "media_console.upload":
        error = too_large(t("Files may be at most %(size)s.", size=_mib(_limits().max_bytes)))
    else:
        error = MallkitError("request body too large", code="payload_too_large")
        error.status, error.title = 413, "Payload too large"
    if forms.wants_json() or request.endpoint != "media_console.upload":
        return problem_response(error)
    flash(error.detail, "error")
    return redirect(url_for("media_console.library"))


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed.single(f"/{name}", "must be an integer", "type") from None


def _page_json(page: service.AssetPage) -> dict[str, Any]:
    return {"items": [asset_json(a) for a in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total, "pages": page.pages,
            "folders": [{"name": f.name, "count": f.count} for f in service.list_folders(db())]}


def _query() -> service.AssetPage:
    """``folder`` absent: every folder; ``folder=`` (empty): assets in no folder."""
    return service.list_assets(
        db(), page=_int_arg("page", 1), per_page=_int_arg("per_page", 40),
        q=request.args.get("q") or None, folder=request.args.get("folder"),
        kind=request.args.get("kind") or None)


def _back_to_library() -> Response:
    target = forms.safe_next(request.form.get("next"), url_for("media_console.library"))
    return redirect(target)


def _form_failed(error: MallkitError) -> Response:
    """A browser form that failed: say why on the library page."""
    db().rollback()
    detail = error.detail
    if isinstance(error, ValidationFailed) and error.errors:
        detail = "; ".join(e.message for e in error.errors)
    flash(detail, "error")
    return _back_to_library()


# --- the page ------------------------------------------------------------------------------


@media_console.get("/media")
def library() -> ResponseReturnValue:
    if forms.wants_json():
        return jsonify(_page_json(_query()))
    try:
        page = _query()
    except ValidationFailed:
        page = service.list_assets(db())
    return render_template("media/library.html", t=t, page=page,
                           folders=service.list_folders(db()),
                           q=request.args.get("q", ""), folder=request.args.get("folder"),
                           sizes={"image": _mib(_limits().max_image_bytes),
                                  "video": _mib(_limits().max_video_bytes)},
                           media_url=media_url)


# --- JSON (and form) endpoints --------------------------------------------------------------


@media_console.get("/media/assets")
def assets() -> ResponseReturnValue:
    return jsonify(_page_json(_query()))


@media_console.post("/media/assets")
def upload() -> ResponseReturnValue:
    """Multipart: ``file`` (required), ``folder``, ``alt_text``. 201 for a new asset, 200
    when the shop already had the same bytes."""
    json_client = forms.wants_json()
    try:
        try:
            upload_file = request.files.get("file")
            fields = request.form
        except RequestEntityTooLarge:
            raise too_large(t("Files may be at most %(size)s.",
                              size=_mib(_limits().max_bytes))) from None
        if upload_file is None or not upload_file.filename:
            raise ValidationFailed([FieldError("/file", t("Choose a file to upload."),
                                               "required")])
        data = upload_file.read(_limits().max_bytes + 1)
        result = service.upload(db(), data, upload_file.filename or "",
                                folder=fields.get("folder", ""),
                                alt_text=fields.get("alt_text", ""))
        db().commit()
    except MallkitError as error:
        if json_client:
            db().rollback()
            raise
        return _form_failed(error)
    if json_client:
        return jsonify(asset_json(result.asset)), 201 if result.created else 200
    flash(t("Uploaded %(name)s.", name=result.asset.name) if result.created
          else t("%(name)s was already in the library.", name=result.asset.name), "success")
    return _back_to_library()


@media_console.post("/media/assets/external")
def adopt_external() -> ResponseReturnValue:
    """``{"url", "folder"?, "alt_text"?}``: record an image by URL; it is copied in the
    background (202) and usable through its own URL meanwhile."""
    json_client = forms.wants_json()
    try:
        data = forms.payload()
        asset = service.adopt_external(db(), forms.text(data, "url", "/url"),
                                       folder=forms.text(data, "folder", "/folder"),
                                       alt_text=forms.text(data, "alt_text", "/alt_text"))
        db().commit()
    except MallkitError as error:
        if json_client:
            db().rollback()
            raise
        return _form_failed(error)
    if json_client:
        return jsonify(asset_json(asset)), 202
    flash(t("The image will be copied into the library in a moment."), "success")
    return _back_to_library()


@media_console.get("/media/assets/<int:asset_id>")
def asset(asset_id: int) -> ResponseReturnValue:
    return jsonify(asset_json(service.get_asset(db(), asset_id)))


@media_console.patch("/media/assets/<int:asset_id>")
def update(asset_id: int) -> ResponseReturnValue:
    """Rename, or change the alt text or folder: ``{"name"?, "alt_text"?, "folder"?}``."""
    data = json_body()
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationFailed([FieldError(f"/{k}", "not an editable field", "unknown")
                                for k in unknown])
    try:
        updated = service.update_asset(db(), asset_id, **{k: data[k] for k in EDITABLE
                                                           if k in data})
        db().commit()
    except MallkitError:
        db().rollback()
        raise
    return jsonify(asset_json(updated))


def _delete(asset_id: int) -> None:
    force = request.values.get("force", "") in ("1", "true", "yes")
    try:
        service.delete_asset(db(), asset_id, force=force)
        db().commit()
    except MallkitError:
        db().rollback()
        raise


@media_console.delete("/media/assets/<int:asset_id>")
def delete(asset_id: int) -> ResponseReturnValue:
    """Soft-delete (204); 409 ``media_in_use`` while a product or page uses it, unless
    ``?force=1``."""
    _delete(asset_id)
    return Response(status=204)


@media_console.post("/media/assets/<int:asset_id>/delete")
def delete_form(asset_id: int) -> ResponseReturnValue:
    """The no-script form of :func:`delete`."""
    try:
        _delete(asset_id)
    except MallkitError as error:
        if forms.wants_json():
            raise
        return _form_failed(error)
    if forms.wants_json():
        return Response(status=204)
    flash(t("Deleted."), "success")
    return _back_to_library()
