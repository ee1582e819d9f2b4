"""Invites (邀请有礼): a member's code and link, binding a new member to the inviter (once per
invitee; never oneself, never a member who was one already), and the reward both get — at the
binding or at the invitee's first payment, as the shop picks — within the inviter's daily limit
and total cap; a first-payment reward is taken back when that order is wholly refunded before
it completes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import segno
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from runtime.clock import utcnow
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules import switches
from runtime.modules.invite.models import Invitation, InvitationStatus, InviteCode
from runtime.modules.invite.settings import MODULE_ID, InviteSettings
from runtime.modules.members.models import Member
from runtime.modules.points import service as points
from runtime.shoptime import local_midnight, local_today, shop_zone

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
MP_HOME = "/pages/index/index"


class InviteErrorCode(StrEnum):
    MODULE_OFF = "module_disabled"
    UNKNOWN_CODE = "unknown_code"
    SELF_INVITE = "self_invite"
    NOT_NEW_MEMBER = "not_new_member"
    ALREADY_INVITED = "already_invited"


def ensure_module_on(session: Session) -> None:
    if not switches.is_enabled(session, MODULE_ID):
        raise NotFound("invite rewards are not available in this shop",
                       code=InviteErrorCode.MODULE_OFF)


def settings(session: Session) -> InviteSettings:
    return InviteSettings.from_dict(switches.settings_of(session, MODULE_ID))


# --- codes and links --------------------------------------------------------------------------


def code_of(session: Session, member_id: int) -> str:
    """The member's invite code, made the first time it is asked for (a racing first ask
    gets the row the other wrote)."""
    found = session.scalar(select(InviteCode.code).where(InviteCode.member_id == member_id))
    if found is not None:
        return found
    for _ in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with session.begin_nested():
                session.add(InviteCode(member_id=member_id, code=code))
            return code
        except IntegrityError:
            found = session.scalar(select(InviteCode.code)
                                   .where(InviteCode.member_id == member_id))
            if found is not None:
                return found
    raise Conflict("could not allocate an invite code; try again", code="invite_code_exhausted")


def invite_link(base_url: str, shop_slug: str, code: str) -> str:
    """The H5 address of an invite (its QR code opens it)."""
    return f"{base_url}/s/{shop_slug}/?{urlencode({'invite': code})}"


def qr_data_uri(link: str) -> str:
    """The invite link as an SVG QR code, ready for an ``<img src>`` (segno)."""
    return segno.make(link, error="m").svg_data_uri(scale=4, border=2)


def share_path(code: str) -> str:
    """The mini-program share path of an invite."""
    return f"{MP_HOME}?{urlencode({'invite': code})}"


# --- binding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BindResult:
    bound: bool  # False: this invitee was bound already (to this or another inviter)
    invitation: Invitation


def bind(session: Session, member_id: int, code: Any) -> BindResult:
    """Bind the logged-in member to the inviter of ``code``: 422 at ``/code`` for a code of
    nobody, 409 ``self_invite`` and ``not_new_member`` (registered more than the setting's
    hours ago, or has paid an order); a second binding answers ``bound: false``. With the
    register trigger both sides are rewarded in the same transaction."""
    if not isinstance(code, str) or not code.strip() or len(code) > 16:
        raise ValidationFailed.single("/code", "an invite code", "required")
    inviter_id = session.scalar(select(InviteCode.member_id)
                                .where(InviteCode.code == code.strip().upper()))
    if inviter_id is None:
        raise ValidationFailed.single("/code", "no member has this invite code",
                                      InviteErrorCode.UNKNOWN_CODE)
    existing = _invitation_of(session, member_id)
    if existing is not None:
        return BindResult(False, existing)
    if inviter_id == member_id:
        raise Conflict("a member cannot invite themselves", code=InviteErrorCode.SELF_INVITE)
    rules = settings(session)
    member = session.get(Member, member_id)
    now = utcnow()
    if member is None:
        raise NotFound("no such member")
    if member.order_count > 0 or now - member.created_at > timedelta(
            hours=rules.new_member_hours):
        raise Conflict("only a new member can accept an invite",
                       code=InviteErrorCode.NOT_NEW_MEMBER)
    invitation = Invitation(inviter_member_id=inviter_id, invitee_member_id=member_id,
                            code=code.strip().upper(), trigger=rules.trigger)
    try:
        with session.begin_nested():
            session.add(invitation)
    except IntegrityError:  # the same invitee bound at the same moment: theirs stands
        return BindResult(False, _invitation_of(session, member_id))  # type: ignore[arg-type]
    if not rules.on_payment:
        _reward(session, invitation, rules, now)
    session.flush()
    return BindResult(True, invitation)


def _invitation_of(session: Session, member_id: int, *, lock: bool = False) -> Invitation | None:
    query = select(Invitation).where(Invitation.invitee_member_id == member_id)
    return session.scalar(query.with_for_update() if lock else query)


# --- rewards ----------------------------------------------------------------------------------


def reward_key(invitation_id: int, side: str) -> str:
    return f"invite-{invitation_id}-{side}"


def _inviter_over_limit(session: Session, invitation: Invitation, rules: InviteSettings,
                        now: datetime) -> str:
    """Why the inviter gets nothing more ("daily_limit", "total_cap"), or "". Locks the
    inviter's code row first, so racing rewards of one inviter count one at a time."""
    session.scalar(select(InviteCode.id).where(
        InviteCode.member_id == invitation.inviter_member_id).with_for_update())
    given = select(func.count()).select_from(Invitation).where(
        Invitation.inviter_member_id == invitation.inviter_member_id,
        Invitation.inviter_rewarded_at.is_not(None), Invitation.id != invitation.id)
    if rules.total_cap and session.scalar(given) >= rules.total_cap:
        return "total_cap"
    zone = shop_zone(session)
    since = local_midnight(zone, local_today(zone, now))
    if rules.daily_limit and session.scalar(
            given.where(Invitation.inviter_rewarded_at >= since)) >= rules.daily_limit:
        return "daily_limit"
    return ""


