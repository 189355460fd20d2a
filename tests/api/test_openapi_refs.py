"""Every ``$ref`` in ``/openapi.json`` resolves (issue 8, item 8): a client generator or a
fuzzer that follows the description must never meet a dangling reference."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient


def _refs(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value, where
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{where}/{index}")


def _resolves(document: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#/"):
        return False
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_reference_in_the_openapi_description_resolves(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    refs = list(_refs(document))
    assert any(ref.endswith("/EnvelopeBody") for ref, _ in refs)  # the request bodies are there
    dangling = [f"{ref} at {where}" for ref, where in refs if not _resolves(document, ref)]
    assert dangling == []


def test_the_request_bodies_name_their_schemas(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"EnvelopeBody", "EnvelopeSignature", "BatchBody"} <= set(schemas)
    body = document["paths"]["/v1/events:batch"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BatchBody"
    }
