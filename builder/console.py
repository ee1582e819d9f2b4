"""The merchant console blueprint (``/console``): login, logout, sign-up, the shop list,
my account, the platform and agency pages; and the console's start-up wiring."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.local import LocalProxy

from builder import auth, csrf, forms, i18n, nav
from builder.auth import (
    can,
    current_membership,
    current_session,
    current_user,
    forget_session,
    is_console_request,
    login_user,
    require_login,
    shop_home_url,
)
from runtime.accounts import service as accounts
from runtime.accounts.sessions import live_sessions, revoke_user_sessions
from runtime.accounts.switcher import ShopLink, shop_links
from runtime.accounts.throttle import LoginThrottle, count_signup
from runtime.audit.service import Action
from runtime.audit.web import audit, audit_now
from runtime.errors import MallkitError, NotFound, TooManyRequests, Unauthorized
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.tenancy import current_shop, db

console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                    static_folder="static", static_url_path="/static")


def _user_json(user: Any) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "display_name": user.display_name,
            "locale": user.locale, "is_platform_admin": user.is_platform_admin,
            "agency_id": user.agency_id}


def _form_error(template: str, error: MallkitError, status: int | None = None,
                **context: Any) -> ResponseReturnValue:
    """JSON clients get the problem; browsers get the form again with its errors."""
    if forms.wants_json():
        raise error
    html = render_template(template, errors=forms.field_errors(error), **context)
    response = Response(html, status=status or error.status, mimetype="text/html")
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


# --- login and logout ------------------------------------------------------------------------


@console.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_url = forms.safe_next(request.values.get("next"), url_for("console.index"))
    if request.method == "GET":
        if forms.wants_json():
            return jsonify({"csrf_token": csrf.csrf_token()})
        if current_user() is not None:
            return redirect(next_url)
        return render_template("console/login.html", next=next_url, form={}, errors={})
    data = forms.payload()
    email = forms.text(data, "email")
    settings = state().settings
    try:
        user = accounts.authenticate(db(), settings, LoginThrottle(state().redis, settings),
                                     email=email, password=forms.text(data, "password"),
                                     ip=auth.client_ip())
    except (TooManyRequests, Unauthorized) as exc:
        db().rollback()
        audit_now(Action.LOGIN_FAILED, label=accounts.normalize_email(email)[:254],
                  detail={"reason": "throttled" if isinstance(exc, TooManyRequests)
                          else "credentials"})
        if isinstance(exc, TooManyRequests):
            exc.detail = _("Too many failed logins. Try again in %(minutes)d minutes.",
                           minutes=max(1, -(-exc.retry_after // 60)))
        else:
            exc.detail = _("Wrong email or password.")
        return _form_error("console/login.html", exc, next=next_url, form={"email": email})
    token = login_user(user)
    audit(Action.LOGIN_SUCCEEDED, user)
    db().commit()
    if forms.wants_json():
        return jsonify({"user": _user_json(user), "csrf_token": csrf._token_for(token)})
    return redirect(next_url)


@console.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends every session of the user, this one and those in other browsers."""
    user = current_user()
    if user is not None:
        revoke_user_sessions(db(), user.id, "logout")
        db().commit()
    forget_session()
    if forms.wants_json():
        return Response(status=204)
    flash(_("You have logged out."), "success")
    return redirect(url_for("console.login"))


@console.get("/api/me")
@require_login
def me() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    shops = accounts.user_shops(db(), user)
    return jsonify({"user": _user_json(user), "csrf_token": csrf.csrf_token(),
                    "shops": [{"slug": a.shop.slug, "name": a.shop.name, "role": a.role}
                              for a in shops]})


# --- the shop list and sign-up ---------------------------------------------------------------


@console.get("/")
@require_login
def index() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    mine = accounts.user_shops(db(), user)
    all_shops: list[Shop] = []
    if user.is_platform_admin:
        all_shops = list(db().scalars(select(Shop).where(Shop.status == "active")
                                      .order_by(Shop.name, Shop.id)))
    agency = accounts.agency_of(db(), user)
    if not user.is_platform_admin:
        if len(mine) == 1 and agency is None:
            return redirect(shop_home_url(mine[0].shop))
        if not mine and agency is not None:
            return redirect(url_for("console.agency"))
    return render_template("console/index.html", shops=mine, all_shops=all_shops,
                           agency=agency)


