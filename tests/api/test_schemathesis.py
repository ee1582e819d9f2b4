"""Schemathesis over the whole OpenAPI document, in-process against the Flask app: every
operation (but logout, which would end the token) gets its documented examples and a fixed,
derandomized set of generated requests with a real member token; none may answer 5xx."""

from __future__ import annotations

from collections import Counter

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase

EXAMPLES_PER_OPERATION = 10
EXCLUDED = {"/api/v1/shops/{shop_slug}/auth/logout"}


def test_no_operation_answers_a_server_error(app, factory, shop):
    member = factory.member(shop)
    token = factory.member_token(shop, member)
    factory.product(shop, price_fen=900, stock=5)
    factory.module_on(shop, "content")  # its article routes answer for real, not 404
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    server_errors: Counter[str] = Counter()
    first_failure: dict[str, str] = {}
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in EXCLUDED:
            continue
        operations += 1
        _fuzz(operation, shop.slug, token, server_errors, first_failure)

    assert operations >= 40  # the whole document was walked
    assert not server_errors, "\n".join(f"{n} x{server_errors[n]}: {first_failure[n]}"
                                        for n in server_errors)


def _fuzz(operation, shop_slug: str, token: str, server_errors: Counter[str],
          first_failure: dict[str, str]) -> None:
    """Call ``operation`` with its examples and generated cases; count the 5xx answers."""
    name = f"{operation.method.upper()} {operation.path}"

    @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
                         database=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy())
    def call(case) -> None:
        if case.path_parameters and "shop_slug" in case.path_parameters:
            case.path_parameters["shop_slug"] = shop_slug  # a real shop, not a random slug
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        if response.status_code >= 500:
            server_errors[name] += 1
            first_failure.setdefault(name, f"{case.as_curl_command()} -> "
                                           f"{response.status_code} {response.text[:300]}")

    call()
