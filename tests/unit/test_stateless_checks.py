"""A request's stateless checks (services/write/stateless_checks.py): in worker processes for
batches, signatures on threads for mid-sized requests, all inline for the rest. Whoever works
them out, every verdict is ``signature_verifies``'s and every envelope's checks are
``Checked.of``'s; a worker that dies costs nothing but time."""

from __future__ import annotations

import base64
import json
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.envelope import (
    STATEMENT_PAYLOAD_TYPE,
    Envelope,
    Signature,
    keyid_for,
    sign_envelope,
    signature_verifies,
)
from domain.ledger_records import SignerRecord
from services.stored_state import referenced
from services.write.stateless_checks import Checked, Checks, StatelessChecks
from tests.builders import artefact

SIGNER, STRANGER = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
RECORD = SignerRecord(
    keyid_for(SIGNER.public_key()), SIGNER.public_key(), "acme", frozenset({"publisher"})
)


def _envelopes(count: int) -> list[Envelope]:
    """Real statements, with every third signature made by another key than its keyid
    names, every fifth payload not canonical JSON and every seventh not a statement."""
    envelopes = []
    for i in range(count):
        payload = base64.b64decode(
            artefact(SIGNER, f"acme/m/{i}", "code", "training-code")["payload"]
        )
        if i % 5 == 0:
            payload = payload.replace(b'{"data"', b'{ "data"')
        if i % 7 == 0:
            payload = b'{"v":1}'
        signer = STRANGER if i % 3 == 0 else SIGNER
        signed = sign_envelope(STATEMENT_PAYLOAD_TYPE, payload, [signer])
        signature = Signature(RECORD.keyid, signed.signatures[0].sig)
        envelopes.append(Envelope(signed.payload_type, signed.payload, (signature,)))
    return envelopes


def _signer_of(keyid: str) -> SignerRecord | None:
    return RECORD if keyid == RECORD.keyid else None


@pytest.fixture
def checks() -> Iterator[StatelessChecks]:
    stateless = StatelessChecks(workers=2, processes=1)
    yield stateless
    stateless.close()


def _answers(found: Checks, envelopes: list[Envelope]) -> list[tuple[bool, Any]]:
    """As admission asks: with the key object the signer's record holds."""
    return [
        (found.verify(RECORD.public_key, e, e.signatures[0].sig), _plain(found.checked(i)))
        for i, e in enumerate(envelopes)
    ]


def _expected(envelopes: list[Envelope]) -> list[tuple[bool, Any]]:
    return [
        (signature_verifies(RECORD.public_key, e, e.signatures[0].sig), _plain(Checked.of(e)))
        for e in envelopes
    ]


def _plain(checked: Checked) -> tuple[Any, ...]:
    """Comparable (a refusal is an exception: equal only to itself)."""
    refusal = checked.precheck.refusal
    return (
        checked.document,
        checked.leaf_hash,
        checked.precheck.entry_size,
        checked.precheck.statement,
        None if refusal is None else (refusal.kind, refusal.detail, refusal.extensions),
    )


@pytest.mark.parametrize("count", [3, 40, 300], ids=["inline", "threads", "processes"])
def test_whoever_works_them_out_the_checks_are_the_same(
    checks: StatelessChecks, count: int
) -> None:
    envelopes = _envelopes(count)
    expected = _expected(envelopes)
    assert _answers(checks.start(_signer_of, envelopes), envelopes) == expected
    assert [verdict for verdict, _ in expected].count(False) == len(range(0, count, 3))
    refused = [found for _, found in expected if found[4] is not None]
    assert len(refused) == len({*range(0, count, 5), *range(0, count, 7)})
    assert (checks._process_pool is not None) == (count >= 128)


def test_a_worker_process_that_dies_costs_nothing_but_time(checks: StatelessChecks) -> None:
    envelopes = _envelopes(300)
    expected = _expected(envelopes)
    assert _answers(checks.start(_signer_of, envelopes), envelopes) == expected
    dead = checks._process_pool
    assert dead is not None
    for pid in list(dead._processes):
        os.kill(pid, signal.SIGKILL)
    for _ in range(3):  # worked out here while the pool is broken, then by a new one
        assert _answers(checks.start(_signer_of, envelopes), envelopes) == expected
    assert checks._process_pool is not None
    assert checks._process_pool is not dead


def test_signatures_by_keys_not_yet_known_are_checked_inline(checks: StatelessChecks) -> None:
    envelopes = _envelopes(300)
    found = checks.start(lambda keyid: None, envelopes)  # enrolled later in the request
    assert _answers(found, envelopes) == _expected(envelopes)


