"""The content module's console screens (area ``pages``): articles (list with filters, the
editor) and article categories; shown only while the shop has the module on."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.content import i18n
    from builder.content.views import content_console
    from builder.editor import choices

    i18n.compile_catalog()
    app.register_blueprint(content_console)
    nav.register(app, "pages", i18n.lazy_gettext("Articles"), "content_console.articles",
                 order=60, module="content")
    choices.register(app, "article-categories", article_category_choices, module="content")


def article_category_choices(session: Session) -> list[dict[str, Any]]:
    """The article-list block's category setting: the shop's categories by name (the block
    keeps the name; "" is every category)."""
    from runtime.modules.content import service

    return [{"value": c.name, "label": c.name} for c in service.categories(session)]
