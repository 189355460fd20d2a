"""The benchmarks' check that the projection keeps up (``bench.ingest.projection_lag``), against
a real ledger on PostgreSQL and a real ``provenance project`` worker: it counts recorded
statements only (not the log's checkpoints or its start) and returns once the stored answers
have taken in the last of them."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.ingest import projection_lag, start_worker
from domain.envelope import parse_envelope
from infra.persistence import persistence_env
from services.ledger_services import open_ledger
from tests.backends import ORIGIN
from tests.builders import Cast


def test_the_lag_counts_statements_and_ends_once_the_worker_caught_up(
    postgres_url: str, tmp_path: Path
) -> None:
    cast = Cast()
    documents = cast.small_model()
    ledger = open_ledger(
        persistence_env(postgres_url),
        [cast.operator.public_key()],
        ORIGIN,
        Ed25519PrivateKey.generate(),
        projection="external",
    )
    try:
        ledger.submission.submit([parse_envelope(d) for d in documents[:4]])
        ledger.submission.submit([parse_envelope(d) for d in documents[4:]])  # two checkpoints
    finally:
        ledger.close()

    assert projection_lag(postgres_url, limit=0.2) == (len(documents), None)  # no worker yet

    worker = start_worker(postgres_url, tmp_path)
    try:
        behind, seconds = projection_lag(postgres_url, limit=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert seconds is not None
    assert 0 <= behind <= len(documents)
    after_behind, after_seconds = projection_lag(postgres_url, limit=0)
    assert after_behind == 0
    assert after_seconds is not None
