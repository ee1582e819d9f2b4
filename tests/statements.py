"""Telling the statements a test counts from the ones every transaction carries."""

from __future__ import annotations


def sets_tenant_context(statement: str) -> bool:
    """True for the statement that gives a PostgreSQL transaction its shop (row-level
    security's context: ``mallkit_set_context``, or a test's own ``set_config``)."""
    return "mallkit_set_context" in statement or "set_config" in statement
