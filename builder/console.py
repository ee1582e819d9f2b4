"""The merchant console blueprint (``/console``)."""

from __future__ import annotations

from flask import Blueprint

console = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                    static_folder="static", static_url_path="/static")


@console.get("/")
def index():
    return "mallkit console"


def init_app(app) -> None:
    app.register_blueprint(console)
