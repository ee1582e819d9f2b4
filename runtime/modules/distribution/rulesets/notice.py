"""The legal acknowledgement that gates 推三返一 (``tuisan``) and 链动2+1 (``chain21``).

Both are off by default. Turning one on needs the shop owner to have accepted the notice's
current version (:data:`VERSION`, text :data:`TEXT`, also in ``docs/modules/distribution.md``);
the acceptance (user, time, version) is stored on the rule set's row and audited. Until then
switching it on — and the rule set's member API — answers 409 problem+json. A new version of
the text needs a new acceptance: a rule set accepted under an older one counts as off.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.audit.service import Action, Origin, record
from runtime.clock import utcnow
from runtime.errors import Conflict, Forbidden, NotFound
from runtime.modules.distribution.rulesets.models import RuleSet

RULES = {"tuisan": "推三返一", "chain21": "链动2+1"}
VERSION = "2026-12-v1"
TEXT = (
    "《刑法》第二百二十四条之一规定的组织、领导传销活动罪，以及最高人民法院、最高人民检察院、"
    "公安部《关于办理组织领导传销活动刑事案件适用法律若干问题的意见》：以推销商品、提供服务等"
    "经营活动为名，要求参加者以缴纳费用或者购买商品、服务等方式获得加入资格，并按照一定顺序组成"
    "层级，直接或者间接以发展人员的数量作为计酬或者返利依据，引诱、胁迫参加者继续发展他人参加，"
    "骗取财物，扰乱经济社会秩序的传销活动；传销组织内部参与传销活动人员在三十人以上且层级在三级"
    "以上的，应当对组织者、领导者追究刑事责任。"
    "本店开启的玩法只按真实订单、在售后期结束后计酬，任何奖励最多到购买人之上两级，"
    "不以发展人数或缴纳入门费计酬。店主确认已阅读上述规定，并对本店开启该玩法后的合规经营负责。"
)


class ErrorCode:
    ACKNOWLEDGEMENT_REQUIRED = "acknowledgement_required"
    NOTICE_CHANGED = "notice_changed"
    NOT_OWNER = "not_shop_owner"
    RULESET_OFF = "ruleset_off"


def _rule(rule: object) -> str:
    if rule not in RULES:
        raise NotFound("no such rule set")
    return str(rule)


def row_of(session: Session, rule: str, *, lock: bool = False) -> RuleSet | None:
    query = select(RuleSet).where(RuleSet.rule == _rule(rule))
    return session.scalar(query.with_for_update() if lock else query)


def accepted(row: RuleSet | None) -> bool:
    return row is not None and row.accepted_version == VERSION


def rules_on(session: Session) -> frozenset[str]:
    """The rule sets switched on under an acceptance of the current text, in one read."""
    return frozenset(row.rule for row in session.scalars(select(RuleSet))
                     if accepted(row) and row.enabled)


def is_on(session: Session, rule: str) -> bool:
    """On: switched on, under an acceptance of the current text."""
    row = row_of(session, rule)
    return accepted(row) and bool(row and row.enabled)


def acknowledge(session: Session, rule: object, version: object, origin: Origin, *,
                is_owner: bool) -> RuleSet:
    """The shop owner accepts the notice's ``version`` (it must be the current one)."""
    rule = _rule(rule)
    if not is_owner:
        raise Forbidden("only the shop's owner can accept the notice", code=ErrorCode.NOT_OWNER)
    if version != VERSION:
        raise Conflict("the notice changed; read the current text",
                       code=ErrorCode.NOTICE_CHANGED, extra={"version": VERSION})
    row = row_of(session, rule, lock=True)
    if row is None:
        row = RuleSet(rule=rule, enabled=False)
        session.add(row)
    if row.accepted_version != VERSION:
        row.accepted_version = VERSION
        row.accepted_by_user_id = origin.user_id
        row.accepted_at = utcnow()
        record(session, Action.DISTRIBUTION_RULESET_ACKNOWLEDGED, origin,
               target=f"distribution:{rule}", detail={"rule": rule, "version": VERSION})
    session.flush()
    return row


def switch(session: Session, rule: object, on: bool, origin: Origin) -> RuleSet:
    """Turn a rule set on (409 ``acknowledgement_required`` until the current notice is
    accepted) or off; audited."""
    rule = _rule(rule)
    row = row_of(session, rule, lock=True)
    if on and not accepted(row):
        raise Conflict(f"{RULES[rule]} needs the shop owner to accept the legal notice first",
                       code=ErrorCode.ACKNOWLEDGEMENT_REQUIRED,
                       extra={"rule": rule, "version": VERSION})
    if row is None:
        row = RuleSet(rule=rule, enabled=False)
        session.add(row)
    if row.enabled != on:
        row.enabled = on
        record(session, Action.DISTRIBUTION_RULESET_SWITCHED, origin,
               target=f"distribution:{rule}", detail={"rule": rule, "enabled": on})
    session.flush()
    return row


def require_on(session: Session, rule: str) -> None:
    """409 unless the rule set is accepted and on (its member API)."""
    row = row_of(session, rule)
    if not accepted(row):
        raise Conflict(f"{RULES[rule]} is not available: the legal notice is not accepted",
                       code=ErrorCode.ACKNOWLEDGEMENT_REQUIRED, extra={"rule": rule})
    if row is None or not row.enabled:
        raise Conflict(f"{RULES[rule]} is off in this shop", code=ErrorCode.RULESET_OFF,
                       extra={"rule": rule})


def states(session: Session) -> dict[str, dict[str, object]]:
    """Each rule set: on, accepted version, by whom and when."""
    rows = {r.rule: r for r in session.scalars(select(RuleSet))}
    out: dict[str, dict[str, object]] = {}
    for rule, name in RULES.items():
        row = rows.get(rule)
        out[rule] = {"name": name, "on": accepted(row) and bool(row and row.enabled),
                     "accepted": accepted(row),
                     "accepted_version": row.accepted_version if row else None,
                     "accepted_by_user_id": row.accepted_by_user_id if row else None,
                     "accepted_at": row.accepted_at if row else None}
    return out
