"""Who is using the console, and may they see this shop and this area.

Console screens of a shop live on a :func:`shop_blueprint`::

    bp = shop_blueprint("catalog_console", __name__, area="catalog")

    @bp.get("/products")
    def products(): ...

Every view on it runs only for a logged-in user who is a member of the shop in the URL
(checked on each request, so a removed member is out at once), with the blueprint's ``area``
granted, and with the request's session (``runtime.tenancy.db()``) scoped to that shop.
Unknown shops and shops the user is not a member of answer the same 404. Without a login,
browsers are redirected to the login page and JSON clients get a 401 problem.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Blueprint, Response, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from runtime import logs
from runtime.accounts.models import Membership, Role, User
from runtime.accounts.service import membership_of
from runtime.accounts.sessions import (
    ABSOLUTE_LIFETIME,
    ActiveSession,
    resolve_session,
    revoke_token,
    start_session,
)
from runtime.audit.service import Action, recently_recorded
from runtime.audit.web import audit_now
from runtime.db import use_shop
from runtime.errors import Forbidden, NotFound, Unauthorized, wants_html
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.tenancy import current_shop, db, enter_shop

SESSION_COOKIE = "mallkit_console"
COOKIE_PATH = "/console"
CONSOLE_PREFIX = "/console"
SHOP_PREFIX = "/console/shops/<shop_slug>"

F = TypeVar("F", bound=Callable[..., Any])
_UNSET = object()


# --- the logged-in user ----------------------------------------------------------------------


def session_token() -> str | None:
    """The raw console-session token from the cookie (never stored server-side)."""
    return request.cookies.get(SESSION_COOKIE)


def current_session() -> ActiveSession | None:
    """The live console session of this request, looked up once per request. The look-up
    commits only what it wrote (a touch, an idle revocation); otherwise its transaction goes
    on as the request's (one BEGIN and COMMIT less)."""
    cached = g.get("_console_session", _UNSET)
    if cached is not _UNSET:
        return cached
    active = None
    token = session_token()
    if token:
        session = db()
        active = resolve_session(session, token)
        if active is None or session.dirty:
            session.commit()  # keeps a touch of last_seen_at or an idle revocation
        if active is not None:
            logs.bind(user_id=active.user.id)
    g._console_session = active
    return active


def current_user() -> User | None:
    active = current_session()
    return active.user if active else None


def current_membership() -> Membership | None:
    """The user's membership in the shop of this request (set by ``shop_blueprint`` views)."""
    return g.get("console_membership")


def can(area: str) -> bool:
    """May the current member use ``area`` (a permission area, or a nav section)?"""
    member = current_membership()
    if member is None:
        return False
    if area == "overview":
        return True
    if area == "settings":
        return member.manages_shop
    return member.can(area)


def login_user(user: User) -> str:
    """Start a new session for ``user`` (rotating any old one); the cookie is set on the way
    out. Returns the new raw token (the CSRF token derives from it)."""
    session = db()
    revoke_token(session, session_token(), "rotated_at_login")
    token, record = start_session(session, user, ip=client_ip(),
                                  user_agent=request.headers.get("User-Agent", ""))
    g._console_session = ActiveSession(record, user)
    g._console_cookie = token
    return token


def forget_session() -> None:
    """Clear the session cookie on the way out (after logout or a revoked session)."""
    g._console_session = None
    g._console_cookie = ""


def client_ip() -> str:
    return request.remote_addr or "unknown"


def _write_session_cookie(response: Response) -> Response:
    token = g.get("_console_cookie")
    if token is None:
        return response
    secure = state().settings.secure_cookies
    if token:
        response.set_cookie(SESSION_COOKIE, token, max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
                            path=COOKIE_PATH, httponly=True, samesite="Lax", secure=secure)
    else:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax",
                               secure=secure)
    return response


# --- gates -----------------------------------------------------------------------------------


def login_required_response() -> Response:
    """Browsers go to the login page (and come back); JSON clients get a 401 problem."""
    if wants_html():
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("console.login", next=target))
    raise Unauthorized(_("Log in to the console first."), code="login_required")


