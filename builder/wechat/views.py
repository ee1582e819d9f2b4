"""``/console/shops/<shop>/settings/wechat``: the shop's mini-program AppID and AppSecret
(owners and admins). The AppSecret is write-only: it is never shown again."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import require_shop_manager, shop_blueprint
from builder.wechat.i18n import gettext as t
from runtime.extension import state
from runtime.tenancy import db
from runtime.wechat import apps

wechat_console = shop_blueprint("wechat_console", __name__, template_folder="templates")


def _status() -> dict[str, Any]:
    app = apps.get_app(db())
    return {"configured": app is not None, "appid": app.appid if app else None,
            "secret_set": bool(app and app.secret_enc),
            "simulator_stands_in": state().settings.simulators_enabled and app is None}


@wechat_console.route("/settings/wechat", methods=["GET", "POST"])
@require_shop_manager
def app_settings() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = forms.payload()
        body = {k: forms.text(data, k) for k in ("appid", "secret")}
        saved = forms.save(lambda: apps.save_app(db(), body, state().settings.credential_keys),
                           _status, t("Mini-program settings saved."), url_for(".app_settings"))
        if not isinstance(saved, dict):
            return saved
        errors = saved
    if forms.wants_json():
        return jsonify(_status())
    return render_template("wechat/app.html", t=t, status=_status(), errors=errors)


@wechat_console.post("/settings/wechat/delete")
@require_shop_manager
def app_delete() -> ResponseReturnValue:
    apps.delete_app(db())
    db().commit()
    if forms.wants_json():
        return jsonify(_status())
    flash(t("Mini-program settings removed."), "success")
    return redirect(url_for(".app_settings"))
