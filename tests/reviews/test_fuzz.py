"""Schemathesis over the reviews operations with the module on (the suite-wide run sees them
switched off): documented examples and generated requests with a real member token; none
may answer 5xx."""

from __future__ import annotations

from collections import Counter

import schemathesis

from tests.api.test_schemathesis import _fuzz


def test_no_review_operation_answers_a_server_error(app, factory, shop):
    factory.module_on(shop, "reviews")
    token = factory.member_token(shop, factory.member(shop))
    factory.product(shop, price_fen=900, stock=5)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    server_errors: Counter[str] = Counter()
    first_failure: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if "review" not in operation.path:
            continue
        operations += 1
        _fuzz(operation, shop.slug, token, server_errors, first_failure)
    assert operations == 5
    assert not server_errors, "\n".join(f"{n} x{server_errors[n]}: {first_failure[n]}"
                                        for n in server_errors)