def require_login(view: F) -> F:
    """For console views outside a shop: a logged-in user, or the login redirect / 401."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if current_user() is None:
            return login_required_response()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _areas(area: str | Iterable[str] | None) -> tuple[str, ...]:
    if area is None:
        return ()
    return (area,) if isinstance(area, str) else tuple(area)


def check_area(*areas: str) -> None:
    """403 unless the current member may use one of ``areas``."""
    if areas and not any(can(a) for a in areas):
        raise Forbidden(_("Your role in this shop does not include this area."),
                        code="area_forbidden", extra={"areas": list(areas)})


def require_area(*areas: str) -> Callable[[F], F]:
    """A single view that needs an area (any of several) on top of its blueprint's."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            check_area(*areas)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def require_shop_manager(view: F) -> F:
    """Owners and admins only (settings, staff)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        member = current_membership()
        if member is None or not member.manages_shop:
            raise Forbidden(_("Only the shop's owners and admins can do this."),
                            code="not_shop_manager")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: A platform admin's visit to a shop's console is recorded at most this often.
PLATFORM_VISIT_EVERY = timedelta(hours=1)


def enter_console_shop(slug: str) -> Shop:
    """Scope the request to ``slug`` for the current user: the same 404 when the shop is
    unknown or the user is not a member. Platform admins enter any shop as an admin
    (audited)."""
    user = current_user()
    if user is None:
        raise Unauthorized(_("Log in to the console first."), code="login_required")
    shop = enter_shop(slug)
    member = membership_of(db(), user.id)
    if member is None and user.is_platform_admin:
        if not recently_recorded(db(), Action.PLATFORM_ADMIN_ENTERED_SHOP, user.id,
                                 PLATFORM_VISIT_EVERY):
            audit_now(Action.PLATFORM_ADMIN_ENTERED_SHOP, user, target=shop.slug,
                      detail={"path": request.path})
        member = Membership(shop_id=shop.id, user_id=user.id, role=str(Role.ADMIN), areas=[])
        g.console_platform_view = True
    if member is None:
        g.pop("shop", None)
        use_shop(db(), None)
        raise NotFound(f"no shop '{slug}'", code="shop_not_found")
    g.console_membership = member
    return shop


def shop_blueprint(name: str, import_name: str, area: str | Iterable[str] | None = None,
                   module: str | None = None, **kwargs: Any) -> Blueprint:
    """A blueprint at ``/console/shops/<shop_slug>`` for members of that shop with ``area``
    (any of several when a list; None: every member); with ``module``, only while that
    module is on for the shop (404 otherwise)."""
    kwargs.setdefault("url_prefix", SHOP_PREFIX)
    bp = Blueprint(name, import_name, **kwargs)
    areas = _areas(area)

    @bp.url_value_preprocessor
    def _take_slug(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values is not None and "shop_slug" in values:
            g.console_shop_slug = values.pop("shop_slug")

    @bp.url_defaults
    def _keep_slug(_endpoint: str, values: dict[str, Any]) -> None:
        shop = current_shop()
        if shop is not None:
            values.setdefault("shop_slug", shop.slug)

    @bp.before_request
    def _gate() -> ResponseReturnValue | None:
        if current_user() is None:
            return login_required_response()
        slug = g.get("console_shop_slug")
        if slug is None:
            raise NotFound("no shop in the URL", code="shop_not_found")
        enter_console_shop(slug)
        check_area(*areas)
        if module is not None:
            from runtime.modules.switches import enabled_modules
            from runtime.tenancy import db

            if module not in enabled_modules(db()):
                raise NotFound(f"'{module}' is not switched on for this shop",
                               code="module_disabled")
        return None

    return bp


def init_app(app: Any) -> None:
    app.after_request(_write_session_cookie)


def shop_home_url(shop: Shop) -> str:
    return url_for("console_shop.home", shop_slug=shop.slug)


def is_console_request() -> bool:
    return request.path == CONSOLE_PREFIX or request.path.startswith(CONSOLE_PREFIX + "/")
