"""The ingest benchmarks' warm-up (``bench.ingest.warm_up``), against a real server: it records
its batches before any measured load (the first starts the server's check workers) and answers
each batch's seconds; batches the server refuses stop the benchmark instead of passing for a
warm server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.cpu_split import tree_size
from bench.ingest import BATCH, warm_up
from infra.keys import load_private_key
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


def test_the_warm_up_records_its_batches_and_times_each(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}").start()
    try:
        operator, publisher = (
            load_private_key(tmp_path / "keys" / "operator"),
            Ed25519PrivateKey.generate(),
        )
        httpx.post(
            f"{server.url}/v1/events", json=enrolment(operator, publisher, "acme", ["publisher"])
        ).raise_for_status()
        before = tree_size(server.url)
        documents = [
            artefact(publisher, f"acme/w/{i}", "code", "training-code") for i in range(2 * BATCH)
        ]

        seconds = warm_up(server.port, documents)

        assert len(seconds) == 2
        assert all(s > 0 for s in seconds)
        assert tree_size(server.url) == before + 2 * BATCH
    finally:
        server.stop()


def test_a_refused_warm_up_batch_stops_the_benchmark(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}").start()
    try:
        stranger = Ed25519PrivateKey.generate()  # never enrolled: every batch is refused
        documents = [artefact(stranger, f"acme/w/{i}", "code", "training-code") for i in range(3)]

        with pytest.raises(RuntimeError, match="not all recorded"):
            warm_up(server.port, documents)
    finally:
        server.stop()
