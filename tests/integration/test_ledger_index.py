"""A server opens from the ledger index, not by replaying the log (issue 13), and a ledger
written before the index is indexed once, agreeing with its last signed checkpoint."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.envelope import parse_envelope
from infra.event_log import CommittedLeaf, EventLog
from infra.persistence import persistence_env
from services.demo.examples import demo_envelopes, examples_directory, load_examples
from services.ledger_services import open_ledger
from services.ledger_view import LedgerView
from tests.backends import ORIGIN, Backend
from tests.builders import artefact, enrolment, envelope

MODEL = "microsoft/phi-2@2023-12-12"


@pytest.fixture
def decoded_leaves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every leaf any event log decodes from the store, by index."""
    seen: list[int] = []
    original = EventLog._decode

    def counting(self: EventLog, stored: Any, position: int) -> Any:
        committed = original(self, stored, position)
        if isinstance(committed, CommittedLeaf):
            seen.append(committed.leaf_index)
        return committed

    monkeypatch.setattr(EventLog, "_decode", counting)
    return seen


def _record_demo(backend: Backend, operator: Ed25519PrivateKey) -> int:
    ledger = backend.open([operator.public_key()])
    documents, _ = demo_envelopes(load_examples(examples_directory()), operator)
    ledger.submission.submit([parse_envelope(d) for d in documents])
    size = ledger.view.size
    backend.close_all()
    return size


def _drop_index(url: str) -> None:
    """Make the ledger look like one written before the index existed."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            for table in ("ledger_leaves", "ledger_tiles", "ledger_state"):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608
        return
    with psycopg.connect(url, autocommit=True) as connection:
        for table in ("leaves", "tiles", "state"):
            connection.execute(f"DELETE FROM provenanceledger_{table}")  # noqa: S608


def _open_view(url: str, operator: Ed25519PrivateKey) -> LedgerView:
    view = LedgerView(EventLog(persistence_env(url), ORIGIN), [operator.public_key()])
    view.catch_up()
    return view


def test_a_server_opens_without_reading_the_log(
    database_url: str, decoded_leaves: list[int]
) -> None:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    size = _record_demo(backend, operator)
    decoded_leaves.clear()
    view = _open_view(database_url, operator)
    assert view.size == size
    assert decoded_leaves == []  # nothing replayed: the index answered
    checkpoint = view.checkpoint()
    assert checkpoint is not None
    assert checkpoint.tree_size == size
    assert view.root(size).hex() == checkpoint.root
    view.log.close()
    if database_url.startswith("postgresql"):  # a server whose answers a worker keeps
        ledger = open_ledger(
            persistence_env(database_url),
            [operator.public_key()],
            ORIGIN,
            backend.log_key,
            projection="external",
        )
        assert decoded_leaves == []
        assert ledger.assessments.recompute(MODEL, None, None, "default").evidence
        ledger.close()


def test_a_ledger_written_before_the_index_is_indexed_once_and_agrees(
    database_url: str, decoded_leaves: list[int]
) -> None:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    size = _record_demo(backend, operator)
    ledger = backend.open([operator.public_key()])
    before = ledger.assessments.recompute(MODEL, None, None, "default").body
    proof = ledger.view.inclusion_proof(3, size)
    models = ledger.view.models()
    backend.close_all()

    _drop_index(database_url)
    decoded_leaves.clear()
    ledger = backend.open([operator.public_key()])
    ledger.view.catch_up()
    assert sorted(set(decoded_leaves)) == list(range(size))  # indexed from the log
    assert ledger.log.halted is None
    checkpoint = ledger.view.checkpoint()
    assert checkpoint is not None
    assert ledger.view.root(checkpoint.tree_size).hex() == checkpoint.root
    assert ledger.view.inclusion_proof(3, size) == proof
    assert ledger.view.models() == models
    assert ledger.assessments.recompute(MODEL, None, None, "default").body == before
    backend.close_all()

    decoded_leaves.clear()
    view = _open_view(database_url, operator)
    assert decoded_leaves == []  # and never again
    view.log.close()


def test_leaves_an_older_version_wrote_without_index_rows_are_indexed_when_followed(
    database_url: str,
) -> None:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    size = _record_demo(backend, operator)
    reader = backend.open([operator.public_key()])
    older = backend.open([operator.public_key()])
    recorder: Any = older.events._app.recorder
    recorder.index.write_with = lambda *_: None  # writes no index rows, as before the index
    publisher = Ed25519PrivateKey.generate()
    older.submission.submit(
        [
            parse_envelope(enrolment(operator, publisher, "acme", ["publisher"])),
            parse_envelope(artefact(publisher, "acme/old-writer", "code", "training-code")),
        ]
    )
    reader.view.catch_up()
    assert reader.view.size == size + 2
    assert reader.view.leaf(size + 1).subject == "acme/old-writer"
    record = reader.view.subject("acme/old-writer")
    assert record is not None
    assert record.owner == "acme"
    grant = envelope(publisher, "LicenceGranted", "acme/old-writer", {"licence": "MIT"})
    (granted,) = reader.submission.submit([parse_envelope(grant)])
    assert granted.created
    checkpoint = reader.view.checkpoint()
    assert checkpoint is not None
    assert reader.view.root(checkpoint.tree_size).hex() == checkpoint.root
    backend.close_all()
