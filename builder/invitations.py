"""The invitee's side of a staff invitation: open the link, then accept it (logged in with
the invited email) or sign up with that email and accept in one step."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from builder import forms
from builder.auth import current_user, login_user
from runtime.accounts import invitations
from runtime.accounts.models import StaffInvitation
from runtime.audit.service import Action
from runtime.audit.web import audit
from runtime.errors import MallkitError
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.tenancy import db

invitation_pages = Blueprint("console_invitations", __name__, url_prefix="/console/invitations")


def _page(row: StaffInvitation, token: str, errors: dict[str, str] | None = None,
          form: dict[str, str] | None = None, status: int = 200) -> Response:
    shop = db().get(Shop, row.shop_id)
    user = current_user()
    html = render_template("console/invitation.html", invitation=row, shop=shop, token=token,
                           user=user, errors=errors or {}, form=form or {},
                           matches=user is not None and user.email == row.email)
    return Response(html, status=status, mimetype="text/html")


@invitation_pages.get("/<token>")
def show(token: str) -> ResponseReturnValue:
    row = invitations.open_invitation(db(), state().settings, token)
    if forms.wants_json():
        shop = db().get(Shop, row.shop_id)
        return jsonify({"invitation": {"email": row.email, "role": row.role,
                                       "areas": row.areas, "shop": shop.name if shop else "",
                                       "expires_at": row.expires_at.isoformat()}})
    return _page(row, token)


@invitation_pages.post("/<token>/accept")
def accept(token: str) -> ResponseReturnValue:
    user = current_user()
    if user is None:
        return redirect(url_for("console.login", next=url_for(".show", token=token)))
    member = invitations.accept(db(), state().settings, token, user)
    shop = db().get(Shop, member.shop_id)
    audit(Action.STAFF_JOINED, user, target=user.email, detail={"role": member.role})
    db().commit()
    return _joined(shop)


@invitation_pages.post("/<token>/signup")
def sign_up(token: str) -> ResponseReturnValue:
    data = forms.payload()
    form = {"display_name": forms.text(data, "display_name")}
    try:
        user, member = invitations.sign_up_and_accept(
            db(), state().settings, token, password=forms.text(data, "password"),
            display_name=form["display_name"])
        audit(Action.STAFF_JOINED, user, target=user.email,
              detail={"role": member.role, "signed_up": True})
    except MallkitError as exc:
        db().rollback()
        if forms.wants_json() or exc.status == 404:
            raise
        row = invitations.open_invitation(db(), state().settings, token)
        return _page(row, token, forms.field_errors(exc), form, exc.status)
    login_user(user)
    shop = db().get(Shop, member.shop_id)
    db().commit()
    return _joined(shop, status=201)


def _joined(shop: Shop | None, status: int = 200) -> ResponseReturnValue:
    slug = shop.slug if shop else ""
    if forms.wants_json():
        return jsonify({"shop": slug}), status
    flash(_("You have joined %(shop)s.", shop=shop.name if shop else slug), "success")
    return redirect(url_for("console_shop.home", shop_slug=slug))


def init_app(app: Flask) -> None:
    app.register_blueprint(invitation_pages)
