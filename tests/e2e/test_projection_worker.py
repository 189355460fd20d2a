"""``provenance project`` keeps the stored answers in a process of its own, and a server started
with ``--projection external`` folds nothing (DESIGN.md §9, issue 9): with the worker stopped,
writes go on; started again, it catches up, and every stored answer is byte-identical to a
recomputation from the events."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from domain.assessment.policies import POLICIES
from infra.keys import load_private_key
from infra.settings import MAX_NICE
from services.demo.examples import demo_envelopes
from tests.assessment_contract import EXAMPLES, MODELS
from tests.builders import envelope
from tests.e2e.server import BIN, ServerProcess

pytestmark = pytest.mark.postgres
PHI_2 = "microsoft/phi-2@2023-12-12"


class Worker:
    def __init__(self, database_url: str, log: Path, *args: str) -> None:
        self.database_url, self.log, self.args = database_url, log, args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(BIN / "provenance"),
                    "project",
                    "--database-url",
                    self.database_url,
                    *self.args,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            assert self.process.wait(timeout=30) == 0, self.log.read_text()


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, Worker]]:
    worker = Worker(postgres_url, tmp_path / "worker.log").start()
    server = ServerProcess(tmp_path, postgres_url, extra_args=("--projection", "external"))
    server.start()
    yield server, worker
    server.stop()
    worker.stop()


def _stored(url: str) -> tuple[int, dict[tuple[str, str], bytes]]:
    with psycopg.connect(url) as connection:
        tracked = connection.execute(
            "SELECT max(notification_id) FROM assessments_tracking"
        ).fetchone()
        rows = connection.execute("SELECT model, policy, body FROM assessments_assessments")
        return (tracked[0] if tracked else None) or 0, {
            (model, policy): bytes(body) for model, policy, body in rows
        }


def _head(server: ServerProcess) -> int:
    events, after = [], 0
    while True:
        page = httpx.get(f"{server.url}/v1/events", params={"after": after, "limit": 1000}).json()
        events += page["events"]
        if page["next"] is None:
            return int(events[-1]["position"])
        after = page["next"]


def _caught_up(url: str, head: int, seconds: float = 60) -> dict[tuple[str, str], bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tracked, rows = _stored(url)
        if tracked >= head:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"the worker did not reach position {head}")


def _answers_equal_recomputation(
    server: ServerProcess, stored: dict[tuple[str, str], bytes]
) -> None:
    head = _head(server)
    for model in MODELS:
        for policy in POLICIES:
            url = f"{server.url}/v1/models/{model}/freedoms"
            answer = httpx.get(url, params={"policy": policy}).content
            recomputed = httpx.get(url, params={"policy": policy, "as_of": str(head)}).content
            assert answer == recomputed, (model, policy)
            assert stored[(model, policy)] == recomputed, (model, policy)


def test_the_worker_keeps_the_answers_and_catches_up_after_a_stop(
    deployment: tuple[ServerProcess, Worker], postgres_url: str
) -> None:
    server, worker = deployment
    operator = load_private_key(server.workdir / "keys" / "operator")
    documents, keys = demo_envelopes(EXAMPLES, operator)
    loaded = httpx.post(f"{server.url}/v1/events:batch", json={"envelopes": documents})
    assert loaded.status_code == 201
    _answers_equal_recomputation(server, _caught_up(postgres_url, _head(server)))

    worker.stop()
    grant = envelope(
        keys["microsoft"], "LicenceGranted", "microsoft/phi-2/weights", {"licence": "MIT"}
    )
    assert httpx.post(f"{server.url}/v1/events", json=grant).status_code == 201
    tracked, _ = _stored(postgres_url)
    assert tracked < _head(server)  # nothing folds the new event: the worker is stopped
    url = f"{server.url}/v1/models/{PHI_2}/freedoms"
    assert httpx.get(url).content == httpx.get(url, params={"as_of": str(_head(server))}).content

    worker.start()
    _answers_equal_recomputation(server, _caught_up(postgres_url, _head(server)))
    assert "Traceback" not in worker.log.read_text()
    assert "projected up to position" in worker.log.read_text() or "resuming" in (
        worker.log.read_text()
    )


def _niceness(pid: int) -> dict[str, int]:
    """Each thread's nice value, by thread id (Linux: field 19 of its stat line)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        found[task.name] = int(fields[16])
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_worker_started_with_nice_runs_every_thread_at_it_and_still_catches_up(
    postgres_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(tmp_path, postgres_url, extra_args=("--projection", "external"))
    server.start()
    worker = Worker(postgres_url, tmp_path / "worker.log", "--nice", "7").start()
    try:
        operator = load_private_key(server.workdir / "keys" / "operator")
        documents, _ = demo_envelopes(EXAMPLES, operator)
        loaded = httpx.post(f"{server.url}/v1/events:batch", json={"envelopes": documents})
        assert loaded.status_code == 201
        _answers_equal_recomputation(server, _caught_up(postgres_url, _head(server)))
        assert worker.process is not None
        niceness = _niceness(worker.process.pid)
        assert len(niceness) > 1  # the runner's threads, started after it lowered its priority
        assert set(niceness.values()) == {min(os.nice(0) + 7, MAX_NICE)}
        assert "(nice 7)" in worker.log.read_text()
    finally:
        server.stop()
        worker.stop()
