"""The members module (core): login, profiles, levels and growth, tags, cards, exports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.modules.members import jobs
    from runtime.modules.members.api import members_api

    app.register_blueprint(members_api)
    jobs.register()
    _register_console(app)


def _register_console(app: Flask) -> None:
    """The console screens, once the console (builder) is part of the app."""
    try:
        from builder.members import init_app as init_console
    except ImportError:
        return
    init_console(app)
