"""Signature checks beside admission (services/write/verification.py): in worker processes for
batches, on threads for mid-sized requests, inline for the rest; every verdict is
``signature_verifies``'s, whoever gives it, and a worker that dies costs nothing but time."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.admission import Verify
from domain.envelope import (
    STATEMENT_PAYLOAD_TYPE,
    Envelope,
    Signature,
    keyid_for,
    sign_envelope,
    signature_verifies,
)
from domain.ledger_records import SignerRecord
from services.write.verification import ParallelVerifier

SIGNER, STRANGER = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
RECORD = SignerRecord(
    keyid_for(SIGNER.public_key()), SIGNER.public_key(), "acme", frozenset({"publisher"})
)


def _envelopes(count: int) -> list[Envelope]:
    """Every third signed by a key that is not the one its keyid names (does not verify)."""
    envelopes = []
    for i in range(count):
        signed = sign_envelope(STATEMENT_PAYLOAD_TYPE, b'{"n":%d}' % i, [SIGNER])
        if i % 3 == 0:
            forged = sign_envelope(STATEMENT_PAYLOAD_TYPE, signed.payload, [STRANGER])
            signature = Signature(RECORD.keyid, forged.signatures[0].sig)
            signed = Envelope(signed.payload_type, signed.payload, (signature,))
        envelopes.append(signed)
    return envelopes


def _signer_of(keyid: str) -> SignerRecord | None:
    return RECORD if keyid == RECORD.keyid else None


@pytest.fixture
def verifier() -> Iterator[ParallelVerifier]:
    checks = ParallelVerifier(workers=2, processes=1)
    yield checks
    checks.close()


def _verdicts(verify: Verify, envelopes: list[Envelope]) -> list[bool]:
    """As admission asks: with the key object the signer's record holds."""
    return [verify(RECORD.public_key, e, e.signatures[0].sig) for e in envelopes]


@pytest.mark.parametrize("count", [3, 40, 300], ids=["inline", "threads", "processes"])
def test_every_verdict_is_signature_verifies_whoever_checks(
    verifier: ParallelVerifier, count: int
) -> None:
    envelopes = _envelopes(count)
    verify = verifier.prepare(_signer_of, envelopes)
    expected = [signature_verifies(RECORD.public_key, e, e.signatures[0].sig) for e in envelopes]
    assert _verdicts(verify, envelopes) == expected
    assert expected.count(False) == len(range(0, count, 3))
    assert (verifier._process_pool is not None) == (count >= 256)


def test_a_worker_process_that_dies_costs_nothing_but_time(verifier: ParallelVerifier) -> None:
    envelopes = _envelopes(300)
    expected = [signature_verifies(RECORD.public_key, e, e.signatures[0].sig) for e in envelopes]
    assert _verdicts(verifier.prepare(_signer_of, envelopes), envelopes) == expected
    dead = verifier._process_pool
    assert dead is not None
    for pid in list(dead._processes):
        os.kill(pid, signal.SIGKILL)
    for _ in range(3):  # checked here while the pool is broken, then by a new one
        assert _verdicts(verifier.prepare(_signer_of, envelopes), envelopes) == expected
    assert verifier._process_pool is not None
    assert verifier._process_pool is not dead


def test_signatures_by_keys_not_yet_known_are_checked_inline(verifier: ParallelVerifier) -> None:
    envelopes = _envelopes(300)
    verify = verifier.prepare(lambda keyid: None, envelopes)  # enrolled later in the request
    assert verifier._process_pool is None
    expected = [signature_verifies(RECORD.public_key, e, e.signatures[0].sig) for e in envelopes]
    assert _verdicts(verify, envelopes) == expected
