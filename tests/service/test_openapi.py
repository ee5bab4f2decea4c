"""The OpenAPI document: valid 3.1, and property-based tests against the real server.

schemathesis generates requests from /openapi.json (valid ones and, in its negative
mode, invalid ones) and checks that the server never answers 5xx, only uses the
documented status codes and content types, and that responses match the schemas.
"""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from .support import Server


@pytest.fixture(scope="session")
def openapi(server: Server) -> dict:
    response = httpx.get(server.url + "/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_document_is_valid_openapi_3_1(openapi: dict) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    validate(openapi, cls=OpenAPIV31SpecValidator)
    assert openapi["openapi"].startswith("3.1")


def test_document_describes_every_endpoint(openapi: dict) -> None:
    assert set(openapi["paths"]) == {"/v1/check", "/v1/check/batch", "/v1/rules", "/healthz"}
    schemas = openapi["components"]["schemas"]
    names = schemas["Override"]["properties"]["rules"]["items"]["enum"]
    assert {"test-block", "test-info", "test-warn"} <= set(names)
    assert openapi["paths"]["/v1/check"]["post"]["security"] == [{"bearer": []}]
    assert openapi["paths"]["/healthz"]["get"]["security"] == []


def test_responses_match_the_document(openapi: dict, client: httpx.Client) -> None:
    """Hand-picked requests, their answers validated against the response schemas."""
    import jsonschema

    def check(path: str, method: str, response: httpx.Response) -> None:
        spec = openapi["paths"][path][method]["responses"][str(response.status_code)]
        media = response.headers["content-type"].split(";")[0]
        schema = spec["content"][media]["schema"]
        resolver = {"components": openapi["components"], **schema}
        jsonschema.Draft202012Validator(resolver).validate(response.json())

    check("/v1/check", "post", client.post("/v1/check", json={"text": "a forbidden phrase"}))
    check("/v1/check", "post", client.post("/v1/check", json={"text": 1}))
    override = {"rules": ["test-block"], "reason": "ok"}
    check(
        "/v1/check",
        "post",
        client.post("/v1/check", json={"text": "a forbidden phrase", "override": override}),
    )
    batch = {"replies": [{"text": "utilize it"}, 3]}
    check("/v1/check/batch", "post", client.post("/v1/check/batch", json=batch))
    check("/v1/rules", "get", client.get("/v1/rules"))
    check("/healthz", "get", client.get("/healthz"))


@pytest.fixture(scope="session")
def api_schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


# Operations are driven one by one with @given rather than schemathesis'
# pytest plugin (`from_fixture`), whose lazy loader does not support pytest 9.
MAX_EXAMPLES = int(os.environ.get("REPLYLINT_SCHEMATHESIS_EXAMPLES", "30"))
# The GET operations take no input, so they have no negative (invalid) cases.
POSITIVE = schemathesis.GenerationMode.POSITIVE
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
CASES = [
    ("POST /v1/check", POSITIVE),
    ("POST /v1/check", NEGATIVE),
    ("POST /v1/check/batch", POSITIVE),
    ("POST /v1/check/batch", NEGATIVE),
    ("GET /v1/rules", POSITIVE),
    ("GET /healthz", POSITIVE),
]


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{op}-{mode}" for op, mode in CASES])
def test_api_never_fails(
    api_schema: schemathesis.BaseSchema,
    server: Server,
    label: str,
    mode: schemathesis.GenerationMode,
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=server.url,
            headers=server.headers,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
                negative_data_rejection,
                positive_data_acceptance,
            ],
            timeout=30,
        )

    run()
