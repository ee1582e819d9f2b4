"""Users, logins, passwords and shop staff: the rules behind the console's account screens.

Functions take a session; staff functions take one already scoped to the shop (``use_shop``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.accounts import passwords
from runtime.accounts.models import Agency, Area, Membership, Role, User
from runtime.accounts.sessions import revoke_user_sessions
from runtime.accounts.throttle import LoginThrottle
from runtime.clock import utcnow
from runtime.db import current_shop_id, platform_access, use_shop
from runtime.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from runtime.fielderrors import FieldErrors
from runtime.settings import Settings
from runtime.shops.models import Shop
from runtime.shops.service import SLUG_RE, create_shop, validate_shop_fields

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALES = ("zh_CN", "en")
ROLES = tuple(str(r) for r in Role)
AREAS = tuple(str(a) for a in Area)


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def check_email(email: str, pointer: str = "/email") -> None:
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationFailed.single(pointer, "a valid email address is required", "format")


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


# --- users ----------------------------------------------------------------------------------


def create_user(session: Session, settings: Settings, *, email: str, password: str,
                display_name: str = "", locale: str = "zh_CN", is_platform_admin: bool = False,
                agency: Agency | None = None) -> User:
    """A new user with an argon2id password hash; 409 when the email is taken."""
    email = normalize_email(email)
    errors = FieldErrors()
    try:
        check_email(email)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    try:
        passwords.check_strength(password)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    errors.extend(_profile_errors(display_name, locale))
    errors.raise_if_any()
    if user_by_email(session, email) is not None:
        raise Conflict("an account with this email already exists", code="email_taken",
                       extra={"errors": [{"pointer": "/email", "message": "already registered",
                                          "code": "unique"}]})
    user = User(email=email, password_hash=passwords.hasher(settings).hash(password),
                display_name=display_name.strip(), locale=locale,
                is_platform_admin=is_platform_admin,
                agency_id=agency.id if agency else None, is_active=True,
                password_changed_at=utcnow())
    session.add(user)
    session.flush()
    return user


def _profile_errors(display_name: str | None, locale: str | None) -> list[FieldError]:
    errors = []
    if len((display_name or "").strip()) > 80:
        errors.append(FieldError("/display_name", "at most 80 characters", "max_length"))
    if locale not in LOCALES:
        errors.append(FieldError("/locale", f"one of {', '.join(LOCALES)}", "enum"))
    return errors


def update_profile(session: Session, user: User, *, display_name: str, locale: str) -> User:
    errors = _profile_errors(display_name, locale)
    if errors:
        raise ValidationFailed(errors)
    user.display_name = (display_name or "").strip()
    user.locale = locale
    session.flush()
    return user


# Verified against when the email is unknown, so a miss costs as much time as a hit.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def _dummy_hash(ph: PasswordHasher) -> str:
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = ph.hash("mallkit-no-such-user")
    return _DUMMY_HASHES[key]


def authenticate(session: Session, settings: Settings, throttle: LoginThrottle, *,
                 email: str, password: str, ip: str) -> User:
    """The user for these credentials; 429 while throttled, 401 for a wrong pair."""
    email = normalize_email(email)
    throttle.check(email, ip)
    ph = passwords.hasher(settings)
    user = user_by_email(session, email) if email else None
    stored = user.password_hash if user is not None else _dummy_hash(ph)
    ok = passwords.verify(ph, stored, password or "")
    if not ok or user is None or not user.is_active:
        throttle.record_failure(email, ip)
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    throttle.clear_account(email, ip)
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
        session.flush()
    return user


def change_password(session: Session, settings: Settings, user: User, *, current: str,
                    new: str, keep_session_id: int | None) -> int:
    """Set a new password and end the user's other sessions; returns how many ended."""
    ph = passwords.hasher(settings)
    if not passwords.verify(ph, user.password_hash, current or ""):
        raise ValidationFailed.single("/current_password", "the current password is wrong",
                                      "mismatch")
    passwords.check_strength(new, "/new_password")
    if new == current:
        raise ValidationFailed.single("/new_password", "choose a password you have not used "
                                      "here", "unchanged")
    user.password_hash = ph.hash(new)
    user.password_changed_at = utcnow()
    session.flush()
    return revoke_user_sessions(session, user.id, "password_changed", keep_id=keep_session_id)


