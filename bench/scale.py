"""Scale benchmark on PostgreSQL (issue 13): does a server stay constant-time to start and
bounded in memory as its ledger grows?

One database grows through 10^4, 10^5 and 10^6 events (recorded through the services in
1,000-envelope batches, progress printed). At each size a fresh ``provenance serve
--projection external`` is started and measured:

- seconds until ``/readyz`` answers 200;
- resident memory (VmRSS) of the server after a read and a write;
- single-event writes per second (sequential ``POST /v1/events``);
- p50 and p99 latency of ``GET /v1/log/proofs/inclusion`` for random leaves of the whole tree.

Each figure is also printed as a ratio to the first size's, which is what the aims are stated
in (ready time and memory at 10^6 at most 2x those at 10^4; write and proof rates within 20%).

Usage: ``python -m bench.scale [--sizes 10000,100000,1000000] [--admin-url …]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.database import ADMIN_URL, fresh_database
from bench.http_load import run_load
from bench.interpreter import interpreter_line
from bench.synthetic import synthetic_model
from domain.envelope import parse_envelope
from infra.keys import load_private_key
from infra.persistence import persistence_env
from services.ledger_services import LedgerServices, open_ledger
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess

ORIGIN = "localhost/provenance-ledger"
BATCH = 1000


@dataclass
class Figures:
    size: int
    ready_seconds: float
    rss_mib: float
    writes_per_second: float
    proof_p50_ms: float
    proof_p99_ms: float


class Populator:
    """Grows one ledger through the services, as fast as batches go."""

    def __init__(
        self, database_url: str, workdir: Path, publisher: Ed25519PrivateKey | None = None
    ) -> None:
        operator = load_private_key(workdir / "keys" / "operator")
        self.publisher = publisher or Ed25519PrivateKey.generate()
        self._ledger: LedgerServices = open_ledger(
            persistence_env(database_url),
            [operator.public_key()],
            ORIGIN,
            load_private_key(workdir / "keys" / "log"),
            projection="external",  # nothing folded: the servers measured fold nothing either
        )
        self._pending: list[dict[str, Any]] = (
            [] if publisher else [enrolment(operator, self.publisher, "synth", ["publisher"])]
        )
        self._model = self.size  # model names stay unique across populators

    @property
    def size(self) -> int:
        return self._ledger.view.size

    def grow_to(self, events: int) -> None:
        started, last_report, first = time.monotonic(), time.monotonic(), self.size
        while self.size < events:
            while len(self._pending) < BATCH:
                self._pending += synthetic_model(self.publisher, f"m{self._model}", 1000, 8000)[1]
                self._model += 1
            take = min(BATCH, events - self.size)
            batch, self._pending = self._pending[:take], self._pending[take:]
            self._ledger.submission.submit([parse_envelope(d) for d in batch])
            if time.monotonic() - last_report > 10:
                last_report = time.monotonic()
                rate = (self.size - first) / (last_report - started)
                print(f"  … {self.size} events ({rate:.0f}/s since this size began)", flush=True)

    def close(self) -> None:
        self._ledger.close()


def _settle(database_url: str) -> None:
    """Let PostgreSQL write out what the bulk load left dirty before measuring, so the
    measurement does not pay for it (a checkpoint, then a quiet moment)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
        connection.execute("VACUUM ANALYZE")
    time.sleep(5)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(database_url: str, workdir: Path, publisher: Ed25519PrivateKey, size: int) -> Figures:
    server = ServerProcess(workdir, database_url, extra_args=("--projection", "external"))
    started = time.perf_counter()
    server.start(timeout=3600)
    ready = time.perf_counter() - started
    assert server.process is not None
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            client.get("/v1/log/checkpoint").raise_for_status()
            client.get(f"/v1/log/proofs/inclusion?index=0&tree_size={size}").raise_for_status()
            writes = [
                artefact(publisher, f"scale/{size}/{i}", "code", "training-code")
                for i in range(400)
            ]
            began = time.perf_counter()
            for document in writes:
                client.post("/v1/events", json=document).raise_for_status()
            write_rate = len(writes) / (time.perf_counter() - began)
            rss = _rss_mib(server.process.pid)
        paths = [
            f"/v1/log/proofs/inclusion?index={random.randrange(size)}&tree_size={size}"
            for _ in range(3000)
        ]
        requests = [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() for p in paths]
        result = asyncio.run(run_load("127.0.0.1", server.port, requests, 1, 120))
        latencies = sorted(result.latencies)
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    finally:
        server.stop()
    return Figures(size, ready, rss, write_rate, p50, p99)


def run(admin_url: str, sizes: list[int]) -> list[Figures]:
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory() as directory, fresh_database(admin_url, "scale") as url:
        workdir = Path(directory)
        ServerProcess(workdir, url).start().stop()  # creates the keys and the schema
        populator = Populator(url, workdir)
        try:
            for size in sizes:
                print(f"recording up to {size} events …", flush=True)
                populator.grow_to(size)
                populator.close()
                _settle(url)
                figures.append(measure(url, workdir, populator.publisher, populator.size))
                print(_row(figures[-1], figures[0]), flush=True)
                populator = Populator(url, workdir, populator.publisher)
        finally:
            populator.close()
    return figures


def _row(f: Figures, base: Figures) -> str:
    ready = f.ready_seconds / base.ready_seconds
    rss = f.rss_mib / base.rss_mib
    writes = f.writes_per_second / base.writes_per_second
    p50 = f.proof_p50_ms / base.proof_p50_ms
    proof = f.proof_p99_ms / base.proof_p99_ms
    return (
        f"{f.size:>9} events | ready {f.ready_seconds:6.2f} s ({ready:4.2f}x)"
        f" | RSS {f.rss_mib:6.1f} MiB ({rss:4.2f}x)"
        f" | writes {f.writes_per_second:6.1f}/s ({writes:4.2f}x)"
        f" | proof p50 {f.proof_p50_ms:5.2f} ms ({p50:4.2f}x)"
        f" p99 {f.proof_p99_ms:6.2f} ms ({proof:4.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    args = parser.parse_args()
    figures = run(args.admin_url, [int(s) for s in args.sizes.split(",")])
    print(f"\n{interpreter_line()}")
    print("\n".join(_row(f, figures[0]) for f in figures))


if __name__ == "__main__":
    main()
