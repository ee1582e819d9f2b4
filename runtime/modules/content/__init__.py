"""The content module (optional, 文章): articles with categories, cover, summary and a
sanitised body, draft / scheduled / published, sort and view count; the ``article-list``
block, the articles API, the H5 article pages and the console's article screens."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.content.models",
    migrations="migrations",
    api=("runtime.modules.content.api:content_api", "runtime.modules.content.api:content_pages"),
    console="builder.content",
    blocks="blocks",
    jobs={"content-publish-due": "runtime.modules.content.jobs:publish_due_job"},
    seeders=("runtime.modules.content.demo:seed_demo_articles",),
    media_references="runtime.modules.content.service:media_references",
    openapi=("runtime.modules.content.api:OPENAPI",),
    docs="docs/modules/content.md",
    tests="tests/content",
)
