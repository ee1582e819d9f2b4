"""Who distributes and who referred whom.

- Enrolment (``enrolment``): ``everyone`` — any member becomes a distributor on asking;
  ``apply`` — the member fills the shop's form and the merchant approves or rejects;
  ``threshold`` — a member whose paid total (``Member.total_spent_fen``) reaches
  ``threshold_fen`` (checked when asking and after each paid order).
- A distributor is ACTIVE, FROZEN (earns, may not withdraw) or DISABLED (earns nothing new,
  may not withdraw, nobody binds to it).
- Binding from ``from=<code>``: ``first`` (the first referrer stays), ``registration`` (only
  within ``registration_hours`` of joining, once), ``latest`` (a new referrer replaces the
  old one) or ``expiring`` (a binding lapses after ``binding_days``; then a new one may
  take it). In every mode a binding younger than ``lock_days`` is never taken over.
  Binding to oneself, or to someone whose own chain leads back to the member, is refused.
- A merchant may set a member's referrer (same self / cycle checks, no lock); the change is
  audited through :mod:`runtime.audit`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.audit.service import Action, Origin, record
from runtime.clock import utcnow
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.distribution.models import (
    Application,
    ApplicationStatus,
    Binding,
    Distributor,
    DistributorLevel,
    DistributorStatus,
)
from runtime.modules.distribution.settings import (
    MODULE_ID,
    DistributionSettings,
    distribution_settings,
)
from runtime.modules.members.models import Member

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_CHAIN = 10_000  # a guard: chains are acyclic by construction


class ErrorCode:
    MODULE_OFF = "module_disabled"
    NOT_DISTRIBUTOR = "not_distributor"
    ALREADY_DISTRIBUTOR = "already_distributor"
    APPLICATION_PENDING = "application_pending"
    THRESHOLD_NOT_MET = "threshold_not_met"
    UNKNOWN_CODE = "unknown_code"
    SELF_BINDING = "self_binding"
    BINDING_CYCLE = "binding_cycle"
    BINDING_LOCKED = "binding_locked"
    ALREADY_BOUND = "already_bound"
    REGISTRATION_ONLY = "registration_only"
    DISTRIBUTOR_UNAVAILABLE = "distributor_unavailable"


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE_ID):
        raise NotFound("distribution is not available in this shop", code=ErrorCode.MODULE_OFF)


# --- distributors ---------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def distributor_of(session: Session, member_id: int) -> Distributor | None:
    return session.scalar(select(Distributor).where(Distributor.member_id == member_id))


def get_distributor(session: Session, member_id: Any) -> Distributor:
    if isinstance(member_id, bool) or not isinstance(member_id, int):
        raise NotFound("no such distributor")
    found = distributor_of(session, member_id)
    if found is None:
        raise NotFound("no such distributor")
    return found


def by_code(session: Session, code: str) -> Distributor | None:
    return session.scalar(select(Distributor).where(Distributor.code == code.strip().upper()))


def enrol(session: Session, member_id: int, source: str) -> Distributor:
    """Make the member a distributor (idempotent: an existing one is returned)."""
    existing = distributor_of(session, member_id)
    if existing is not None:
        return existing
    for _ in range(5):
        try:
            with session.begin_nested():
                row = Distributor(member_id=member_id, code=new_code(), source=source)
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            existing = distributor_of(session, member_id)
            if existing is not None:
                return existing
    raise Conflict("could not allot a distributor code; try again")


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no such member")
    return member


def check_application_answers(settings: DistributionSettings, answers: Any) -> dict[str, str]:
    """The answers to the shop's form: strings of at most 100 characters, required ones
    present; errors point at ``/answers/<key>``."""
    errors = FieldErrors()
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationFailed.single("/answers", "an object of answers", "type")
    known = {f.key for f in settings.application_fields}
    for key in answers:
        if key not in known:
            errors.add(f"/answers/{key}", "not a field of this form", "unknown")
    clean: dict[str, str] = {}
    for f in settings.application_fields:
        value = answers.get(f.key, "")
        if not isinstance(value, str) or len(value) > 100:
            errors.add(f"/answers/{f.key}", "at most 100 characters of text", "type")
            continue
        if f.required and not value.strip():
            errors.add(f"/answers/{f.key}", f"{f.label} is required", "required")
        clean[f.key] = value.strip()
    errors.raise_if_any()
    return clean


@dataclass(frozen=True)
class ApplyResult:
    status: str  # "distributor" | "pending"
    distributor: Distributor | None = None
    application: Application | None = None


def apply(session: Session, member_id: int, answers: Any = None) -> ApplyResult:
    """A member asks to distribute; what happens depends on ``enrolment``."""
    settings = distribution_settings(session)
    existing = distributor_of(session, member_id)
    if existing is not None:
        return ApplyResult("distributor", existing)
    member = _member(session, member_id)
    if settings.enrolment == "everyone":
        return ApplyResult("distributor", enrol(session, member_id, "everyone"))
    if settings.enrolment == "threshold":
        if member.total_spent_fen < settings.threshold_fen:
            raise Conflict(f"a paid total of {settings.threshold_fen} fen makes a distributor",
                           code=ErrorCode.THRESHOLD_NOT_MET,
                           extra={"threshold_fen": settings.threshold_fen,
                                  "paid_total_fen": member.total_spent_fen})
        return ApplyResult("distributor", enrol(session, member_id, "threshold"))
    clean = check_application_answers(settings, answers)
    pending = session.scalar(select(Application).where(
        Application.member_id == member_id, Application.status == ApplicationStatus.PENDING))
    if pending is not None:
        raise Conflict("an application is waiting for the merchant",
                       code=ErrorCode.APPLICATION_PENDING)
    application = Application(member_id=member_id, answers=clean)
    session.add(application)
    session.flush()
    return ApplyResult("pending", application=application)


def enrol_if_threshold(session: Session, member_id: int,
                       settings: DistributionSettings | None = None) -> Distributor | None:
    """After a paid order: in ``threshold`` mode, a member past the threshold enrols."""
    settings = settings or distribution_settings(session)
    if settings.enrolment != "threshold" or distributor_of(session, member_id) is not None:
        return None
    member = session.get(Member, member_id)
    if member is None or member.total_spent_fen < settings.threshold_fen:
        return None
    return enrol(session, member_id, "threshold")


def decide_application(session: Session, application_id: Any, approve: bool,
                       reason: str = "") -> Application:
    """The merchant approves (the member becomes a distributor) or rejects (with a reason)."""
    app_row = session.get(Application, application_id) if isinstance(application_id, int) \
        else None
    if app_row is None:
        raise NotFound("no such application")
    if app_row.status != ApplicationStatus.PENDING:
        raise Conflict(f"the application is already {app_row.status}",
                       code="application_decided", extra={"status": app_row.status})
    if not approve and not reason.strip():
        raise ValidationFailed.single("/reason", "say why the application is rejected",
                                      "required")
    app_row.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    app_row.reason = reason.strip()[:200]
    app_row.decided_at = utcnow()
    if approve:
        enrol(session, app_row.member_id, "apply")
    session.flush()
    return app_row


def set_status(session: Session, member_id: Any, status: str) -> Distributor:
    """Freeze, disable or reactivate a distributor."""
    if status not in {s.value for s in DistributorStatus}:
        raise ValidationFailed.single("/status", "active, frozen or disabled", "enum")
    row = get_distributor(session, member_id)
    row.status = status
    session.flush()
    return row


def set_level(session: Session, member_id: Any, level_id: int | None) -> Distributor:
    row = get_distributor(session, member_id)
    if level_id is not None and session.get(DistributorLevel, level_id) is None:
        raise ValidationFailed.single("/level_id", "no such level", "not_found")
    row.level_id = level_id
    session.flush()
    return row


def save_level(session: Session, data: dict[str, Any], level_id: int | None = None
               ) -> DistributorLevel:
    """Create or change a level: ``name``, ``rank``, the two rates (percent, 2 decimals) and
    its upgrade rules (``upgrade_sales_fen``, ``upgrade_direct``, ``upgrade_team``,
    ``upgrade_commission_fen``; 0 = not a rule)."""
    from decimal import Decimal, InvalidOperation

    row = session.get(DistributorLevel, level_id) if level_id else DistributorLevel()
    if row is None:
        raise NotFound("no such level")
    errors = FieldErrors()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 32:
        errors.add("/name", "a name of 1 to 32 characters", "required")
    rank = errors.integer(data, "rank", 1, 100)
    rates: dict[str, Decimal] = {}
    for key in ("level1_rate", "level2_rate"):
        try:
            value = Decimal(str(data.get(key)))
            if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(
                    Decimal("0.01")):
                raise InvalidOperation
            rates[key] = value
        except (InvalidOperation, ValueError):
            errors.add(f"/{key}", "a percentage between 0 and 100 with at most 2 decimals")
    rules = {rule: errors.integer(data, rule, 0, limit, required=False) or 0
             for rule, limit in (("upgrade_sales_fen", 10**12), ("upgrade_direct", 10**6),
                                 ("upgrade_team", 10**7), ("upgrade_commission_fen", 10**12))}
    errors.raise_if_any()
    row.name, row.rank = name.strip(), rank
    for rule, value in rules.items():
        setattr(row, rule, value)
    row.level1_rate, row.level2_rate = rates["level1_rate"], rates["level2_rate"]
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ValidationFailed.single("/rank", "another level has this rank", "duplicate") \
            from None
    return row


# --- binding --------------------------------------------------------------------------------


def live_binding(session: Session, member_id: int, now: datetime | None = None
                 ) -> Binding | None:
    """The member's binding unless it lapsed (expiring mode)."""
    now = now or utcnow()
    row = session.scalar(select(Binding).where(Binding.member_id == member_id))
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row