def set_password(session: Session, settings: Settings, user: User, new: str) -> None:
    """An administrative reset (CLI): new hash, every session ended."""
    passwords.check_strength(new)
    user.password_hash = passwords.hasher(settings).hash(new)
    user.password_changed_at = utcnow()
    session.flush()
    revoke_user_sessions(session, user.id, "password_reset")


# --- shops of a user ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopAccess:
    shop: Shop
    role: str


def user_shops(session: Session, user: User) -> list[ShopAccess]:
    """The active shops ``user`` belongs to, with their role, by shop name."""
    with platform_access(session, f"console: shops of user {user.id}"):
        rows = session.execute(
            select(Shop, Membership.role).join(Membership, Membership.shop_id == Shop.id)
            .where(Membership.user_id == user.id, Shop.status == "active")
            .order_by(Shop.name, Shop.id)).all()
    return [ShopAccess(shop, role) for shop, role in rows]


@dataclass(frozen=True)
class ShopSummary:
    shop: Shop
    members: int
    owners: list[str]


def platform_shop_list(session: Session) -> list[ShopSummary]:
    """Every shop with its member count and owners' emails (platform admins only)."""
    with platform_access(session, "platform console: list all shops"):
        shops = list(session.scalars(select(Shop).order_by(Shop.created_at.desc(), Shop.id)))
        counts = dict(session.execute(
            select(Membership.shop_id, func.count()).group_by(Membership.shop_id)).all())
        owners: dict[int, list[str]] = {}
        for shop_id, email in session.execute(
                select(Membership.shop_id, User.email).join(User, User.id == Membership.user_id)
                .where(Membership.role == Role.OWNER).order_by(User.email)):
            owners.setdefault(shop_id, []).append(email)
    return [ShopSummary(s, counts.get(s.id, 0), owners.get(s.id, [])) for s in shops]


def membership_of(session: Session, user_id: int) -> Membership | None:
    """The user's membership in the session's current shop."""
    return session.scalar(select(Membership).where(Membership.user_id == user_id))


def signup(session: Session, settings: Settings, *, email: str, password: str,
           display_name: str, shop_name: str, shop_slug: str,
           timezone: str = "Asia/Shanghai") -> tuple[User, Shop]:
    """Sign-up: a new shop and its owner, in one transaction (the caller commits).

    Errors name the sign-up form's fields (``/shop_slug``, ``/email`` ...)."""
    errors = FieldErrors()
    for check in (lambda: check_new_shop(session, shop_slug, shop_name, timezone),
                  lambda: check_email(normalize_email(email)),
                  lambda: passwords.check_strength(password)):
        try:
            check()
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    errors.extend(_profile_errors(display_name, "zh_CN"))
    errors.raise_if_any()
    user = create_user(session, settings, email=email, password=password,
                       display_name=display_name)
    shop = open_shop(session, user, slug=shop_slug, name=shop_name, timezone=timezone)
    return user, shop


def check_new_shop(session: Session, slug: str, name: str, timezone: str) -> None:
    """Validate a sign-up form's shop fields (``/shop_slug``, ``/shop_name``, ``/timezone``)
    and that the address is free."""
    slug = (slug or "").strip().lower()
    try:
        validate_shop_fields(slug, name, timezone)
    except ValidationFailed as exc:
        raise ValidationFailed(
            [FieldError("/shop_" + e.pointer.lstrip("/"), e.message, e.code)
             if e.pointer in ("/slug", "/name") else e for e in exc.errors]) from None
    if session.scalar(select(Shop.id).where(Shop.slug == slug)) is not None:
        raise Conflict(f"a shop with the address '{slug}' already exists", code="slug_taken",
                       extra={"errors": [{"pointer": "/shop_slug", "message": "already taken",
                                          "code": "unique"}]})


def open_shop(session: Session, owner: User, *, slug: str, name: str,
              timezone: str = "Asia/Shanghai") -> Shop:
    """Create a shop with ``owner`` as its first owner; the session's shop context is kept."""
    shop = create_shop(session, slug=slug, name=name, timezone=timezone)
    previous = current_shop_id(session)
    use_shop(session, shop.id)
    try:
        session.add(Membership(user_id=owner.id, role=str(Role.OWNER), areas=[]))
        session.flush()
    finally:
        use_shop(session, previous)
    return shop