@console.route("/signup", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    """A new shop and, for a visitor, its owner's account; then the shop's console."""
    user = current_user()
    if request.method == "GET":
        return render_template("console/signup.html", form={"timezone": "Asia/Shanghai"},
                               errors={})
    count_signup(state().redis, state().settings, auth.client_ip())
    data = forms.payload()
    form = {k: forms.text(data, k) for k in
            ("email", "display_name", "shop_name", "shop_slug", "timezone")}
    form["timezone"] = form["timezone"] or "Asia/Shanghai"
    try:
        if user is not None:
            accounts.check_new_shop(db(), form["shop_slug"], form["shop_name"],
                                    form["timezone"])
            shop = accounts.open_shop(db(), user, slug=form["shop_slug"],
                                      name=form["shop_name"], timezone=form["timezone"])
        else:
            user, shop = accounts.signup(
                db(), state().settings, email=form["email"],
                password=forms.text(data, "password"), display_name=form["display_name"],
                shop_name=form["shop_name"], shop_slug=form["shop_slug"],
                timezone=form["timezone"])
            login_user(user)
    except MallkitError as exc:
        db().rollback()
        return _form_error("console/signup.html", exc, form=form)
    db().commit()
    if forms.wants_json():
        return jsonify({"shop": {"slug": shop.slug, "name": shop.name},
                        "user": _user_json(user), "csrf_token": csrf.csrf_token(),
                        "url": shop_home_url(shop)}), 201
    flash(_("Your shop %(name)s is open.", name=shop.name), "success")
    return redirect(shop_home_url(shop))


# --- my account ------------------------------------------------------------------------------


@console.route("/account", methods=["GET", "POST", "PATCH"])
@require_login
def account() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    active = current_session()
    sessions = live_sessions(db(), user.id)
    context = {"sessions": sessions, "current_session_id": active.record.id if active else None,
               "locales": forms.LOCALE_LABELS}
    if request.method == "GET":
        return render_template("console/account.html", form=_profile_form(user), errors={},
                               password_errors={}, **context)
    data = forms.payload()
    form = {"display_name": forms.text(data, "display_name"),
            "locale": forms.text(data, "locale") or user.locale}
    try:
        accounts.update_profile(db(), user, **form)
    except MallkitError as exc:
        db().rollback()
        return _form_error("console/account.html", exc, form=form, password_errors={},
                           **context)
    db().commit()
    if forms.wants_json():
        return jsonify({"user": _user_json(user)})
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("console.account"))


def _profile_form(user: Any) -> dict[str, str]:
    return {"display_name": user.display_name, "locale": user.locale}


@console.post("/account/password")
@require_login
def change_password() -> ResponseReturnValue:
    """A new password ends every other session of the user at once."""
    active = current_session()
    assert active is not None
    user = active.user
    data = forms.payload()
    try:
        ended = accounts.change_password(
            db(), state().settings, user, current=forms.text(data, "current_password"),
            new=forms.text(data, "new_password"), keep_session_id=active.record.id)
    except MallkitError as exc:
        db().rollback()
        if forms.wants_json():
            raise
        html = render_template(
            "console/account.html", form=_profile_form(user), errors={},
            password_errors=forms.field_errors(exc), sessions=live_sessions(db(), user.id),
            current_session_id=active.record.id, locales=forms.LOCALE_LABELS)
        return Response(html, status=exc.status, mimetype="text/html")
    db().commit()
    if forms.wants_json():
        return jsonify({"ended_sessions": ended})
    flash(_("Your password has been changed; your other sessions have ended."), "success")
    return redirect(url_for("console.account"))


# --- platform and agency ---------------------------------------------------------------------


@console.get("/platform/shops")
@require_login
def platform_shops() -> ResponseReturnValue:
    user = current_user()
    if user is None or not user.is_platform_admin:
        raise NotFound("not found", code="not_found")
    shops = accounts.platform_shop_list(db())
    if forms.wants_json():
        return jsonify({"shops": [{"slug": s.shop.slug, "name": s.shop.name,
                                   "status": s.shop.status, "members": s.members,
                                   "owners": s.owners,
                                   "created_at": s.shop.created_at.isoformat()}
                                  for s in shops]})
    return render_template("console/platform_shops.html", shops=shops)


@console.get("/agency/")
@require_login
def agency() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    the_agency = accounts.agency_of(db(), user)
    if the_agency is None:
        raise NotFound("not found", code="not_found")
    users = accounts.agency_users(db(), the_agency)
    if forms.wants_json():
        return jsonify({"agency": {"slug": the_agency.slug, "name": the_agency.name},
                        "users": [{"email": u.email, "display_name": u.display_name}
                                  for u in users]})
    from builder.themes.i18n import gettext as theme_gettext

    return render_template("console/agency.html", agency=the_agency, users=users,
                           theme_studio_label=theme_gettext("Theme studio"))


# --- wiring ----------------------------------------------------------------------------------


class _Lazy:
    """A list computed on first use, so pages that never show it cost nothing."""

    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._value: list[Any] | None = None

    def _get(self) -> list[Any]:
        if self._value is None:
            self._value = list(self._compute())
        return self._value

    def __iter__(self) -> Any:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __bool__(self) -> bool:
        return bool(self._get())


def _my_shops() -> list[ShopLink]:
    user = current_user()
    return shop_links(db(), user) if user is not None else []


def _nav() -> list[Any]:
    return nav.build(can) if current_membership() is not None and current_shop() else []


def console_context() -> dict[str, Any]:
    """What every console template can use (see console/base.html)."""
    if not is_console_request():
        return {}
    member = current_membership()
    return {
        "user": LocalProxy(current_user),
        "membership": member,
        "shop": current_shop() if member is not None else None,
        "csrf_token": csrf.csrf_token,
        "can": can,
        "nav": _Lazy(_nav),
        "my_shops": _Lazy(_my_shops),
        "role_label": forms.role_label,
        "area_label": forms.area_label,
        "platform_view": g.get("console_platform_view", False),
        "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
    }


def init_app(app: Flask) -> None:
    from builder import shop_views

    i18n.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)
    app.context_processor(console_context)
    app.register_blueprint(console)
    shop_views.init_app(app)
