"""The reviews module's console screen (orders area): moderation of the shop's reviews —
filter, reply, hide / show, pin, approve; shown only while the module is on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.reviews.views import reviews_console

    app.register_blueprint(reviews_console)
    nav.register(app, "orders", "评价管理", "reviews_console.index", order=60,
                 module="reviews")