def _give(session: Session, member_id: int, points_: int, template_ids: tuple[int, ...],
          key: str, invitation: Invitation) -> list[int]:
    from runtime.modules.loader import hooks

    if points_:
        points.credit(session, member_id, points_, reason="invite_reward", key=key,
                      ref_type="invitation", ref_id=str(invitation.id))
    if not template_ids:
        return []
    issued = hooks(session).issue_coupons(session=session, member_id=member_id,
                                          template_ids=list(template_ids), source="invite",
                                          idempotency_key=key)
    return [cid for ids in issued for cid in ids]


def _reward(session: Session, invitation: Invitation, rules: InviteSettings,
            now: datetime) -> None:
    """Both sides' reward (the inviter's only within the limits), once per invitation."""
    session.flush()
    invitation.invitee_points = rules.invitee_points
    invitation.invitee_coupon_ids = _give(
        session, invitation.invitee_member_id, rules.invitee_points,
        rules.invitee_coupon_template_ids, reward_key(invitation.id, "invitee"), invitation)
    skip = _inviter_over_limit(session, invitation, rules, now)
    if skip:
        invitation.inviter_skip_reason = skip
    else:
        invitation.inviter_points = rules.inviter_points
        invitation.inviter_coupon_ids = _give(
            session, invitation.inviter_member_id, rules.inviter_points,
            rules.inviter_coupon_template_ids, reward_key(invitation.id, "inviter"), invitation)
        invitation.inviter_rewarded_at = now
    invitation.status = InvitationStatus.REWARDED
    invitation.rewarded_at = now


def reward_first_payment(session: Session, member_id: int, order_id: int) -> bool:
    """The invitee's first paid order since the binding rewards a pending invitation; True
    when it did now (a repeated call, or any later order, changes nothing)."""
    invitation = _invitation_of(session, member_id, lock=True)
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return False
    invitation.order_id = order_id
    _reward(session, invitation, settings(session), utcnow())
    session.flush()
    return True


def _take_back(session: Session, member_id: int, granted: int, coupon_key: str) -> int:
    from runtime.modules.loader import hooks

    back = min(granted, points.balance_of(session, member_id)) if granted else 0
    if back > 0:
        points.debit(session, member_id, back, reason="invite_reward_back",
                     key=f"{coupon_key}-back", kind=points.EntryKind.REVERSE)
    hooks(session).revoke_coupons(session=session, idempotency_key=coupon_key)
    return back


