"""A batch that arrives while the write path is busy is read by the check workers
(services/write/stateless_checks.py ``start_batch``), not by the serving process: what it
records, and how it is refused, are exactly what the serving process's own reading gives."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.envelope import Envelope
from domain.ledger_records import SignerRecord
from services.api.app import create_app
from services.ledger_services import LedgerServices
from services.write.stateless_checks import Checks
from tests.api.conftest import log_length, post_all
from tests.backends import Backend
from tests.builders import Cast, artefact

SIZE = 300  # above the size at which a batch goes to the worker processes


@pytest.fixture
def served(tmp_path: Any, cast: Cast) -> Iterator[tuple[TestClient, LedgerServices]]:
    backend = Backend("sqlite", f"sqlite:///{tmp_path}/api.db")
    services = backend.open([cast.operator.public_key()])
    with TestClient(create_app(services)) as client:
        yield client, services
    backend.close_all()


def _read_by_workers(services: LedgerServices) -> list[bool]:
    """For each batch the workers were asked to read since (only ever while the write path
    is busy), whether they read it (the method is wrapped, not replaced)."""
    submission, seen = services.submission, []
    read_batch = submission._checks.start_batch

    def watched(
        signer_of: Callable[[str], SignerRecord | None], documents: list[Any]
    ) -> tuple[list[Envelope], Checks] | None:
        read = read_batch(signer_of, documents)
        seen.append(read is not None)
        return read

    submission._checks.start_batch = watched  # type: ignore[method-assign]
    return seen


def _post_while_busy(client: TestClient, services: LedgerServices, body: Any) -> Any:
    """Post ``body`` while another request holds the write lock, which it then releases."""
    lock = services.submission._write_lock
    answer: list[Any] = []
    with lock:
        poster = threading.Thread(
            target=lambda: answer.append(client.post("/v1/events:batch", json=body))
        )
        poster.start()
        poster.join(timeout=3)  # read by then; a batch to record waits for the lock
    poster.join(timeout=60)
    return answer[0]


def _batch(cast: Cast, tag: str) -> list[dict[str, Any]]:
    return [artefact(cast.acme, f"acme/{tag}/{i}", "code", "training-code") for i in range(SIZE)]


def test_a_batch_read_by_the_workers_is_recorded_as_one_read_here(
    served: tuple[TestClient, LedgerServices], cast: Cast
) -> None:
    client, services = served
    post_all(client, cast.enrolments())
    seen = _read_by_workers(services)
    busy = _post_while_busy(client, services, {"envelopes": _batch(cast, "busy")})
    idle = client.post("/v1/events:batch", json={"envelopes": _batch(cast, "idle")})
    assert seen == [True]  # the idle write path reads the batch itself
    assert busy.status_code == idle.status_code == 201
    first = len(cast.enrolments())
    assert [e["leaf_index"] for e in busy.json()["events"]] == list(range(first, first + SIZE))
    assert [e["leaf_index"] for e in idle.json()["events"]] == list(
        range(first + SIZE, first + 2 * SIZE)
    )
    again = _post_while_busy(client, services, {"envelopes": _batch(cast, "busy")})
    assert again.status_code == 201  # repeats: the original records, nothing written
    assert _records(again) == _records(busy)
    assert seen == [True, True]
    assert log_length(client) == first + 2 * SIZE


def _records(response: Any) -> list[dict[str, Any]]:
    """The records of a batch's answer, without their receipts (to the log's head then)."""
    return [{k: v for k, v in e.items() if k != "receipt"} for e in response.json()["events"]]


def test_a_batch_refused_while_busy_is_refused_as_when_idle(
    served: tuple[TestClient, LedgerServices], cast: Cast
) -> None:
    client, services = served
    post_all(client, cast.enrolments())
    before = log_length(client)
    documents: list[Any] = _batch(cast, "bad")
    documents[150] = {**documents[150], "payload": "not base64!"}
    documents[250] = {"payload": 1}
    seen = _read_by_workers(services)
    busy = _post_while_busy(client, services, {"envelopes": documents})
    idle = client.post("/v1/events:batch", json={"envelopes": documents})
    assert seen == [False]  # refused by the workers: read and worded here
    assert busy.status_code == idle.status_code == 400
    assert busy.json() == idle.json()
    assert [e["index"] for e in busy.json()["errors"]] == [150, 250]
    assert log_length(client) == before