def referrer_of(session: Session, member_id: int, now: datetime | None = None) -> int | None:
    row = live_binding(session, member_id, now)
    return row.referrer_member_id if row else None


def uplines(session: Session, member_id: int, now: datetime | None = None
            ) -> tuple[int | None, int | None]:
    """The member's referrer and the referrer's referrer, as bound now."""
    first = referrer_of(session, member_id, now)
    second = referrer_of(session, first, now) if first is not None else None
    return first, second


def _leads_to(session: Session, start: int, target: int) -> bool:
    """Whether ``target`` is ``start`` or above it in the (live or lapsed) chain."""
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen and len(seen) < MAX_CHAIN:
        if current == target:
            return True
        seen.add(current)
        current = session.scalar(select(Binding.referrer_member_id)
                                 .where(Binding.member_id == current))
    return False


def _check_pair(session: Session, member_id: int, referrer: Distributor) -> None:
    if referrer.member_id == member_id:
        raise Conflict("a member cannot be their own referrer", code=ErrorCode.SELF_BINDING)
    if referrer.status == DistributorStatus.DISABLED:
        raise Conflict("this distributor cannot take new customers",
                       code=ErrorCode.DISTRIBUTOR_UNAVAILABLE)
    if _leads_to(session, referrer.member_id, member_id):
        raise Conflict("the referrer is already below this member", code=ErrorCode.BINDING_CYCLE)


