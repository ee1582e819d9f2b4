"""The sign-in module (optional, 签到有礼): the model every optional module follows —
``module.json`` (settings schema, block, jobs), service, API, block, console, docs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.demo import register_seeder
    from runtime.modules.members.demo import seed_demo_signin
    from runtime.modules.signin import jobs
    from runtime.modules.signin.api import signin_api

    app.register_blueprint(signin_api)
    jobs.register()
    register_seeder("signin", seed_demo_signin)
