"""Audit retention: events older than the retention setting are deleted once a day."""

from __future__ import annotations

from datetime import timedelta

from runtime.audit.service import purge_older_than
from runtime.clock import utcnow
from runtime.extension import state
from runtime.jobs import job_session

RETENTION_EVERY = timedelta(days=1)


def purge_expired_events() -> int:
    """Delete the events older than ``MALLKIT_AUDIT_RETENTION_DAYS``; how many went."""
    cutoff = utcnow() - timedelta(days=state().settings.audit_retention_days)
    with job_session() as session:
        return purge_older_than(session, cutoff)
