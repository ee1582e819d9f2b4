"""The rule sets' member API under ``/api/v1/shops/<shop>/distribution/``: ``rulesets``
(which are on), ``tuisan`` (my 推三返一 progress), ``chain21`` (my 链动2+1 place) and
``dividends`` (my partner dividends). ``tuisan`` and ``chain21`` answer 409 problem+json
until the shop owner accepted the legal notice and switched the rule set on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, operation
from runtime.modules.distribution import service
from runtime.modules.distribution.rulesets import chain21, notice, tuisan
from runtime.modules.distribution.rulesets.models import DividendPayout, DividendRun
from runtime.modules.members.auth import current_member, member_required
from runtime.tenancy import db

rulesets_api = shop_api_blueprint("distribution_rulesets_api", __name__)
TAGS = ["distribution"]
PREFIX = "/distribution"
OPENAPI = ApiComponents()


@rulesets_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


@rulesets_api.get(f"{PREFIX}/rulesets")
@operation(tags=TAGS)
def rulesets_view():
    """Which opt-in rule sets (推三返一, 链动2+1) are on in this shop."""
    return jsonify({rule: {"name": state["name"], "on": state["on"]}
                    for rule, state in notice.states(db()).items()})


def _mine(rule: str, read: Callable[[Any, int], dict[str, Any]]) -> Response:
    session = db()
    notice.require_on(session, rule)
    return jsonify(read(session, current_member().id))


@rulesets_api.get(f"{PREFIX}/tuisan")
@member_required
@operation(tags=TAGS)
def tuisan_view():
    """My 推三返一 buyers (waiting, counted) and rewards; 409 while the rule set is off."""
    return _mine(tuisan.RULE, tuisan.progress)


@rulesets_api.get(f"{PREFIX}/chain21")
@member_required
@operation(tags=TAGS)
def chain21_view():
    """My 链动2+1 role (member, reseller, boss), boss and team; 409 while the rule set is off."""
    return _mine(chain21.RULE, chain21.my_place)


@rulesets_api.get(f"{PREFIX}/dividends")
@member_required
@operation(tags=TAGS)
def dividends_view():
    """My partner dividends, newest period first."""
    rows = db().execute(select(DividendRun.period, DividendPayout.amount_fen)
                        .join(DividendRun, DividendRun.id == DividendPayout.run_id)
                        .where(DividendPayout.member_id == current_member().id)
                        .order_by(DividendRun.period.desc()).limit(24)).all()
    return jsonify({"items": [{"period": p, "amount_fen": a} for p, a in rows]})
