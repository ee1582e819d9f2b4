"""Staff invitations: a shop's manager invites an email; the invitee accepts.

Inviting never says whether the email has an account, and nobody joins a shop without
accepting. The link carries an itsdangerous-signed token naming the shop, the invitation,
its nonce (renewing or revoking the invitation kills older links) and its expiry (checked
against ``runtime.clock``). There is no outbound mail: the console shows the link for the
manager to send.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.accounts.models import Membership, Role, StaffInvitation, User
from runtime.accounts.service import (
    _require_manager,
    check_email,
    create_user,
    membership_of,
    normalize_email,
    parse_areas,
    parse_role,
    user_by_email,
)
from runtime.clock import utcnow
from runtime.db import use_shop
from runtime.errors import Conflict, Forbidden, NotFound
from runtime.settings import Settings

LIFETIME = timedelta(days=7)
SALT = "mallkit.staff-invitation"
PENDING, ACCEPTED, REVOKED = "pending", "accepted", "revoked"


@dataclass(frozen=True)
class Invitation:
    row: StaffInvitation
    token: str


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=SALT)


def token_of(settings: Settings, row: StaffInvitation) -> str:
    return _serializer(settings).dumps(
        {"s": row.shop_id, "i": row.id, "n": row.nonce, "e": int(row.expires_at.timestamp())})


def invite(session: Session, settings: Settings, actor: Membership, *, email: str,
           role: object, areas: object = None) -> Invitation:
    """Invite ``email`` to the session's shop (renewing a pending invitation of the same
    email). The answer is the same whether or not the email has an account."""
    _require_manager(actor)
    email = normalize_email(email)
    check_email(email)
    role_ = parse_role(role)
    areas_ = parse_areas(areas) if role_ is Role.STAFF else []
    if role_ is Role.OWNER and actor.role != Role.OWNER:
        raise Forbidden("only an owner can invite another owner", code="owner_only")
    user = user_by_email(session, email)
    if user is not None and membership_of(session, user.id) is not None:
        raise Conflict("this email is already on the staff of this shop", code="already_member",
                       extra={"errors": [{"pointer": "/email", "message": "already a member",
                                          "code": "unique"}]})
    row = session.scalar(select(StaffInvitation).where(
        StaffInvitation.email == email, StaffInvitation.status == PENDING))
    if row is None:
        row = StaffInvitation(email=email)
        session.add(row)
    row.role, row.areas = str(role_), areas_
    row.nonce = secrets.token_urlsafe(16)
    row.expires_at = utcnow() + LIFETIME
    row.invited_by_user_id = actor.user_id
    session.flush()
    return Invitation(row, token_of(settings, row))


def pending(session: Session, settings: Settings) -> list[Invitation]:
    """The session's shop's open invitations (expired ones included, marked by the caller)."""
    rows = session.scalars(select(StaffInvitation).where(StaffInvitation.status == PENDING)
                           .order_by(StaffInvitation.created_at, StaffInvitation.id))
    return [Invitation(r, token_of(settings, r)) for r in rows]


def revoke(session: Session, actor: Membership, invitation_id: int) -> StaffInvitation:
    _require_manager(actor)
    row = session.scalar(select(StaffInvitation).where(StaffInvitation.id == invitation_id,
                                                       StaffInvitation.status == PENDING))
    if row is None:
        raise NotFound("no such open invitation in this shop", code="invitation_not_found")
    if row.role == Role.OWNER and actor.role != Role.OWNER:
        raise Forbidden("only an owner can revoke an owner's invitation", code="owner_only")
    row.status, row.closed_at = REVOKED, utcnow()
    session.flush()
    return row


def open_invitation(session: Session, settings: Settings, token: str) -> StaffInvitation:
    """The pending invitation ``token`` names, with the session scoped to its shop; 404
    for a forged, revoked, accepted, renewed or expired link (all alike)."""
    try:
        data: Any = _serializer(settings).loads(token)
        shop_id, row_id, nonce, expires = (int(data["s"]), int(data["i"]), str(data["n"]),
                                           int(data["e"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _gone() from None
    if datetime.fromtimestamp(expires, UTC) <= utcnow():
        raise _gone()
    use_shop(session, shop_id)
    row = session.scalar(select(StaffInvitation).where(StaffInvitation.id == row_id))
    if row is None or row.status != PENDING or not secrets.compare_digest(row.nonce, nonce) \
            or row.expires_at <= utcnow():
        raise _gone()
    return row


def _gone() -> NotFound:
    return NotFound("this invitation link is not valid any more; ask the shop for a new one",
                    code="invitation_invalid")


def accept(session: Session, settings: Settings, token: str, user: User) -> Membership:
    """``user`` (who must own the invited email) joins the invitation's shop."""
    row = open_invitation(session, settings, token)
    if normalize_email(user.email) != row.email:
        raise Forbidden("this invitation is for another email address; log in with it",
                        code="invitation_for_another_email")
    member = membership_of(session, user.id)
    if member is None:
        member = Membership(user_id=user.id, role=row.role, areas=list(row.areas))
        session.add(member)
    row.status, row.accepted_user_id, row.closed_at = ACCEPTED, user.id, utcnow()
    session.flush()
    return member


def sign_up_and_accept(session: Session, settings: Settings, token: str, *, password: str,
                       display_name: str = "") -> tuple[User, Membership]:
    """A new account for the invited email, which then accepts; 409 ``account_exists`` when
    the email has one (the invitee logs in and accepts instead)."""
    row = open_invitation(session, settings, token)
    if user_by_email(session, row.email) is not None:
        raise Conflict("this email already has an account: log in to accept",
                       code="account_exists")
    user = create_user(session, settings, email=row.email, password=password,
                       display_name=display_name)
    return user, accept(session, settings, token, user)

