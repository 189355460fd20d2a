"""A batch of envelopes is read along with its checks (services/write/stateless_checks.py):
by the check workers while the write path is busy (``start_batch``), here a chunk at a time,
each chunk's checks starting as it is read, while it is idle (``start_reading``). What it
records, and how it is refused, are exactly what the serving process's plain reading gives."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.envelope import Envelope
from domain.ledger_records import SignerRecord
from services.api.app import create_app
from services.api.routes.events import record_batch
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


def _readings(services: LedgerServices) -> list[tuple[str, bool]]:
    """For each batch read since: which way, and whether it was read that way (False: left to
    the plain reading). The methods are wrapped, not replaced."""
    checks, seen = services.submission._checks, []
    in_workers, chunk_by_chunk = checks.start_batch, checks.start_reading

    def watch(name: str, method: _Reading) -> _Reading:
        def watched(
            signer_of: Callable[[str], SignerRecord | None], documents: list[Any]
        ) -> tuple[list[Envelope], Checks] | None:
            read = method(signer_of, documents)
            seen.append((name, read is not None))
            return read

        return watched

    checks.start_batch = watch("in workers", in_workers)  # type: ignore[method-assign,assignment]
    checks.start_reading = watch("here", chunk_by_chunk)  # type: ignore[method-assign,assignment]
    return seen


_Reading = Callable[
    [Callable[[str], SignerRecord | None], list[Any]], tuple[list[Envelope], Checks] | None
]


def _post_while_busy(
    client: TestClient, services: LedgerServices, body: Any, seen: list[tuple[str, bool]]
) -> Any:
    """Post ``body`` while another request holds the write lock, which it releases once the
    batch has been read (``seen`` grows)."""
    lock, before = services.submission._write_lock, len(seen)
    answer: list[Any] = []
    with lock:
        poster = threading.Thread(
            target=lambda: answer.append(client.post("/v1/events:batch", json=body))
        )
        poster.start()
        deadline = time.monotonic() + 60
        while len(seen) == before and poster.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
    poster.join(timeout=60)
    return answer[0]


def _batch(cast: Cast, tag: str) -> list[dict[str, Any]]:
    return [artefact(cast.acme, f"acme/{tag}/{i}", "code", "training-code") for i in range(SIZE)]


@pytest.fixture
def enrolled(
    served: tuple[TestClient, LedgerServices], cast: Cast
) -> tuple[TestClient, LedgerServices, list[tuple[str, bool]]]:
    """The cast enrolled, and every batch read from then on watched (:func:`_readings`)."""
    client, services = served
    post_all(client, cast.enrolments())
    return client, services, _readings(services)


def test_a_batch_is_recorded_alike_whichever_way_it_is_read(
    enrolled: tuple[TestClient, LedgerServices, list[tuple[str, bool]]], cast: Cast
) -> None:
    client, services, seen = enrolled
    busy = _post_while_busy(client, services, {"envelopes": _batch(cast, "busy")}, seen)
    idle = client.post("/v1/events:batch", json={"envelopes": _batch(cast, "idle")})
    assert seen == [("in workers", True), ("here", True)]
    assert busy.status_code == idle.status_code == 201
    first = len(cast.enrolments())
    assert [e["leaf_index"] for e in busy.json()["events"]] == list(range(first, first + SIZE))
    assert [e["leaf_index"] for e in idle.json()["events"]] == list(
        range(first + SIZE, first + 2 * SIZE)
    )
    again = _post_while_busy(client, services, {"envelopes": _batch(cast, "busy")}, seen)
    assert again.status_code == 201  # repeats: the original records, nothing written
    assert _records(again) == _records(busy)
    assert seen[2:] == [("in workers", True)]
    assert log_length(client) == first + 2 * SIZE


def _records(response: Any) -> list[dict[str, Any]]:
    """The records of a batch's answer, without their receipts (to the log's head then)."""
    return [{k: v for k, v in e.items() if k != "receipt"} for e in response.json()["events"]]


def test_a_batch_refused_while_busy_is_refused_as_when_idle(
    enrolled: tuple[TestClient, LedgerServices, list[tuple[str, bool]]], cast: Cast
) -> None:
    client, services, seen = enrolled
    before = log_length(client)
    documents: list[Any] = _batch(cast, "bad")
    documents[150] = {**documents[150], "payload": "not base64!"}
    documents[250] = {"payload": 1}
    busy = _post_while_busy(client, services, {"envelopes": documents}, seen)
    idle = client.post("/v1/events:batch", json={"envelopes": documents})
    assert seen == [("in workers", False), ("here", False)]  # worded by the plain reading
    assert busy.status_code == idle.status_code == 400
    assert busy.json() == idle.json()
    assert [e["index"] for e in busy.json()["errors"]] == [150, 250]
    assert log_length(client) == before


def test_the_way_a_batch_is_read_can_be_chosen_as_bench_instructions_chooses_it(
    enrolled: tuple[TestClient, LedgerServices, list[tuple[str, bool]]], cast: Cast
) -> None:
    """``bench.instructions`` counts both ways by handing ``record_batch`` the busy way's
    reader: the workers read the items, as ``Submission.read_batch`` has them do while the write
    path is busy; without one, ``read_batch`` finds it idle and reads them here."""
    _, services, seen = enrolled
    busy = functools.partial(services.checks.start_batch, services.view.signer)

    chosen = record_batch(
        services, json.dumps({"envelopes": _batch(cast, "chosen")}).encode(), busy
    )
    default = record_batch(services, json.dumps({"envelopes": _batch(cast, "default")}).encode())

    assert seen == [("in workers", True), ("here", True)]
    first = len(cast.enrolments())
    assert [r.leaf.leaf_index for r, _ in chosen] == list(range(first, first + SIZE))
    assert [r.leaf.leaf_index for r, _ in default] == list(range(first + SIZE, first + 2 * SIZE))
    assert all(r.created for r, _ in chosen + default)
