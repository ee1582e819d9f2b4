"""Console screens of one shop that belong to accounts: the shop home, staff and settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from builder import forms, nav
from builder.auth import (
    can,
    current_membership,
    current_user,
    require_shop_manager,
    shop_blueprint,
)
from builder.orders.views import yuan
from runtime.accounts import invitations
from runtime.accounts import service as accounts
from runtime.accounts.models import Membership, User
from runtime.audit.service import Action
from runtime.audit.web import audit
from runtime.clock import utcnow
from runtime.errors import MallkitError
from runtime.extension import state
from runtime.modules.loader import hooks
from runtime.modules.orders import overview
from runtime.shops import service as shops
from runtime.shoptime import local_today, zone_of
from runtime.tenancy import current_shop, db

shop_console = shop_blueprint("console_shop", __name__)


def _member_json(member: Membership, user: Any) -> dict[str, Any]:
    return {"id": member.id, "user_id": user.id, "email": user.email,
            "display_name": user.display_name, "role": member.role, "areas": member.areas}


def _shop_json(shop: Any) -> dict[str, Any]:
    return {"slug": shop.slug, "name": shop.name, "timezone": shop.timezone,
            "contact_phone": shop.contact_phone}


@shop_console.get("/")
def home() -> ResponseReturnValue:
    shop = current_shop()
    if forms.wants_json():
        member = current_membership()
        return jsonify({"shop": _shop_json(shop), "role": member.role if member else None,
                        "areas": member.areas if member else []})
    return render_template("console/shop_home.html", **_overview(shop))


def _overview(shop: Any) -> dict[str, Any]:
    """Today's and yesterday's figures (in the shop's time zone), the work waiting (each
    module's ``overview_figures``) and the shortcuts, each only for members who may use its
    area."""
    session = db()
    zone = zone_of(shop)
    today = local_today(zone)
    figures = None
    if can("orders"):
        figures = {"today": overview.paid_on(session, today, zone),
                   "yesterday": overview.paid_on(session, today - timedelta(days=1), zone)}
    shortcuts = [(area, label, url_for(endpoint, **args)) for area, label, endpoint, args in (
        ("catalog", _("Add a product"), "catalog_console.products_new", {}),
        ("orders", _("Orders to ship"), "orders_console.order_list", {"status": "paid"}),
        ("pages", _("Edit the home page"), "editor.edit", {"slug": "home"}),
        ("members", _("Members"), "members_console.member_list", {}),
    ) if can(area)]
    return {"figures": figures, "waiting": _waiting(session), "shortcuts": shortcuts,
            "today": today, "yuan": yuan}


def _waiting(session: Any) -> list[dict[str, Any]]:
    """The pending-work counts the shop's modules contribute, for the member's areas."""
    key = "en" if str(get_locale()) == "en" else "zh-CN"
    found = [figure for contributed in hooks(session).overview_figures(session=session)
             for figure in contributed or () if can(figure.area)]
    return [{"key": f.key, "label": f.label.get(key) or f.label.get("zh-CN") or f.key,
             "count": f.count, "url": url_for(f.endpoint, **f.args)}
            for f in sorted(found, key=lambda f: (f.position, f.key))]


# --- staff -----------------------------------------------------------------------------------


def _render_staff(errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                  status: int = 200) -> Response:
    html = render_template("console/staff.html", staff=accounts.list_staff(db()),
                           invitations=invitations.pending(db(), state().settings),
                           invitation_link=_invitation_link, now=utcnow(),
                           areas=accounts.AREAS, roles=accounts.ROLES,
                           errors=errors or {}, form=form or {"role": "staff", "areas": []},
                           me=current_user())
    return Response(html, status=status, mimetype="text/html")


def _invitation_link(token: str) -> str:
    return url_for("console_invitations.show", token=token, _external=True)


def _invitation_json(invitation: invitations.Invitation) -> dict[str, Any]:
    row = invitation.row
    return {"id": row.id, "email": row.email, "role": row.role, "areas": row.areas,
            "expires_at": row.expires_at.isoformat(), "link": _invitation_link(invitation.token)}


@shop_console.get("/staff")
@require_shop_manager
def staff() -> ResponseReturnValue:
    if forms.wants_json():
        return jsonify({"staff": [_member_json(s.membership, s.user)
                                  for s in accounts.list_staff(db())],
                        "invitations": [_invitation_json(i) for i in
                                        invitations.pending(db(), state().settings)]})
    return _render_staff()


@shop_console.post("/staff")
@require_shop_manager
def staff_add() -> ResponseReturnValue:
    """Invite an email: the same answer whether or not it has an account; the person joins
    only by accepting the invitation link (shown here to send them)."""
    data = forms.payload()
    form = {"email": forms.text(data, "email"), "role": data.get("role", ""),
            "areas": data.get("areas") or []}
    try:
        invited = invitations.invite(db(), state().settings, current_membership(),
                                     email=form["email"], role=form["role"], areas=form["areas"])
        audit(Action.STAFF_INVITED, current_user(), target=invited.row.email,
              detail={"role": invited.row.role, "areas": invited.row.areas})
    except MallkitError as exc:
        db().rollback()
        if forms.wants_json():
            raise
        return _render_staff(forms.field_errors(exc), form, exc.status)
    db().commit()
    if forms.wants_json():
        return jsonify({"invitation": _invitation_json(invited)}), 201
    flash(_("An invitation for %(email)s is ready: send them the link below. They join once "
            "they accept it.", email=invited.row.email), "success")
    return redirect(url_for(".staff"))


@shop_console.route("/staff/invitations/<int:invitation_id>/revoke", methods=["POST"])
@shop_console.route("/staff/invitations/<int:invitation_id>", methods=["DELETE"])
@require_shop_manager
def staff_invitation_revoke(invitation_id: int) -> ResponseReturnValue:
    try:
        row = invitations.revoke(db(), current_membership(), invitation_id)
        audit(Action.STAFF_INVITATION_REVOKED, current_user(), target=row.email)
    except MallkitError as exc:
        return _staff_refused(exc)
    db().commit()
    if forms.wants_json():
        return Response(status=204)
    flash(_("The invitation has been revoked; its link no longer works."), "success")
    return redirect(url_for(".staff"))


def _staff_refused(exc: MallkitError) -> ResponseReturnValue:
    """A refused staff action: rolled back; JSON clients get the problem, browsers the staff
    page with the reason."""
    db().rollback()
    if forms.wants_json():
        raise exc
    flash(" ".join(forms.field_errors(exc).values()), "error")
    return _render_staff(status=exc.status)


def _email_of(user_id: int) -> str:
    user = db().get(User, user_id)
    return user.email if user else ""


def _role_of(member_id: int) -> dict[str, Any] | None:
    member = db().scalar(select(Membership).where(Membership.id == member_id))
    return {"role": member.role, "areas": list(member.areas)} if member else None


@shop_console.route("/staff/<int:member_id>", methods=["POST", "PATCH"])
@require_shop_manager
def staff_change(member_id: int) -> ResponseReturnValue:
    data = forms.payload()
    try:
        before = _role_of(member_id)
        member = accounts.change_staff(db(), current_membership(), member_id,
                                       role=data.get("role", ""), areas=data.get("areas") or [])
        audit(Action.STAFF_ROLE_CHANGED, current_user(), target=_email_of(member.user_id),
              detail={"from": before, "to": {"role": member.role, "areas": member.areas}})
    except MallkitError as exc:
        return _staff_refused(exc)
    db().commit()
    if forms.wants_json():
        return jsonify({"member": {"id": member.id, "role": member.role,
                                   "areas": member.areas}})
    flash(_("The staff member's role has been saved."), "success")
    return redirect(url_for(".staff"))


@shop_console.route("/staff/<int:member_id>/remove", methods=["POST"])
@shop_console.route("/staff/<int:member_id>", methods=["DELETE"])
@require_shop_manager
def staff_remove(member_id: int) -> ResponseReturnValue:
    """Remove a member: their sessions end now, and they are refused on their next request."""
    me = current_user()
    try:
        removed = accounts.remove_staff(db(), current_membership(), member_id)
        audit(Action.STAFF_REMOVED, me, target=_email_of(removed.user_id),
              detail={"role": removed.role})
    except MallkitError as exc:
        return _staff_refused(exc)
    db().commit()
    if forms.wants_json():
        return Response(status=204)
    if me is not None and removed.user_id == me.id:
        return redirect(url_for("console.login"))
    flash(_("The staff member has been removed."), "success")
    return redirect(url_for(".staff"))


# --- settings --------------------------------------------------------------------------------


@shop_console.route("/settings", methods=["GET", "POST", "PATCH"])
@require_shop_manager
def settings() -> ResponseReturnValue:
    shop = current_shop()
    assert shop is not None
    if request.method == "GET":
        if forms.wants_json():
            return jsonify({"shop": _shop_json(shop)})
        return render_template("console/shop_settings.html", form=_shop_json(shop), errors={},
                               timezones=shops.COMMON_TIMEZONES)
    data = forms.payload()
    form = {k: forms.text(data, k) if k in data else getattr(shop, k)
            for k in ("name", "timezone", "contact_phone")}
    try:
        shops.update_shop(db(), shop, **form)
    except MallkitError as exc:
        db().rollback()
        if forms.wants_json():
            raise
        html = render_template("console/shop_settings.html", form=form,
                               errors=forms.field_errors(exc), timezones=shops.COMMON_TIMEZONES)
        return Response(html, status=exc.status, mimetype="text/html")
    db().commit()
    if forms.wants_json():
        return jsonify({"shop": _shop_json(shop)})
    flash(_("The shop settings have been saved."), "success")
    return redirect(url_for(".settings"))


def init_app(app: Flask) -> None:
    app.register_blueprint(shop_console)
    nav.register(app, "overview", _l("Shop overview"), "console_shop.home", order=0)
    nav.register(app, "settings", _l("Shop settings"), "console_shop.settings", order=10)
    nav.register(app, "settings", _l("Staff"), "console_shop.staff", order=20)