# --- staff of a shop (session scoped to the shop) -------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    membership: Membership
    user: User


def parse_role(value: object, pointer: str = "/role") -> Role:
    if value not in ROLES:
        raise ValidationFailed.single(pointer, f"one of {', '.join(ROLES)}", "enum")
    return Role(str(value))


def parse_areas(value: object, pointer: str = "/areas") -> list[str]:
    """Areas from a list or a comma-separated string; unknown names are a 422."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValidationFailed.single(pointer, "a list of areas", "type")
    errors = [FieldError(f"{pointer}/{i}", f"unknown area; use {', '.join(AREAS)}", "enum")
              for i, item in enumerate(items) if item not in AREAS]
    if errors:
        raise ValidationFailed(errors)
    return [a for a in AREAS if a in items]


def list_staff(session: Session) -> list[StaffMember]:
    rows = session.execute(select(Membership, User).join(User, User.id == Membership.user_id)
                           .order_by(Membership.created_at, Membership.id)).all()
    order = {str(Role.OWNER): 0, str(Role.ADMIN): 1, str(Role.STAFF): 2}
    members = [StaffMember(m, u) for m, u in rows]
    return sorted(members, key=lambda s: order.get(s.membership.role, 3))


def _require_manager(actor: Membership) -> None:
    if not actor.manages_shop:
        raise Forbidden("only owners and admins manage staff", code="not_shop_manager")


def _owners(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Membership)
                              .where(Membership.role == Role.OWNER)) or 0)


def _member(session: Session, member_id: int) -> Membership:
    member = session.scalar(select(Membership).where(Membership.id == member_id))
    if member is None:
        raise NotFound("no such staff member in this shop", code="member_not_found")
    return member


def change_staff(session: Session, actor: Membership, member_id: int, *, role: object,
                 areas: object = None) -> Membership:
    """Change a member's role and areas, keeping the shop's last owner an owner."""
    _require_manager(actor)
    member = _member(session, member_id)
    role_ = parse_role(role)
    areas_ = parse_areas(areas) if role_ is Role.STAFF else []
    touches_owner = member.role == Role.OWNER or role_ is Role.OWNER
    if touches_owner and actor.role != Role.OWNER:
        raise Forbidden("only an owner can change an owner or make one", code="owner_only")
    if member.role == Role.OWNER and role_ is not Role.OWNER and _owners(session) <= 1:
        raise Conflict("the shop's last owner must stay an owner", code="last_owner")
    member.role = str(role_)
    member.areas = areas_
    session.flush()
    return member


def remove_staff(session: Session, actor: Membership, member_id: int) -> Membership:
    """Remove a member; their sessions end at once (checked again on every request anyway)."""
    _require_manager(actor)
    member = _member(session, member_id)
    if member.role == Role.OWNER and actor.role != Role.OWNER:
        raise Forbidden("an admin cannot remove an owner", code="owner_only")
    if member.role == Role.OWNER and _owners(session) <= 1:
        raise Conflict("the shop's last owner cannot be removed", code="last_owner")
    session.delete(member)
    session.flush()
    revoke_user_sessions(session, member.user_id, "removed_from_shop")
    return member


def agency_of(session: Session, user: User) -> Agency | None:
    return session.get(Agency, user.agency_id) if user.agency_id else None


def agency_users(session: Session, agency: Agency) -> list[User]:
    return list(session.scalars(select(User).where(User.agency_id == agency.id)
                                .order_by(User.email)))


def create_agency(session: Session, *, slug: str, name: str) -> Agency:
    slug = (slug or "").strip().lower()
    errors = FieldErrors()
    if not SLUG_RE.match(slug):
        errors.append(FieldError("/slug", "3-40 lowercase letters, digits or dashes", "pattern"))
    if not (name or "").strip() or len(name) > 120:
        errors.append(FieldError("/name", "a name of 1-120 characters is required", "required"))
    errors.raise_if_any()
    if session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
        raise Conflict(f"an agency with the slug '{slug}' already exists", code="slug_taken")
    agency = Agency(slug=slug, name=name.strip())
    session.add(agency)
    session.flush()
    return agency


def agency_by_slug(session: Session, slug: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.slug == (slug or "").strip().lower()))


