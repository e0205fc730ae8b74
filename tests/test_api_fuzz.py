"""The JSON API fuzzed from its own OpenAPI document: no generated request may cause a 500,
and every response must match the documented status codes, content types and schemas."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from hatsugen.web.openapi import openapi_document

# Every check, with one choice made explicit: a request that fits the schema may still be
# refused with a 400 and a message when its meaning is wrong (a speaker who is nobody, an
# unbalanced quote, 2025-02-30, a stale or missing If-Match: 412/428). The OpenAPI document
# says so for each operation; everything else a valid request gets is a success.
CONFIG = SchemathesisConfig.from_str("""
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "412", "428"]
[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "428"]
""")  # 428 Precondition Required (RFC 6585) is what a PATCH without If-Match gets
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)
EXAMPLES = 150 if os.environ.get("CI") else 40  # per operation


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, web_app) -> None:  # type: ignore[no-untyped-def]
    response = case.call(app=web_app)
    assert response.status_code < 500, (case.path, case.query, response.text)
    case.validate_response(response)


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
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_api_with_a_token_never_fails(case, writable) -> None:  # type: ignore[no-untyped-def]
    app, token = writable
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.path, case.body, response.text)
    case.validate_response(response)
