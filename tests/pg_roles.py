"""The PostgreSQL roles of the test runs: migrations as the owner of the tables, the app as
a plain role that owns nothing (row-level security binds it), as in production."""

from __future__ import annotations

from sqlalchemy.engine import make_url

APP_ROLE = "mallkit_app"
OWNER_ROLE = "mallkit_owner"
SECRET_KEY = "test-secret-key-not-for-production"


def owner_url(url: str) -> str:
    """The migration role's URL for the database of the app's ``url``."""
    return make_url(url).set(username=OWNER_ROLE).render_as_string(hide_password=False)
