"""The JSON API fuzzed from its own OpenAPI document: no generated request may cause a 500,
and every response must match the documented status codes, content types and schemas."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from hatsugen.web.openapi import openapi_document

schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, web_app) -> None:  # type: ignore[no-untyped-def]
    response = case.call(app=web_app)
    assert response.status_code < 500, (case.path, case.query, response.text)
    # Not checked: "schema-valid data must be accepted" (a valid-looking query can still be bad:
    # an unbalanced quote, 2025-02-30 → 400 with a message) and "schema-violating data must be
    # rejected" (empty values mean "no filter", because HTML forms send every field). Both
    # directions of bad input have explicit tests in test_web.py.
    case.validate_response(
        response, excluded_checks=[positive_data_acceptance, negative_data_rejection]
    )
