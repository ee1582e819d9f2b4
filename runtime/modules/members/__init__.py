"""The members module (core): login, profiles, levels and growth, tags, cards, exports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.demo import register_seeder
    from runtime.modules.members import jobs
    from runtime.modules.members.api import members_api
    from runtime.modules.members.demo import seed_demo_members

    app.register_blueprint(members_api)
    jobs.register()
    register_seeder("members", seed_demo_members)
