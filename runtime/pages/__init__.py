"""The page machinery: block registry, page store, interpreter, layouts and their cache.

``init_app`` loads the block, module and theme registries (start-up fails with the file and
JSON pointer of a bad manifest), freezes them into ``app.extensions["mallkit"].registries
["pages"]``, and registers the layout API, theme assets, ``mallkit schemas`` and the
scheduled-publishing sweeper.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from runtime.modules.loader import block_folders
    from runtime.pages.api import OPENAPI, layouts, theme_assets
    from runtime.pages.cli import schemas_cli
    from runtime.pages.jobs import register_jobs
    from runtime.pages.registries import dirs_from_settings, load_registries

    mk = app.extensions["mallkit"]
    dirs = dirs_from_settings(mk.settings.extra)
    mk.registries["pages"] = load_registries(
        block_dirs=tuple(dict.fromkeys((*dirs["block_dirs"], *block_folders(mk.modules)))),
        modules=mk.modules.manifests, theme_dirs=dirs["theme_dirs"])
    mk.modules.add_openapi(OPENAPI.components)
    app.register_blueprint(layouts)
    app.register_blueprint(theme_assets)
    app.cli.add_command(schemas_cli)
    register_jobs(mk.modules)
