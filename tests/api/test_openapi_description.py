"""The API description a client reads: every operation has a schema and a real example of its
answer, the bodies it reads, and every error it can answer documented as the problem+json this
API sends; ``/docs`` and ``/redoc`` load nothing from another host."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
from fastapi.testclient import TestClient

from services.api.problems import PROBLEM_MEDIA_TYPE
from tests.builders import Cast

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
HINT = (
    "add the operation to services/api/openapi_examples.py (_examples) and to OPERATIONS in "
    "services/api/openapi_description.py, then run python -m services.api.openapi_examples"
)


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _validate(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    jsonschema.validate(instance, {**schema, "components": document["components"]})


def test_every_operation_shows_a_valid_example_of_its_answer(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operations = _operations(document)
    assert len(operations) >= 21
    for name, operation in operations:
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, name
        for status, response in successes.items():
            for media, content in response["content"].items():
                if "example" not in content:
                    binary = media in {"application/spdx+json", "application/octet-stream"}
                    assert binary, (name, status, media, HINT)
                    continue
                if media.endswith("json") and "$ref" in content.get("schema", {}):
                    _validate(document, content["schema"], content["example"])
        body = operation.get("requestBody")
        if body is not None:
            content = body["content"]["application/json"]
            assert "example" in content, (name, HINT)
            _validate(document, content["schema"], content["example"])
        assert operation.get("summary"), name


def test_errors_are_documented_as_problems(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(document)
    for name, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (name, status)
            content = response["content"][PROBLEM_MEDIA_TYPE]
            assert content["schema"] == PROBLEM_REF
            _validate(document, PROBLEM_REF, content["example"])
            assert content["example"]["status"] == int(status)
    responses = {name: set(op["responses"]) for name, op in _operations(document)}
    assert {"400", "401", "403", "409", "413", "422"} <= responses["POST /v1/events"]
    assert {"400", "401", "403", "409", "413", "422"} <= responses["POST /v1/events:batch"]
    assert {"404", "409"} <= responses["GET /v1/events/{event_id}"]
    assert "404" in responses["GET /v1/models/{model_id}/freedoms"]
    assert "413" in responses["POST /v1/bundles:verify"]


def test_the_freedoms_and_bundle_schemas_and_the_verify_body(
    client: TestClient, cast: Cast
) -> None:
    document = client.get("/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    ok = paths["/v1/models/{model_id}/freedoms"]["get"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/Assessment"}
    assert "text/markdown" in ok
    assert {"model", "policy", "as_of", "at", "freedoms", "frameworks", "warnings"} <= set(
        schemas["Assessment"]["properties"]
    )
    assert set(schemas["Assessment"]["required"]) >= {"freedoms", "frameworks"}
    verify = paths["/v1/bundles:verify"]["post"]
    assert verify["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Bundle"
    }
    bundle = paths["/v1/models/{model_id}/bundle"]["get"]["responses"]["200"]["content"]
    assert list(bundle) == ["application/vnd.provenance-ledger.bundle.v1+json"]


def test_the_docs_pages_load_nothing_from_another_host(client: TestClient) -> None:
    for page in ("/docs", "/redoc", "/ui", "/ui/models/nobody/x@1"):
        html = client.get(page).text
        references = re.findall(r"""(?:src|href|url)\s*[=(:]\s*["']?([^"' )>]+)""", html)
        assert references, page
        foreign = [r for r in references if re.match(r"(?:[a-z]+:)?//", r)]
        assert foreign == [], (page, foreign)
        for reference in references:
            if reference.startswith("/") and not reference.startswith("/ui/models"):
                assert client.get(reference).status_code == 200, (page, reference)
    assert "fonts.googleapis" not in client.get("/redoc").text
    css = client.get("/ui/static/ui.css").text
    assert "//" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S)