@dataclass(frozen=True)
class BindResult:
    bound: bool  # False: kept the existing binding (first wins / locked / registration)
    binding: Binding | None
    reason: str = ""


def bind(session: Session, member_id: int, code: Any, *, source: str = "link") -> BindResult:
    """Bind the member to the distributor with ``code`` under the shop's mode. A code that
    names nobody is 422 at ``/code``; self and cycles are 409; a binding kept by the mode
    answers ``bound: false`` with the reason."""
    if not isinstance(code, str) or not code.strip() or len(code) > 16:
        raise ValidationFailed.single("/code", "a distributor's code", "required")
    referrer = by_code(session, code)
    if referrer is None:
        raise ValidationFailed.single("/code", "no distributor has this code",
                                      ErrorCode.UNKNOWN_CODE)
    member = _member(session, member_id)
    settings = distribution_settings(session)
    now = utcnow()
    _check_pair(session, member_id, referrer)
    row = session.scalar(select(Binding).where(Binding.member_id == member_id)
                         .with_for_update())
    live = row is not None and (row.expires_at is None or row.expires_at > now)
    if row is not None and row.referrer_member_id == referrer.member_id and live:
        return BindResult(False, row, "same_referrer")
    if live and row is not None and row.locked_until is not None and row.locked_until > now:
        return BindResult(False, row, ErrorCode.BINDING_LOCKED)
    mode = settings.binding_mode
    if mode == "registration":
        if row is not None or now - member.created_at > timedelta(
                hours=settings.registration_hours):
            return BindResult(False, row, ErrorCode.REGISTRATION_ONLY)
    elif mode in ("first", "expiring") and live:
        return BindResult(False, row, ErrorCode.ALREADY_BOUND)
    if row is None:
        row = Binding(member_id=member_id)
        session.add(row)
    row.referrer_member_id = referrer.member_id
    row.source = source
    row.bound_at = now
    row.locked_until = now + timedelta(days=settings.lock_days) if settings.lock_days else None
    row.expires_at = now + timedelta(days=settings.binding_days) if mode == "expiring" else None
    session.flush()
    return BindResult(True, row)


