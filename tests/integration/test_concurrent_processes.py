"""Several server processes over one PostgreSQL database: every acknowledged event is in the
log exactly once, leaf indices stay dense, and authorization follows the one log order."""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from domain.envelope import parse_envelope
from infra.persistence import persistence_env
from services.ledger_services import open_ledger
from tests.backends import ORIGIN, Backend
from tests.builders import Cast, artefact, envelope

pytestmark = pytest.mark.postgres

WRITERS = 4
PER_WRITER = 25


def _write(url: str, operator_pem: bytes, documents: list[dict[str, Any]], out: Any) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    operator = load_pem_private_key(operator_pem, None)
    assert isinstance(operator, Ed25519PrivateKey)
    ledger = open_ledger(
        persistence_env(url), [operator.public_key()], ORIGIN, Ed25519PrivateKey.generate()
    )
    try:
        for document in documents:
            (recorded,) = ledger.submission.submit([parse_envelope(document)])
            out.put((recorded.leaf.event_id, recorded.leaf.leaf_index))
    finally:
        ledger.close()


def test_parallel_writer_processes_lose_and_duplicate_nothing(
    backend: Backend, postgres_url: str
) -> None:
    cast = Cast()
    ledger = backend.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in cast.small_model()])
    jobs = [
        [
            envelope(
                cast.acme, "LicenceGranted", "acme/x/weights", {"licence": f"LicenseRef-P{w}-{i}"}
            )
            if i % 2
            else artefact(cast.acme, f"acme/p{w}/{i}", "code", "training-code")
            for i in range(PER_WRITER)
        ]
        for w in range(WRITERS)
    ]
    operator_pem = cast.operator.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    context = multiprocessing.get_context("spawn")
    acknowledged = context.Queue()
    processes = [
        context.Process(target=_write, args=(postgres_url, operator_pem, job, acknowledged))
        for job in jobs
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    answers = [acknowledged.get(timeout=5) for _ in range(WRITERS * PER_WRITER)]
    ledger.view.catch_up()
    leaves = [ledger.view.leaf(i) for i in range(ledger.view.size)]
    recorded = {leaf.event_id: leaf.leaf_index for leaf in leaves}
    assert len(recorded) == len(leaves) == len(cast.small_model()) + len(answers)
    for event_id, leaf_index in answers:
        assert recorded[event_id] == leaf_index
    assert sorted(recorded.values()) == list(range(len(recorded)))
    weights = ledger.reads.subject("acme/x/weights").state
    assert len(weights["licences"]) == 1 + WRITERS * (PER_WRITER // 2)


def _open_and_close(url: str, go: Any, out: Any) -> None:
    go.wait(60)
    ledger = open_ledger(persistence_env(url), [], ORIGIN, Ed25519PrivateKey.generate())
    ledger.close()
    out.put("opened")


def test_several_processes_can_create_the_schema_at_once(postgres_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    opened, go = context.Queue(), context.Event()
    processes = [
        context.Process(target=_open_and_close, args=(postgres_url, go, opened)) for _ in range(8)
    ]
    for process in processes:
        process.start()
    time.sleep(3)  # let every process import and reach the starting line
    go.set()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert [opened.get(timeout=5) for _ in processes] == ["opened"] * len(processes)
