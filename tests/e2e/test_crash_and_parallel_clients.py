"""Durability and concurrency against a real server process.

- SIGKILL during a load: after a restart, every event the server acknowledged is in the log
  and leaf indices are dense (SQLite and PostgreSQL).
- Several client processes submitting in parallel against PostgreSQL all get answers, and
  every acknowledged event is in the log.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.keys import load_private_key
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


def _operator(server: ServerProcess) -> Ed25519PrivateKey:
    return load_private_key(server.workdir / "keys" / "operator")


def _enrol_publisher(server: ServerProcess) -> Ed25519PrivateKey:
    publisher = Ed25519PrivateKey.generate()
    document = enrolment(_operator(server), publisher, "acme", ["publisher"])
    assert httpx.post(f"{server.url}/v1/events", json=document).status_code == 201
    return publisher


def _all_leaves(url: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = httpx.get(f"{url}/v1/events", params={"after": after, "limit": 1000}).json()
        events += page["events"]
        if page["next"] is None:
            return events
        after = page["next"]


def _assert_all_recorded(url: str, acknowledged: list[str]) -> None:
    leaves = _all_leaves(url)
    assert [e["leaf_index"] for e in leaves] == list(range(len(leaves)))
    recorded = {e["event_id"] for e in leaves}
    missing = [event_id for event_id in acknowledged if event_id not in recorded]
    assert missing == []
    assert len(recorded) == len(leaves)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_sigkill_during_load_loses_no_acknowledged_event(
    tmp_path: Path, store: str, request: pytest.FixtureRequest
) -> None:
    url = "sqlite:///./ledger.db" if store == "sqlite" else request.getfixturevalue("postgres_url")
    server = ServerProcess(tmp_path, url).start()
    publisher = _enrol_publisher(server)
    documents = [
        artefact(publisher, f"acme/load/{i}", "code", "training-code") for i in range(3000)
    ]
    acknowledged: list[str] = []
    lock = threading.Lock()

    def load(mine: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for document in mine:
                try:
                    response = client.post("/v1/events", json=document)
                except httpx.HTTPError:
                    return
                if response.status_code in (200, 201):
                    with lock:
                        acknowledged.append(response.json()["event_id"])

    threads = [threading.Thread(target=load, args=(documents[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 100:
        time.sleep(0.01)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert 100 <= len(acknowledged) < len(documents), "the kill must land during the load"
    restarted = ServerProcess(tmp_path, url, port=server.port).start()
    try:
        _assert_all_recorded(restarted.url, acknowledged)
        after_crash = httpx.post(f"{restarted.url}/v1/events", json=documents[-1])
        assert after_crash.status_code in (200, 201)
    finally:
        restarted.stop()


def _client_process(url: str, documents: list[dict[str, Any]], out: Any) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        for document in documents:
            response = client.post("/v1/events", json=document)
            out.put((response.status_code, response.json().get("event_id")))


def test_parallel_client_processes_against_postgres_all_get_answers(
    tmp_path: Path, postgres_url: str
) -> None:
    server = ServerProcess(tmp_path, postgres_url).start()
    try:
        publisher = _enrol_publisher(server)
        jobs = [
            [artefact(publisher, f"acme/par/{p}/{i}", "code", "training-code") for i in range(40)]
            for p in range(6)
        ]
        context = multiprocessing.get_context("spawn")
        answers = context.Queue()
        processes = [
            context.Process(target=_client_process, args=(server.url, job, answers)) for job in jobs
        ]
        for process in processes:
            process.start()
        results = [answers.get(timeout=120) for _ in range(sum(len(j) for j in jobs))]
        for process in processes:
            process.join(timeout=30)
            assert process.exitcode == 0
        assert {status for status, _ in results} == {201}
        _assert_all_recorded(server.url, [event_id for _, event_id in results])
    finally:
        server.stop()
