"""Audit events (``audit_events``): security-relevant actions kept in the database, shown to
a shop's owners (their shop's) and to platform admins (all), deleted after the retention
period (``MALLKIT_AUDIT_RETENTION_DAYS``).

Record with :func:`runtime.audit.service.record` (in the caller's transaction) or, from a
view, :func:`runtime.audit.web.audit` / :func:`runtime.audit.web.audit_now`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.audit.jobs import RETENTION_EVERY, purge_expired_events

    app.extensions["mallkit"].modules.add_periodic(
        "audit-retention", purge_expired_events, RETENTION_EVERY)
