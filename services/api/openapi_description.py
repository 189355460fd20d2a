"""What ``/openapi.json`` says beyond what FastAPI infers: each operation's success schema and
a real example of it (``openapi_examples.json``), request bodies the routes read themselves,
and every error the operation can answer as an RFC 9457 ``application/problem+json`` problem
(FastAPI's ``HTTPValidationError`` is not what this API sends, so it is replaced)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from domain.bundle.verify import BUNDLE_MEDIA_TYPE
from services.api import schemas_assessment as doc
from services.api.openapi_examples import EXAMPLES_FILE
from services.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, TITLES
from services.api.schemas import Problem
from services.exports import FORMATS

REF = "#/components/schemas/{model}"
_WRITE = (400, 401, 403, 409, 413, 422, 503)


@dataclass(frozen=True, slots=True)
class Described:
    """One operation: its problems (statuses), the schema and media type of its success
    answer when FastAPI cannot infer them, and the schema of a body it reads itself."""

    problems: tuple[int, ...] = (503,)
    schema: type[BaseModel] | None = None
    media_type: str = "application/json"
    request: type[BaseModel] | None = None
    extra_content: dict[str, Any] = field(default_factory=dict)


OPERATIONS: dict[str, Described] = {
    "POST /v1/events": Described(_WRITE),
    "POST /v1/events:batch": Described(_WRITE),
    "GET /v1/events": Described((422, 503)),
    "GET /v1/events/{event_id}": Described((404, 409, 503)),
    "GET /v1/subjects/{subject_id}": Described((404, 422, 503)),
    "GET /v1/models": Described((422, 503)),
    "GET /v1/models/{model_id}/changes": Described((404, 422, 503)),
    "GET /v1/models/{model_id}/freedoms": Described((404, 422, 503), doc.Assessment),
    "GET /v1/models/{model_id}/bundle": Described((404, 422, 503), doc.Bundle, BUNDLE_MEDIA_TYPE),
    "POST /v1/bundles:verify": Described((413, 422, 503), doc.VerifyResult, request=doc.Bundle),
    "GET /v1/models/{model_id}/sbom": Described((404, 422, 503)),
    "GET /v1/models/{model_id}/eu-training-summary": Described((404, 422, 503)),
    "GET /v1/licences": Described((503,), doc.Licences),
    "GET /v1/licences/{licence_id}": Described((404, 503), doc.Licence),
    "GET /v1/policies": Described((), doc.Policies),
    "GET /v1/log/checkpoint": Described((503,), media_type="text/plain"),
    "GET /tlog/checkpoint": Described((503,), media_type="text/plain"),
    "GET /tlog/tile/{path}": Described((400, 404, 503), media_type="application/octet-stream"),
    "GET /v1/log/proofs/inclusion": Described((422, 503), doc.InclusionProof),
    "GET /v1/log/proofs/consistency": Described((422, 503), doc.ConsistencyProof),
    "GET /v1/log/entries": Described((422, 503), doc.LogEntries),
    "GET /v1/log/keys": Described((503,), doc.LogKeys),
    "GET /healthz": Described(()),
    "GET /readyz": Described((503,)),
}

MODELS: tuple[type[BaseModel], ...] = (
    Problem,
    doc.Assessment,
    doc.Bundle,
    doc.VerifyResult,
    doc.Licences,
    doc.Policies,
    doc.InclusionProof,
    doc.ConsistencyProof,
    doc.LogEntries,
    doc.LogKeys,
)

_PROBLEM_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("malformed-json", "body is not JSON: Expecting value: line 1 column 1 (char 0)"),
    # (a tile path not in the C2SP spelling is a 400 invalid-tile-path)
    401: ("unknown-key", "signature 0: key 3f1c…9a is not enrolled"),
    403: ("not-owner", "the signer's organisation does not own acme/x/weights"),
    404: (
        "not-found",
        "no model version 'meta/llama-2-7b'; did you mean 'meta/llama-2-7b@2023-07-18'?",
    ),
    409: ("conflict", "the prefix 1e3a9a2cc4ac names 2 events: give more digits (…)"),
    413: ("body-too-large", "the body is larger than 16 MiB"),
    422: ("invalid-query", "limit: Input should be less than or equal to 1000"),
    503: ("unavailable", "the database does not answer; nothing was written: retry later"),
}
_PROBLEM_WHEN = {
    400: "the body is not JSON, or not an envelope / batch; or a tile path is not C2SP's",
    401: "a signature does not verify, or its key is not enrolled",
    403: "the signer lacks the role, does not own the subject, or is revoked",
    404: "nothing recorded by that id (an unknown model lists `suggestions`)",
    409: "a subject's first event again, a state conflict, or an ambiguous event-id prefix "
    "(`matches`)",
    413: "an envelope, a batch or the body is too large",
    422: "valid JSON but invalid content, or an invalid query parameter",
    503: "the database is unreachable or the log cannot be extended safely (`Retry-After`)",
}


def describe(document: dict[str, Any]) -> None:
    """Complete ``document`` (FastAPI's OpenAPI output) in place."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in MODELS:
        schema = model.model_json_schema(ref_template=REF, by_alias=True)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    examples = json.loads(EXAMPLES_FILE.read_text("utf-8"))
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            described = OPERATIONS.get(key, Described((422, 503)))
            _describe(operation, described, examples.get(key, {}))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _describe(operation: dict[str, Any], described: Described, example: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    success = str(example.get("status", 200))
    if success not in responses:
        success = next((s for s in responses if s.startswith("2")), "200")
    answer = responses.setdefault(success, {"description": "Successful Response"})
    content = answer.setdefault("content", {})
    if described.schema is not None or described.media_type != "application/json":
        content.clear()
        schema: dict[str, Any] = {"type": "string"}
        if described.schema is not None:
            schema = {"$ref": REF.format(model=described.schema.__name__)}
        elif described.media_type == "application/octet-stream":
            schema["format"] = "binary"
        content[described.media_type] = {"schema": schema}
    if "response" in example:
        media = next(iter(content), described.media_type)
        content.setdefault(media, {"schema": {}})["example"] = example["response"]
    if "markdown" in example:
        content["text/markdown"] = {"schema": {"type": "string"}, "example": example["markdown"]}
    if operation.get("operationId", "").startswith("sbom"):
        _sbom_content(content, example)
    if "request" in example:
        body = operation.setdefault("requestBody", {"required": True, "content": {}})
        media = body.setdefault("content", {}).setdefault("application/json", {})
        if described.request is not None:
            media["schema"] = {"$ref": REF.format(model=described.request.__name__)}
        media.setdefault("schema", {})
        media["example"] = example["request"]
    if operation.get("operationId", "").startswith("submit_event"):
        responses["200"] = {"description": "a repeat: the original record, nothing written"}
        responses["200"]["content"] = dict(content)
    for status in sorted({*described.problems, *([422] if "422" in responses else [])}):
        responses[str(status)] = _problem_response(status)


def _sbom_content(content: dict[str, Any], example: dict[str, Any]) -> None:
    content.clear()
    for name, chosen in sorted(FORMATS.items()):
        entry: dict[str, Any] = {"schema": {"type": "object", "description": name}}
        if name.startswith("cyclonedx") and "response" in example:
            entry["example"] = example["response"]
        content[chosen.media_type] = entry


def _problem_response(status: int) -> dict[str, Any]:
    kind, detail = _PROBLEM_EXAMPLES[status]
    example: dict[str, Any] = {
        "type": PROBLEM_BASE + kind,
        "title": TITLES[status],
        "status": status,
        "detail": detail,
    }
    if status == 404:
        example["suggestions"] = ["meta/llama-2-7b@2023-07-18"]
    return {
        "description": f"{TITLES[status]}: {_PROBLEM_WHEN[status]}",
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": REF.format(model="Problem")},
                "example": example,
            }
        },
    }
