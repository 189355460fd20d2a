"""The verifiable log over HTTP: receipts, checkpoint, proofs, entries and keys, each checked
with independent code (``rfc8785`` for leaf bytes, the RFC 9162 verifier, signed-note checks)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import rfc8785
from fastapi.testclient import TestClient

from domain.checkpoint import open_checkpoint, parse_vkey
from domain.merkle import verify_consistency, verify_inclusion
from tests.api.conftest import post_all
from tests.backends import ORIGIN
from tests.builders import Cast


def _log_key(client: TestClient) -> Any:
    (key,) = client.get("/v1/log/keys").json()["log_keys"]
    return parse_vkey(key["vkey"])[1]


def _leaf(envelope: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"\x00" + rfc8785.dumps(envelope)).digest()


def test_every_answer_carries_a_receipt_that_verifies(client: TestClient, cast: Cast) -> None:
    documents = cast.small_model()
    single = client.post("/v1/events", json=documents[0]).json()
    batch = client.post("/v1/events:batch", json={"envelopes": documents[1:]}).json()["events"]
    key = _log_key(client)
    for document, answer in zip(documents, [single, *batch], strict=True):
        receipt = answer["receipt"]
        assert receipt["leaf_index"] == answer["leaf_index"]
        checkpoint = open_checkpoint(receipt["checkpoint"], ORIGIN, key)
        verify_inclusion(
            _leaf(document),
            receipt["leaf_index"],
            checkpoint.size,
            [bytes.fromhex(h) for h in receipt["inclusion_proof"]],
            checkpoint.root,
        )
    repeat = client.post("/v1/events", json=documents[0])
    assert repeat.status_code == 200
    assert repeat.json()["receipt"]["leaf_index"] == 0


def test_checkpoint_is_a_signed_note_of_the_current_tree(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.small_model())
    response = client.get("/v1/log/checkpoint")
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint = open_checkpoint(response.text, ORIGIN, _log_key(client))
    assert checkpoint.size == len(cast.small_model())


def test_inclusion_and_consistency_proofs_verify_for_every_size(
    client: TestClient, cast: Cast
) -> None:
    documents = cast.small_model()
    post_all(client, documents)
    size = len(documents)
    for tree_size in range(1, size + 1):
        for index in range(tree_size):
            proof = client.get(
                "/v1/log/proofs/inclusion", params={"index": index, "tree_size": tree_size}
            ).json()
            assert proof["leaf_hash"] == _leaf(documents[index]).hex()
            verify_inclusion(
                bytes.fromhex(proof["leaf_hash"]),
                index,
                tree_size,
                [bytes.fromhex(h) for h in proof["hashes"]],
                bytes.fromhex(proof["root"]),
            )
    for old, new in itertools.combinations_with_replacement(range(1, size + 1), 2):
        proof = client.get("/v1/log/proofs/consistency", params={"from": old, "to": new}).json()
        verify_consistency(
            old,
            new,
            bytes.fromhex(proof["old_root"]),
            bytes.fromhex(proof["new_root"]),
            [bytes.fromhex(h) for h in proof["hashes"]],
        )


def test_proof_queries_out_of_range_are_problems(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    for path, params in [
        ("/v1/log/proofs/inclusion", {"index": 4, "tree_size": 4}),
        ("/v1/log/proofs/inclusion", {"index": 0, "tree_size": 99}),
        ("/v1/log/proofs/consistency", {"from": 3, "to": 2}),
        ("/v1/log/proofs/consistency", {"from": 0, "to": 2}),
        ("/v1/log/entries", {"start": 2, "end": 99}),
        ("/v1/log/entries", {"start": 3, "end": 3}),
    ]:
        response = client.get(path, params=params)
        assert response.status_code == 422, (path, params)
        assert response.json()["type"].endswith("/invalid-query")


def test_entries_are_the_leaves_in_order(client: TestClient, cast: Cast) -> None:
    documents = cast.small_model()
    post_all(client, documents)
    entries = client.get("/v1/log/entries", params={"start": 2, "end": 6}).json()["entries"]
    assert [e["leaf_index"] for e in entries] == [2, 3, 4, 5]
    assert [e["envelope"] for e in entries] == documents[2:6]
    page = client.get("/v1/events", params={"limit": 1000}).json()["events"]
    assert [e["position"] for e in entries] == [e["position"] for e in page[2:6]]


def test_keys_list_the_log_key_and_the_operators(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    keys = client.get("/v1/log/keys").json()
    (log_key,) = keys["log_keys"]
    assert log_key["name"] == ORIGIN
    assert (log_key["first_tree_size"], log_key["last_tree_size"]) == (0, 4)
    assert len(log_key["keyid"]) == 64
    assert [k["keyid"] for k in keys["operator_keys"]] == [
        hashlib.sha256(cast.operator.public_key().public_bytes_raw()).hexdigest()
    ]
