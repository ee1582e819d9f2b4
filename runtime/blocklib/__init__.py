"""Support for the block library under ``blocks/``: batched product lists for the product
blocks (:mod:`.products`) and the demo shop's home page (:mod:`.demo`, with banner artwork
from :mod:`.artwork`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.blocklib.demo import seed_demo_home

    app.extensions["mallkit"].modules.add_seeder("home-page", seed_demo_home)
