"""The batch loads' supply of pre-signed batches (``bench.ingest.post_batches``), against a
real server: a load whose clients run out of batches is finished by fewer and fewer of them,
which lowers its rate, so it says so; one that runs out before half its time is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.ingest import BATCH, batch_requests, post_batches
from infra.keys import load_private_key
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


@pytest.fixture
def enrolled(tmp_path: Path) -> Iterator[tuple[ServerProcess, Ed25519PrivateKey]]:
    server = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}").start()
    try:
        operator = load_private_key(tmp_path / "keys" / "operator")
        publisher = Ed25519PrivateKey.generate()
        httpx.post(
            f"{server.url}/v1/events", json=enrolment(operator, publisher, "acme", ["publisher"])
        ).raise_for_status()
        yield server, publisher
    finally:
        server.stop()


def _requests(server: ServerProcess, publisher: Ed25519PrivateKey, batches: int) -> list[bytes]:
    documents = [
        artefact(publisher, f"acme/l/{i}", "code", "training-code") for i in range(batches * BATCH)
    ]
    return batch_requests(server.port, documents)


def test_a_load_that_runs_out_of_batches_late_says_so(
    enrolled: tuple[ServerProcess, Ed25519PrivateKey], capsys: pytest.CaptureFixture[str]
) -> None:
    server, publisher = enrolled
    requests = _requests(server, publisher, 2)

    # Each client takes its batch at once, long before the time is up; the answers come after.
    result = post_batches(server.port, requests, 0.05, clients=2)

    assert result.completed == 2
    assert "ran out of pre-signed batches after" in capsys.readouterr().out


def test_a_load_that_outlasts_its_time_says_nothing(
    enrolled: tuple[ServerProcess, Ed25519PrivateKey], capsys: pytest.CaptureFixture[str]
) -> None:
    server, publisher = enrolled
    requests = _requests(server, publisher, 3)

    result = post_batches(server.port, requests, 0.01, clients=1)  # stops after the first

    assert result.completed < 3
    assert "ran out" not in capsys.readouterr().out


def test_a_load_that_runs_out_before_half_its_time_is_refused(
    enrolled: tuple[ServerProcess, Ed25519PrivateKey],
) -> None:
    server, publisher = enrolled
    requests = _requests(server, publisher, 1)

    with pytest.raises(RuntimeError, match="too early"):
        post_batches(server.port, requests, 60, clients=1)
