"""Audit benchmark against PostgreSQL on loopback (issue: the verifiable log).

On one fresh database holding a ledger of 100,000 events, prints from one run:
- audit throughput (``provenance audit`` logic, from the server over HTTP and straight from the
  database) in events/s, and its ratio to the single-core Ed25519 verify rate (OpenSSL, measured
  before and after the audits, as this machine's speed drifts; aim >= 1.0, goal 1.5). The
  auditor checks pages in one worker process per core while its own process replays the
  rules, and recomputes the answers in forked workers. The server is the issue-9 deployment
  settled: ``--projection external`` with the answers current, so no start-up replay of the
  log competes with the audit. For the audit from the server, each part's CPU an event and the
  cores' idle time (``bench.audit_cpu``);
- the time to verify a bundle of about 1,000 entries offline;
- inclusion-proof latency at 10^3, 10^5 and 10^6 leaves: in the tree itself, and over HTTP for
  tree sizes 10^3 and 10^5 of this ledger (flat means O(log n)).

Usage: ``python -m bench.audit [--events 100000] [--admin-url postgresql://…/postgres]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.audit_cpu import CpuReading, cpu_line
from bench.database import ADMIN_URL, fresh_database
from bench.http_load import run_load
from bench.ingest import verify_rate
from bench.interpreter import interpreter_line
from bench.synthetic import synthetic_model
from domain.bundle.verify import verify_bundle
from domain.envelope import parse_envelope
from domain.merkle import MerkleTree
from infra.keys import load_private_key, load_public_key
from infra.persistence import persistence_env
from services.audit.auditor import Auditor, AuditReport
from services.audit.sources import AuditSource, DatabaseSource, ServerSource
from services.ledger_services import open_ledger
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


def populate(database_url: str, workdir: Path, events: int) -> tuple[str, int]:
    """Record about ``events`` statements through the services, in 1,000-envelope batches;
    return the id of a model whose bundle has about 1,000 entries, and the ledger size."""
    operator = load_private_key(workdir / "keys" / "operator")
    log_key = load_private_key(workdir / "keys" / "log")
    publisher = Ed25519PrivateKey.generate()
    ledger = open_ledger(
        persistence_env(database_url),
        [operator.public_key()],
        "localhost/provenance-ledger",
        log_key,
    )
    try:
        small, documents = synthetic_model(publisher, "bundle", 100, 790)
        pending = [enrolment(operator, publisher, "synth", ["publisher"]), *documents]
        model = 0
        while ledger.view.size + len(pending) < events:
            pending += synthetic_model(publisher, f"m{model}", 1000, 8000)[1]
            model += 1
            while len(pending) >= 1000:
                batch, pending = pending[:1000], pending[1000:]
                ledger.submission.submit([parse_envelope(d) for d in batch])
        for start in range(0, len(pending), 1000):
            ledger.submission.submit([parse_envelope(d) for d in pending[start : start + 1000]])
        return small, ledger.view.size
    finally:
        ledger.close()


def audit(source: AuditSource, workdir: Path) -> tuple[float, AuditReport]:
    log_key = load_public_key(workdir / "keys" / "log.pub")
    operator = load_public_key(workdir / "keys" / "operator.pub")
    started = time.perf_counter()
    try:
        report = Auditor(source, [log_key], [operator]).run(None)
    finally:
        source.close()
    return time.perf_counter() - started, report


def proof_latency_in_tree(size: int, samples: int = 2000) -> float:
    tree = MerkleTree()
    for i in range(size):
        tree.append(hashlib.sha256(i.to_bytes(8, "big")).digest())
    indices = [random.randrange(size) for _ in range(samples)]
    started = time.perf_counter()
    for index in indices:
        tree.inclusion_proof(index, size)
    return (time.perf_counter() - started) / samples


def proof_latency_http(port: int, tree_size: int) -> float:
    paths = [
        f"/v1/log/proofs/inclusion?index={random.randrange(tree_size)}&tree_size={tree_size}"
        for _ in range(300)
    ]
    requests = [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode() for p in paths]
    result = asyncio.run(run_load("127.0.0.1", port, requests, 1, 60))
    return statistics.median(result.latencies)


def run(database_url: str, events: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        server = ServerProcess(workdir, database_url).start()  # creates the keys and schema
        server.stop()
        print(f"recording {events} events …", flush=True)
        small, size = populate(database_url, workdir, events)
        # The issue-9 deployment, settled: the server folds nothing (``--projection
        # external``) and the answers the recording stored are current, so no projection
        # warm-up (a replay of the whole log, ~7 CPU-s here) competes with the audit.
        server = ServerProcess(
            workdir, database_url, port=server.port, extra_args=("--projection", "external")
        ).start()
        key = Ed25519PrivateKey.generate()
        verify_before = verify_rate(artefact(key, "acme/x", "code", "training-code"), key, 3.0)
        try:
            assert server.process is not None
            cpu_before = CpuReading.now(server.process.pid)
            http_audit = audit(ServerSource(server.url), workdir)
            cpu_after = CpuReading.now(server.process.pid)
            bundle = httpx.get(f"{server.url}/v1/models/{small}/bundle", timeout=300).json()
            http_proofs = {
                n: proof_latency_http(server.port, n) for n in (1_000, 100_000) if n <= size
            }
        finally:
            server.stop()
        db_audit = audit(DatabaseSource(database_url), workdir)
        log_key = load_public_key(workdir / "keys" / "log.pub")
        operator = load_public_key(workdir / "keys" / "operator.pub")
        bundle = json.loads(json.dumps(bundle))
        started = time.perf_counter()
        valid = verify_bundle(bundle, [log_key], [operator]).valid
        bundle_seconds = time.perf_counter() - started
    verify_after = verify_rate(bundle["entries"][1]["envelope"], Ed25519PrivateKey.generate(), 3.0)
    verify = (verify_before + verify_after) / 2  # this machine's speed drifts: both ends
    cores = min(2, os.cpu_count() or 1)
    print(f"\n{interpreter_line()}")
    print(
        f"ledger: {size} events; single-core Ed25519 verify (OpenSSL): {verify:.0f}/s "
        f"(before {verify_before:.0f}, after {verify_after:.0f}); cores: {cores}"
    )
    print("server: --projection external, answers current (no start-up replay running)")
    for name, (seconds, report) in (("server (HTTP)", http_audit), ("database", db_audit)):
        rate, replay = report.entries / seconds, report.entries / report.replay_seconds
        print(
            f"audit from the {name}: {report.entries} events in {seconds:.1f} s "
            f"({'passed' if report.passed else 'FAILED'})"
        )
        print(
            f"  whole audit {rate:7.0f} events/s: ratio to verify {rate / verify:.2f} "
            f"({rate / verify / cores:.2f} per core used)"
        )
        print(
            f"  replay only {replay:7.0f} events/s: ratio to verify {replay / verify:.2f} "
            f"({replay / verify / cores:.2f} per core used); answers of {report.models} models "
            f"x 3 policies recomputed in {report.answers_seconds:.1f} s"
        )
        if report is http_audit[1]:
            print(cpu_line(cpu_before, cpu_after, report.entries, verify, cores))
    print(
        f"bundle verify: {len(bundle['entries'])} entries in {1000 * bundle_seconds:.0f} ms "
        f"({'valid' if valid else 'INVALID'})"
    )
    for n in (1_000, 100_000, 1_000_000):
        print(
            f"inclusion proof at {n:>9} leaves: {1e6 * proof_latency_in_tree(n):6.1f} us in the "
            "tree" + (f"; {1000 * http_proofs[n]:.2f} ms p50 over HTTP" if n in http_proofs else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with fresh_database(args.admin_url, "bench_audit") as database_url:
        run(database_url, args.events)


if __name__ == "__main__":
    main()
