"""The reviews module (optional, 商品评价): per-line reviews of completed orders with photos
and one follow-up, automatic good reviews, moderation, product ratings and the
``product-reviews`` block."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.reviews.models",
    migrations="migrations",
    api=("runtime.modules.reviews.api:reviews_api", "runtime.modules.reviews.api:reviews_pages"),
    console="builder.reviews",
    blocks="blocks",
    jobs={"reviews-auto-sweeper": "runtime.modules.reviews.jobs:sweep_auto_reviews"},
    hooks=("runtime.modules.reviews.hooks",),
    seeders=("runtime.modules.reviews.demo:seed_demo_reviews",),
    media_references="runtime.modules.reviews.service:media_references",
    openapi=("runtime.modules.reviews.api:OPENAPI",),
    docs="docs/modules/reviews.md",
    tests="tests/reviews",
)
