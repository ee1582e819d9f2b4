"""The packages that make up the app, in start-up order.

Each entry is a module exposing ``init_app(app)``, which registers its blueprints, CLI
commands (``app.cli.add_command``), registries and periodic jobs.
"""

INSTALLED = [
    "runtime.health",
    "runtime.api",
    "runtime.api.openapi",
    "runtime.pages",
    "runtime.storefront",
    "runtime.storefront.shop",
    "runtime.accounts",
    "runtime.secrets_cli",
    "runtime.media",
    "runtime.modules.catalog",
    "runtime.modules.catalog.importing",
    "runtime.modules.cart",
    "runtime.modules.orders",
    "runtime.modules.payments",
    "runtime.modules.fulfilment",
    "runtime.modules.members",
    "runtime.modules.points",
    "runtime.modules.wallet",
    "runtime.modules.signin",
    "runtime.wechat",
    "builder.console",
    "builder.pages",
    "builder.editor",
    "builder.media",
    "builder.themes",
    "builder.catalog",
    "builder.orders",
    "builder.catalog.imports",
    "builder.members",
    "builder.modules",
    "builder.wechat",
    "runtime.blocklib",
]
