"""A plug-in module that lives only under tests/ and is installed through the entry-point
group ``mallkit.modules`` by the ``testmod_app`` fixture: it proves a module adds a pricing
step, order hooks, a block, an API route, a console page and a seeder with no edit to any
file outside this folder."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    api=("mallkit_testmod.api:testmod_api",),
    console="mallkit_testmod.console",
    blocks="blocks",
    hooks=("mallkit_testmod.hooks",),
    pricing_steps=("mallkit_testmod.pricing:TESTMOD_DISCOUNT",
                   "mallkit_testmod.pricing:TESTMOD_ACTIVITY"),
    seeders=("mallkit_testmod.hooks:seed_notes",),
    media_references="mallkit_testmod.hooks:media_references",
)