def change_referrer(session: Session, member_id: Any, referrer_member_id: int | None,
                    origin: Origin) -> Binding | None:
    """The merchant sets (or, with None, removes) a member's referrer; refused for self and
    cycles, audited with the old and the new referrer."""
    if isinstance(member_id, bool) or not isinstance(member_id, int):
        raise NotFound("no such member")
    _member(session, member_id)
    row = session.scalar(select(Binding).where(Binding.member_id == member_id)
                         .with_for_update())
    old = row.referrer_member_id if row else None
    if referrer_member_id is None:
        if row is not None:
            session.delete(row)
    else:
        referrer = distributor_of(session, referrer_member_id)
        if referrer is None:
            raise ValidationFailed.single("/referrer_member_id", "not a distributor",
                                          ErrorCode.NOT_DISTRIBUTOR)
        _check_pair(session, member_id, referrer)
        if row is None:
            row = Binding(member_id=member_id)
            session.add(row)
        row.referrer_member_id = referrer_member_id
        row.source = "merchant"
        row.bound_at = utcnow()
        row.locked_until = None
        row.expires_at = None
    record(session, Action.DISTRIBUTION_REFERRER_CHANGED, origin, target=f"member:{member_id}",
           detail={"from": old, "to": referrer_member_id})
    session.flush()
    return row if referrer_member_id is not None else None


def team(session: Session, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """The distributor's customers two levels deep (direct, and their direct)."""
    now = utcnow()

    def below(ids: list[int]) -> list[Binding]:
        if not ids:
            return []
        return [b for b in session.scalars(select(Binding).where(
            Binding.referrer_member_id.in_(ids)).order_by(Binding.bound_at.desc()))
            if b.expires_at is None or b.expires_at > now]

    first = below([member_id])
    second = below([b.member_id for b in first])
    names = dict(session.execute(select(Member.id, Member.nickname).where(
        Member.id.in_([b.member_id for b in first + second]))).all()) if first else {}

    def rows(items: list[Binding]) -> list[dict[str, Any]]:
        return [{"member_id": b.member_id, "nickname": names.get(b.member_id) or "",
                 "bound_at": b.bound_at.isoformat()} for b in items]

    return {"level1": rows(first), "level2": rows(second)}


def counts(session: Session) -> dict[str, int]:
    return {"distributors": session.scalar(select(func.count(Distributor.id))) or 0,
            "applications": session.scalar(select(func.count(Application.id)).where(
                Application.status == ApplicationStatus.PENDING)) or 0}
