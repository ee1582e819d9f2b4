"""Alembic migrations; one branch per module, applied with ``mallkit db upgrade``."""
