"""The JSON API fuzzed from its own OpenAPI document: no generated request may cause a 500,
and every response must match the documented status codes, content types and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    missing_required_header,
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


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An archive with an editor's API token: the fuzzer's writes are authorised."""
    from hatsugen.core import Hatsugen
    from hatsugen.web.app import create_app

    from conftest import ADMIN, statement, write_jsonl

    home = tmp_path_factory.mktemp("fuzz-writes") / "home"
    app = Hatsugen(home)
    app.import_files([str(write_jsonl(home.parent / "s.jsonl", [statement(id="x")]))], actor=ADMIN)
    app.accounts.add("ed", "editor", "correct horse battery staple")
    _, token = app.accounts.create_token("ed")
    app.close()
    return create_app({"HATSUGEN_HOME": str(home), "TESTING": True}), token


@schema.include(method=["POST", "PATCH"]).parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_api_with_a_token_never_fails(case, writable) -> None:  # type: ignore[no-untyped-def]
    app, token = writable
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.path, case.body, response.text)
    # A missing If-Match is answered 428 Precondition Required (RFC 6585), on purpose and
    # documented; schemathesis expects one of the plain 4xx codes there.
    case.validate_response(
        response,
        excluded_checks=[positive_data_acceptance, negative_data_rejection,
                         missing_required_header],
    )  # fmt: skip
