"""Every kind of refused request: the right status and problem type, and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.api.body import MAX_BODY_BYTES
from services.api.problems import PROBLEM_BASE, STATUS
from services.write.envelope_input import MAX_ENVELOPE_BYTES
from tests.api.conftest import log_length, post_all
from tests.builders import Cast, artefact, envelope
from tests.rejection_cases import CASES, RejectionCase


def assert_problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM_BASE + kind
    assert problem["status"] == status
    assert problem["detail"]
    return problem


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_refused_envelope_is_a_problem_and_writes_nothing(
    client: TestClient, cast: Cast, case: RejectionCase
) -> None:
    setup, bad = case.build(cast)
    post_all(client, setup)
    before = log_length(client)
    response = client.post("/v1/events", json=bad)
    assert_problem(response, STATUS[case.kind], case.kind)
    assert log_length(client) == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_refused_envelope_fails_its_whole_batch(
    client: TestClient, cast: Cast, case: RejectionCase
) -> None:
    setup, bad = case.build(cast)
    post_all(client, setup)
    before = log_length(client)
    good = artefact(cast.globex, "globex/fresh", "code", "training-code")
    response = client.post("/v1/events:batch", json={"envelopes": [good, bad]})
    problem = assert_problem(response, STATUS[case.kind], case.kind)
    assert [(e["index"], e["type"]) for e in problem["errors"]] == [(1, PROBLEM_BASE + case.kind)]
    assert log_length(client) == before


def _valid(cast: Cast) -> dict[str, Any]:
    return artefact(cast.acme, "acme/q", "code", "training-code")


BODY_CASES: list[tuple[str, Any, int, str]] = [
    ("not JSON", b"{not json", 400, "malformed-json"),
    ("not UTF-8", b"\xff\xfe", 400, "malformed-json"),
    ("a JSON array", [], 400, "invalid-envelope"),
    ("payload is a number", lambda c: {**_valid(c), "payload": 12}, 400, "invalid-envelope"),
    ("signatures not a list", lambda c: {**_valid(c), "signatures": {}}, 400, "invalid-envelope"),
    ("no signatures", lambda c: {**_valid(c), "signatures": []}, 400, "invalid-envelope"),
    ("payloadType is null", lambda c: {**_valid(c), "payloadType": None}, 400, "invalid-envelope"),
    (
        "sig is not a string",
        lambda c: {**_valid(c), "signatures": [{"keyid": "a" * 64, "sig": 5}]},
        400,
        "invalid-envelope",
    ),
    (
        "keyid is upper-case hex",
        lambda c: {
            **_valid(c),
            "signatures": [{**_valid(c)["signatures"][0], "keyid": "A" * 64}],
        },
        400,
        "invalid-envelope",
    ),
    ("an unknown envelope field", lambda c: {**_valid(c), "extra": 1}, 400, "invalid-envelope"),
    (
        "payload not canonical base64",
        lambda c: {**_valid(c), "payload": _valid(c)["payload"].rstrip("=") + "@"},
        400,
        "invalid-envelope",
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "status", "kind"), BODY_CASES, ids=[c[0] for c in BODY_CASES]
)
def test_a_malformed_body_is_a_400_and_writes_nothing(
    client: TestClient, cast: Cast, name: str, body: Any, status: int, kind: str
) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    document = body(cast) if callable(body) else body
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    response = client.post(
        "/v1/events", content=content, headers={"content-type": "application/json"}
    )
    assert_problem(response, status, kind)
    assert log_length(client) == before


def test_an_envelope_over_64_kib_is_a_413(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    big = envelope(
        cast.acme,
        "ArtefactRegistered",
        "acme/big",
        {
            "kind": "code",
            "component": "training-code",
            "name": "x" * MAX_ENVELOPE_BYTES,
            "availability": "public",
        },
    )
    assert_problem(client.post("/v1/events", json=big), 413, "envelope-too-large")
    response = client.post("/v1/events:batch", json={"envelopes": [_valid(cast), big]})
    problem = assert_problem(response, 413, "envelope-too-large")
    assert [e["index"] for e in problem["errors"]] == [1]
    assert log_length(client) == before


def test_a_body_over_16_mib_is_a_413_before_parsing(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    oversized = b'{"envelopes": [' + b" " * MAX_BODY_BYTES + b"]}"
    response = client.post(
        "/v1/events:batch", content=oversized, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "body-too-large")
    assert log_length(client) == before


BATCH_SHAPES: list[tuple[str, Any, int, str]] = [
    ("not an object", [], 400, "invalid-batch"),
    ("no envelopes key", {"items": []}, 400, "invalid-batch"),
    ("an extra key", {"envelopes": [1], "x": 1}, 400, "invalid-batch"),
    ("empty", {"envelopes": []}, 400, "invalid-batch"),
    ("not a list", {"envelopes": {}}, 400, "invalid-batch"),
    ("over 1,000", {"envelopes": [{}] * 1001}, 413, "batch-too-large"),
]


@pytest.mark.parametrize(
    ("name", "body", "status", "kind"), BATCH_SHAPES, ids=[c[0] for c in BATCH_SHAPES]
)
def test_a_malformed_batch_is_refused_and_writes_nothing(
    client: TestClient, cast: Cast, name: str, body: Any, status: int, kind: str
) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    assert_problem(client.post("/v1/events:batch", json=body), status, kind)
    assert log_length(client) == before


def test_a_malformed_envelope_in_a_batch_is_listed_by_index(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    response = client.post(
        "/v1/events:batch", json={"envelopes": [_valid(cast), {"payload": 1}, _valid(cast)]}
    )
    problem = assert_problem(response, 400, "invalid-envelope")
    assert [e["index"] for e in problem["errors"]] == [1]
    assert log_length(client) == before


def _stdlib_only_bodies(cast: Cast) -> list[tuple[bytes, int, str]]:
    """Batch bodies orjson refuses or reads differently: the stdlib's reading is refused."""
    valid = json.dumps(_valid(cast))
    surrogate = json.dumps({**_valid(cast), "payloadType": "\ud800"})  # written as \ud800
    return [
        (b'{"envelopes": [%s], "x": NaN}' % valid.encode(), 400, "invalid-batch"),
        (b'{"envelopes": [%s, {"payload": 1e400}]}' % valid.encode(), 400, "invalid-envelope"),
        (
            b'{"envelopes": [%s, %s]}' % (valid.encode(), surrogate.encode()),
            400,
            "invalid-envelope",
        ),
        (
            b'{"envelopes": [%s, {"payload": 123456789012345678901}]}' % valid.encode(),
            400,
            "invalid-envelope",
        ),
    ]


def test_bodies_only_the_stdlib_reads_are_refused_from_its_reading(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, cast.enrolments())
    before = log_length(client)
    for body, status, kind in _stdlib_only_bodies(cast):
        response = client.post(
            "/v1/events:batch", content=body, headers={"content-type": "application/json"}
        )
        problem = assert_problem(response, status, kind)
        if kind == "invalid-envelope":
            assert [e["index"] for e in problem["errors"]] == [1]
    surrogate = json.dumps({**_valid(cast), "payloadType": "\ud800"}).encode()
    response = client.post(
        "/v1/events", content=surrogate, headers={"content-type": "application/json"}
    )
    assert "lone surrogate" in assert_problem(response, 400, "invalid-envelope")["detail"]
    assert log_length(client) == before