def test_a_verdict_is_used_only_for_the_key_object_it_was_worked_out_for(
    checks: StatelessChecks,
) -> None:
    envelopes = _envelopes(300)
    found = checks.start(_signer_of, envelopes)
    stranger = STRANGER.public_key()  # asked with another key: checked again, with that key
    assert [found.verify(stranger, e, e.signatures[0].sig) for e in envelopes] == [
        signature_verifies(stranger, e, e.signatures[0].sig) for e in envelopes
    ]


Reading = Callable[[StatelessChecks, list[Any]], tuple[list[Envelope], Checks] | None]
READINGS: dict[str, Reading] = {
    "in workers": lambda checks, documents: checks.start_batch(_signer_of, documents),
    "chunk by chunk": lambda checks, documents: checks.start_reading(_signer_of, documents),
}


@pytest.fixture(params=READINGS)
def reading(request: pytest.FixtureRequest) -> Reading:
    """Either way of reading a batch body's items along with their checks."""
    return READINGS[request.param]


def test_a_batch_body_read_with_its_checks_is_the_batch_read_here(
    checks: StatelessChecks, reading: Reading
) -> None:
    envelopes = _envelopes(300)
    documents = [e.to_json() for e in envelopes]
    for document in documents[::2]:  # the same envelopes, spelt in other orders
        document["signatures"] = [dict(reversed(s.items())) for s in document["signatures"]]
    documents[::3] = [dict(reversed(d.items())) for d in documents[::3]]
    read = reading(checks, documents)
    assert read is not None
    found_envelopes, found = read
    assert found_envelopes == envelopes
    assert _answers(found, found_envelopes) == _expected(envelopes)
    stored = [found.checked(i).document for i in range(len(envelopes))]
    assert [json.dumps(d) for d in stored] == [json.dumps(e.to_json()) for e in envelopes]
    in_order = [i for i in range(len(envelopes)) if i % 2 and i % 3]
    assert all(stored[i] is documents[i] for i in in_order)  # taken as it came


def test_the_workers_reading_a_batch_body_say_what_each_statement_names(
    checks: StatelessChecks,
) -> None:
    envelopes = _envelopes(300)
    read = checks.start_batch(_signer_of, [e.to_json() for e in envelopes])
    assert read is not None
    statements = [Checked.of(e).precheck.statement for e in envelopes]
    assert read[1].names == [
        None if s is None else (s.type, s.subject, referenced(s.data)) for s in statements
    ]
    assert None in read[1].names


@pytest.mark.parametrize(
    "item",
    [
        {"payload": 1},
        {"payloadType": "t", "payload": "x" * 70_000, "signatures": []},  # over 64 KiB
        [],
    ],
    ids=["malformed", "too large", "not an object"],
)
def test_a_batch_body_with_an_item_refused_is_left_to_the_caller(
    checks: StatelessChecks, reading: Reading, item: Any
) -> None:
    """The caller reads it again and words the refusals (services/api/body.py)."""
    documents: list[Any] = [e.to_json() for e in _envelopes(300)]
    documents[200] = item
    assert reading(checks, documents) is None


def test_a_batch_body_the_workers_cannot_be_sent_is_left_to_the_caller(
    checks: StatelessChecks,
) -> None:
    """An item nested beyond what pickle can write (the API refuses such a body before it
    gets here): the pickling error is the item's future's, and the caller reads it."""
    documents: list[Any] = [e.to_json() for e in _envelopes(300)]
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    documents[200] = {"payloadType": "t", "payload": deep, "signatures": []}
    assert checks.start_batch(_signer_of, documents) is None


def test_a_small_batch_body_is_read_by_the_caller(
    checks: StatelessChecks, reading: Reading
) -> None:
    assert reading(checks, [e.to_json() for e in _envelopes(100)]) is None
    assert checks._process_pool is None


def test_a_worker_that_dies_while_a_batch_body_is_read_costs_nothing_but_time(
    checks: StatelessChecks, reading: Reading
) -> None:
    envelopes = _envelopes(300)
    documents = [e.to_json() for e in envelopes]
    assert reading(checks, documents) is not None
    dead = checks._process_pool
    assert dead is not None
    for pid in list(dead._processes):
        os.kill(pid, signal.SIGKILL)
    # Left to the caller, or worked out here, while the pool is broken (a request waits for
    # its answers, by which time the pool knows); then by a new one.
    expected = _expected(envelopes)
    for _ in range(5):
        result = reading(checks, documents)
        assert result is None or _answers(result[1], result[0]) == expected
        if result is not None and checks._process_pool not in (None, dead):
            break
    assert checks._process_pool is not None
    assert checks._process_pool is not dead