def revoke_for_refund(session: Session, order_id: int) -> bool:
    """The paying order was wholly refunded before it completed: both rewards are taken back
    (points as far as the balance holds them, unused coupons); the invitation stays revoked.
    Idempotent; True when it revoked now."""
    invitation = session.scalar(select(Invitation).where(
        Invitation.order_id == order_id).with_for_update())
    if invitation is None or invitation.status != InvitationStatus.REWARDED \
            or invitation.settled_at is not None:
        return False
    invitation.invitee_points = _take_back(
        session, invitation.invitee_member_id, invitation.invitee_points,
        reward_key(invitation.id, "invitee"))
    if invitation.inviter_rewarded_at is not None:
        invitation.inviter_points = _take_back(
            session, invitation.inviter_member_id, invitation.inviter_points,
            reward_key(invitation.id, "inviter"))
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = utcnow()
    session.flush()
    return True


def settle(session: Session, order_id: int) -> None:
    """The paying order completed (after-sales window over): the reward is kept for good."""
    invitation = session.scalar(select(Invitation).where(Invitation.order_id == order_id)
                                .with_for_update())
    if invitation is not None and invitation.settled_at is None:
        invitation.settled_at = utcnow()
        session.flush()


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteSummary:
    """What ``invite/me`` tells a member about their invites."""

    code: str
    invited: int
    rewarded: int
    points_earned: int
    coupons_earned: int
    recent: list[dict[str, Any]]


def summary(session: Session, member_id: int, limit: int = 20) -> InviteSummary:
    code = code_of(session, member_id)
    rows = list(session.execute(
        select(Invitation, Member.nickname).join(Member, Member.id == Invitation.invitee_member_id)
        .where(Invitation.inviter_member_id == member_id).order_by(Invitation.id.desc())))
    kept = [inv for inv, _ in rows if inv.inviter_rewarded_at is not None
            and inv.status == InvitationStatus.REWARDED]
    return InviteSummary(
        code=code, invited=len(rows), rewarded=len(kept),
        points_earned=sum(inv.inviter_points for inv in kept),
        coupons_earned=sum(len(inv.inviter_coupon_ids or []) for inv in kept),
        recent=[{"nickname": _masked(nickname), "status": inv.status,
                 "bound_at": inv.created_at.isoformat(),
                 "points": inv.inviter_points if inv.inviter_rewarded_at else 0,
                 "coupons": len(inv.inviter_coupon_ids or [])
                 if inv.inviter_rewarded_at else 0,
                 "skip_reason": inv.inviter_skip_reason} for inv, nickname in rows[:limit]])


def _masked(nickname: str) -> str:
    """An invitee's name as the inviter sees it (张** / 会**)."""
    return (nickname[:1] + "**") if nickname else "**"


def invitation_for(session: Session, member_id: int) -> Invitation | None:
    """Who invited this member, if anyone."""
    return _invitation_of(session, member_id)


@dataclass(frozen=True)
class InviteTotals:
    invited: int
    rewarded: int
    points: int  # given to both sides and kept
    coupons: int


def totals(session: Session) -> InviteTotals:
    rewarded = Invitation.status == InvitationStatus.REWARDED
    invited, kept, given = session.execute(select(
        func.count(), func.count().filter(rewarded),
        func.coalesce(func.sum(Invitation.inviter_points + Invitation.invitee_points)
                      .filter(rewarded), 0))).one()
    coupons = sum(len(a or []) + len(b or []) for a, b in session.execute(
        select(Invitation.inviter_coupon_ids, Invitation.invitee_coupon_ids).where(rewarded)))
    return InviteTotals(invited, kept, int(given), coupons)


@dataclass(frozen=True)
class InvitationRow:
    """One invitation as the console lists it."""

    id: int
    bound_at: datetime
    inviter: str
    invitee: str
    status: str
    skip_reason: str
    inviter_points: int
    inviter_coupons: int
    invitee_points: int
    invitee_coupons: int


def invitations(session: Session, *, status: str | None = None,
                limit: int = 50) -> list[InvitationRow]:
    """The newest invitations (of one status), with both members' names."""
    inviter, invitee = aliased(Member), aliased(Member)
    query = (select(Invitation, inviter.nickname, invitee.nickname)
             .join(inviter, inviter.id == Invitation.inviter_member_id)
             .join(invitee, invitee.id == Invitation.invitee_member_id)
             .order_by(Invitation.id.desc()).limit(limit))
    if status:
        query = query.where(Invitation.status == status)
    return [InvitationRow(inv.id, inv.created_at, a, b, inv.status, inv.inviter_skip_reason,
                          inv.inviter_points, len(inv.inviter_coupon_ids or []),
                          inv.invitee_points, len(inv.invitee_coupon_ids or []))
            for inv, a, b in session.execute(query)]
