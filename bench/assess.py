"""Assessment benchmark against PostgreSQL on loopback (issue: the assessment).

For synthetic models of 10, 100 and 1,000 artefacts (10 data sources per artefact, so the
largest has 10,000), prints from one run on one fresh database:
- the freedoms read from the projection over HTTP, p50/p99, and its ratio to ``GET /healthz``
  latency, the two requested alternately on one connection (2,000 of each per model size;
  aim <= 2x);
- the recompute-from-events time per event read, and its ratio to the library's raw decode
  time per event (select + ``mapper.to_domain_event``) measured in the same run (aim <= 3x);
- in-process, the assessment with and without the EU AI Act framework and the EU summary of a
  model with 1,000 datasets and 100,000 domains (``bench.eu_cost``; alone: ``python -m
  bench.eu_cost``).

Usage: ``python -m bench.assess [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench import eu_cost
from bench.database import ADMIN_URL, fresh_database
from bench.http_load import run_load
from bench.interpreter import interpreter_line
from bench.synthetic import synthetic_model
from infra.keys import load_private_key
from infra.persistence import persistence_env
from services.ledger_services import open_ledger
from services.read.as_of import AsOf
from tests.builders import enrolment
from tests.e2e.server import ServerProcess

SIZES = (10, 100, 1000)
REQUESTS = 2000  # of each path: a p99 of 300 samples was the third-worst, mostly noise


def get_request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def paired_latencies(port: int, path: str) -> tuple[list[float], list[float]]:
    """Latencies of ``/healthz`` and of ``path``, requested alternately on one connection, so
    both meet the same moments of this machine's noise (each ratio's baseline is its own)."""
    pair = [get_request(port, "/healthz"), get_request(port, path)]
    result = asyncio.run(run_load("127.0.0.1", port, pair * REQUESTS, 1, 300))
    if set(result.statuses) != {200} or result.completed != 2 * REQUESTS:
        raise RuntimeError(f"{path}: {result.statuses}, {result.completed} answered")
    return result.latencies[0::2], result.latencies[1::2]


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def decode_time_per_event(database_url: str) -> float:
    from infra.event_log import EventLog

    events = EventLog(persistence_env(database_url), origin="")
    try:
        start, count, after = time.perf_counter(), 0, 0
        while True:
            page = events.committed_after(after, leaves_only=True)
            count += len(page.items)
            if not page.full:
                break
            after = page.last
        return (time.perf_counter() - start) / count
    finally:
        events.close()


def submit_all(url: str, documents: list[dict[str, Any]]) -> None:
    with httpx.Client(base_url=url, timeout=300) as http:
        for start in range(0, len(documents), 1000):
            response = http.post(
                "/v1/events:batch", json={"envelopes": documents[start : start + 1000]}
            )
            response.raise_for_status()


def run(database_url: str) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(Path(workdir), database_url).start()
        try:
            operator = load_private_key(Path(workdir) / "keys" / "operator")
            publisher = Ed25519PrivateKey.generate()
            submit_all(server.url, [enrolment(operator, publisher, "synth", ["publisher"])])
            models = {}
            for size in SIZES:
                model, documents = synthetic_model(publisher, f"m{size}", size, size * 10)
                submit_all(server.url, documents)
                models[size] = (model, len(documents))
            for model, _ in models.values():  # first read waits for the projection
                httpx.get(
                    f"{server.url}/v1/models/{model}/freedoms", timeout=120
                ).raise_for_status()
            reads = {
                size: paired_latencies(server.port, f"/v1/models/{m}/freedoms")
                for size, (m, _) in models.items()
            }
        finally:
            server.stop()
        ledger = open_ledger(
            persistence_env(database_url),
            [operator.public_key()],
            "bench/assess",
            Ed25519PrivateKey.generate(),
        )
        try:
            recompute = {}
            for size, (model, _) in models.items():
                head = AsOf(position=ledger.view.head_position())
                timings, events = [], 0
                for _ in range(5):
                    started = time.perf_counter()
                    answer = ledger.assessments.recompute(model, head, None, "default")
                    timings.append(time.perf_counter() - started)
                    events = len(answer.evidence)
                recompute[size] = (statistics.median(timings), events)
        finally:
            ledger.close()
    decode = decode_time_per_event(database_url)
    print(f"\n{interpreter_line()}")
    print(f"raw decode (select + mapper.to_domain_event): {1e6 * decode:.1f} us/event")
    print(f"{REQUESTS} reads of each, freedoms and /healthz alternating on one connection\n")
    print(
        f"{'artefacts':>9} {'events':>7} | {'healthz p50':>11} {'p99':>8} |"
        f" {'freedoms p50':>12} {'p99':>8} {'p50/healthz':>11} {'p99/healthz':>11} |"
        f" {'recompute':>10} {'us/event':>9} {'/decode':>8}"
    )
    for size in SIZES:
        health, read = reads[size]
        h50, h99 = quantile(health, 50), quantile(health, 99)
        r50, r99 = quantile(read, 50), quantile(read, 99)
        seconds, events = recompute[size]
        per_event = seconds / events
        print(
            f"{size:>9} {events:>7} | {1000 * h50:>8.2f} ms {1000 * h99:>5.2f} ms |"
            f" {1000 * r50:>9.2f} ms {1000 * r99:>5.2f} ms"
            f" {r50 / h50:>10.2f}x {r99 / h99:>10.2f}x |"
            f" {1000 * seconds:>7.1f} ms {1e6 * per_event:>9.1f} {per_event / decode:>7.2f}x"
        )
    print(
        "\naims: freedoms p50 <= 2x healthz p50 and p99 <= 2x healthz p99;"
        " recompute per event <= 3x raw decode"
    )
    eu_cost.report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    args = parser.parse_args()
    with fresh_database(args.admin_url, "bench_assess") as database_url:
        run(database_url)


if __name__ == "__main__":
    main()
