"""The answer every WeChat Pay notify endpoint gives: 204 when received (also a replay),
otherwise ``{"code": "FAIL", "message"}`` with a 4xx/5xx status, so WeChat retries."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, json
from sqlalchemy.orm import Session

from runtime.errors import MallkitError
from runtime.wechat.errors import NotificationError

log = logging.getLogger(__name__)


def answer(status: int, code: str, message: str) -> Response:
    """WeChat reads ``{"code", "message"}``; 200/204 means received, anything else: retry."""
    if status in (200, 204):
        return Response(status=204)
    return Response(json.dumps({"code": code, "message": message}, ensure_ascii=False),
                    status=status, mimetype="application/json")


def receive(session: Session, label: str, apply: Callable[[], str]) -> Response:
    """Run ``apply`` (verify and apply one notification, returning its outcome), commit, and
    answer WeChat; a refused or failed notification is rolled back and logged."""
    try:
        outcome = apply()
        session.commit()
    except NotificationError as exc:
        log.warning("WeChat Pay notification for %s rejected: %s", label, exc.detail)
        session.rollback()
        return answer(exc.status, "FAIL", exc.detail)
    except MallkitError as exc:
        log.warning("WeChat Pay notification for %s not applied: %s (%s)", label, exc.detail,
                    exc.code)
        session.rollback()
        return answer(exc.status if exc.status < 500 else 500, "FAIL", exc.detail)
    log.info("WeChat Pay notification for %s: %s", label, outcome)
    return answer(204, "SUCCESS", outcome)
