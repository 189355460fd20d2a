"""Ingest benchmark against PostgreSQL on loopback (issues: ledger core, scale-out).

Runs the deployment of issue 9 on one fresh database: a server with ``--projection external``
and a ``provenance project`` worker beside it; the server is kept on one CPU (``--serving-cpu``,
as README recommends where one instance serves a machine; ``--serving-cpu none`` leaves it on
every CPU) and the worker runs at a lower priority (``provenance project --nice``, 10 unless
``--projection-nice`` says otherwise). Prints, from one run:
- single-event ingest over HTTP (32 concurrent clients, envelopes signed beforehand): events/s,
  p50/p99 latency, and the ratio to the raw ``eventsourcing`` single-event ``save()`` rate (the
  library's own recorder) measured in the same run on the same database (aim >= 0.8);
- batch ingest (``/v1/events:batch``, 1,000 envelopes a request), after two batches that are not
  measured (a server's first batch starts its check worker processes, once in its life: 0.3–0.5 s
  more than a batch takes here; their seconds are printed): events/s, and the ratio to the
  single-core Ed25519 verify rate (OpenSSL, through ``cryptography``) measured beside it (aim >=
  1.0, goal 1.5). This machine's speed drifts by up to a fifth within a minute, so each batch
  load runs in ``LOAD_WINDOWS`` windows with the verify rate measured before, between and after
  them, once the stored answers have caught up (nothing else runs then), and its ratio is to
  the mean of those: a baseline taken only before and after all the loads, half a minute apart,
  moved their ratios by up to a tenth. The ratio to libsodium's rate, which the server asks
  first (``domain/ed25519.py``), is printed beside it; so is how far the stored answers (the
  projection) were behind when a window stopped and how soon they caught up (the worst of the
  windows).

Bounded in time (each phase runs for ``--seconds``); targets 127.0.0.1 only.
Usage: ``python -m bench.ingest [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
[--projection inline] [--serving-cpu N|auto|none] [--projection-nice N]`` (inline: the
projection in the server, as on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.database import ADMIN_URL, fresh_database
from bench.http_load import LoadResult, post_request, run_load
from bench.interpreter import interpreter_line
from domain.envelope import pae
from infra.assessment_store import ASSESSMENTS
from infra.cpu_affinity import AffinityError, allowed_cpus
from infra.event_log import APPENDED_TOPIC, LedgerApplication
from infra.keys import load_private_key
from infra.persistence import persistence_env
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess

CLIENTS = 32
BATCH = 1000
BATCHES_PER_SECOND = 20
"""Pre-signed batches per second of each batch load: more than the write path records on this
machine kind (~15 a second on 2026-12-07), so the clients never run out before the time is up
(a load that ran out is finished by fewer clients, which lowers its rate; it says so)."""


class Sample(Aggregate):
    @event("Registered")
    def __init__(self, name: str, payload: dict[str, Any]) -> None:
        self.name = name
        self.payload = payload


class RawSaveBaseline(Application[uuid.UUID]):
    name = "RawSaveBaseline"


def raw_save_rate(database_url: str, seconds: float, payload: dict[str, Any]) -> float:
    """Events/s of ``app.save()`` with one new aggregate and one event per call, through the
    library's own recorder (not the ledger's)."""
    env = persistence_env(database_url)
    env.pop("APPLICATION_RECORDER_TOPIC", None)
    app = RawSaveBaseline(env=env)
    try:
        for _ in range(50):  # warm the pool and the plan cache
            app.save(Sample("warm", payload))
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            app.save(Sample("x", payload))
            count += 1
        return count / (time.perf_counter() - start)
    finally:
        app.close()


def verify_rate(document: dict[str, Any], key: Ed25519PrivateKey, seconds: float) -> float:
    """Single-core Ed25519 verifications/s of one envelope's PAE through OpenSSL (the aims'
    baseline)."""
    message = _message(document)
    signature, public = key.sign(message), key.public_key()
    return _rate(lambda: public.verify(signature, message), seconds)


def libsodium_verify_rate(
    document: dict[str, Any], key: Ed25519PrivateKey, seconds: float
) -> float:
    """The same through libsodium, which the server asks first (``domain/ed25519.py``)."""
    from nacl.bindings import crypto_sign_open

    message = _message(document)
    signed, public = key.sign(message) + message, key.public_key().public_bytes_raw()
    return _rate(lambda: crypto_sign_open(signed, public), seconds)


def _message(document: dict[str, Any]) -> bytes:
    import base64

    return pae(document["payloadType"], base64.b64decode(document["payload"]))


def _rate(check: Callable[[], object], seconds: float) -> float:
    """Calls of ``check`` per second, for ``seconds``."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            check()
        count += 100
    return count / (time.perf_counter() - start)


def single_event_load(port: int, documents: list[dict[str, Any]], seconds: float) -> LoadResult:
    requests = [
        post_request("127.0.0.1", port, "/v1/events", json.dumps(d).encode()) for d in documents
    ]
    result = asyncio.run(run_load("127.0.0.1", port, requests, CLIENTS, seconds))
    if set(result.statuses) != {201}:
        raise RuntimeError(f"unexpected answers: {result.statuses}")
    if len(requests) == result.completed:
        raise RuntimeError("ran out of pre-signed envelopes; sign more")
    return result


LOAD_WINDOWS = 3
"""The windows each batch load runs in, the verify rate measured around each (see the module's
docstring)."""
VERIFY_SECONDS = 1.5  # each of those measurements

Lag = tuple[int, float | None]  # what projection_lag answers


@dataclass(frozen=True, slots=True)
class PacedLoad:
    """A batch load run in windows: the envelopes recorded, the seconds the windows took, the
    verify rates measured before, between and after them, and the projection's lag after each
    window."""

    windows: tuple[tuple[int, float], ...]  # each window's envelopes and seconds
    verify: tuple[float, ...]
    lags: tuple[Lag, ...]

    @property
    def events(self) -> int:
        return sum(events for events, _ in self.windows)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.windows)

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def baseline(self) -> float:
        """The verify rate the load is compared with: the mean of those measured around it."""
        return statistics.fmean(self.verify)

    @property
    def ratio(self) -> float:
        return self.rate / self.baseline

    def worst_lag(self) -> Lag:
        """The window after which the stored answers were furthest behind (one that did not
        catch up counts as furthest)."""
        return max(self.lags, key=lambda lag: (lag[1] is None, lag[1] or 0.0, lag[0]))

    def windows_line(self) -> str:
        """Each window's rate, and its ratio to the mean of the verify rates on either side."""
        return ", ".join(
            f"{events / seconds:.0f}/s ({events / seconds / ((before + after) / 2):.2f})"
            for (events, seconds), (before, after) in zip(
                self.windows, pairwise(self.verify), strict=True
            )
        )

    def baseline_line(self) -> str:
        low, high = min(self.verify), max(self.verify)
        return (
            f"verify {self.baseline:.0f}/s, the mean of {len(self.verify)} measured around"
            f" {len(self.windows)} windows: {low:.0f}-{high:.0f}"
        )


def paced(
    windows: list[Callable[[], LoadResult]],
    settle: Callable[[], Lag],
    verify: Callable[[], float],
) -> PacedLoad:
    """Run each of ``windows`` (a load of batches of ``BATCH``) in turn, with ``verify`` (the
    single-core verify rate, measured with nothing else running) called before the first (the
    caller has let the stored answers catch up) and after each, once ``settle`` has waited for
    the stored answers to catch up with it."""
    rates, lags, done = [verify()], [], []
    for window in windows:
        result = window()
        done.append((result.completed * BATCH, result.elapsed))
        lags.append(settle())
        rates.append(verify())
    return PacedLoad(tuple(done), tuple(rates), tuple(lags))


def batch_load(
    database_url: str,
    port: int,
    documents: list[dict[str, Any]],
    seconds: float,
    clients: int,
    verify: Callable[[], float],
) -> PacedLoad:
    """Clients posting 1,000-envelope batches back to back (bodies serialised beforehand) for
    ``seconds`` in all, in ``LOAD_WINDOWS`` windows, each with its share of ``documents``."""
    share = -(-len(documents) // LOAD_WINDOWS)
    parts = [
        batch_requests(port, documents[i : i + share]) for i in range(0, len(documents), share)
    ]

    def window(requests: list[bytes]) -> Callable[[], LoadResult]:
        return lambda: post_batches(port, requests, seconds / len(parts), clients)

    return paced(
        [window(requests) for requests in parts], lambda: projection_lag(database_url), verify
    )


def post_batches(port: int, requests: list[bytes], seconds: float, clients: int) -> LoadResult:
    """``clients`` connections posting ``requests`` (from :func:`batch_requests`) back to back
    for ``seconds``; every answer must be 201, and the requests must outlast the time."""
    result = asyncio.run(run_load("127.0.0.1", port, requests, clients, seconds))
    if set(result.statuses) != {201}:
        raise RuntimeError(f"unexpected answers: {result.statuses}")
    if result.completed == len(requests):
        if result.elapsed < seconds / 2:
            raise RuntimeError(f"ran out of pre-signed batches too early ({result}); sign more")
        print(
            f"  (the clients ran out of pre-signed batches after {result.elapsed:.1f} s of"
            f" {seconds:.0f}: raise BATCHES_PER_SECOND)",
            flush=True,
        )
    return result


def warm_up(port: int, documents: list[dict[str, Any]]) -> list[float]:
    """Post ``documents`` as batches, one after another, before any measured load: a server's
    first batch starts its check worker processes, which a server that has been running has
    done once and for all. Answers each batch's seconds."""
    requests = batch_requests(port, documents)
    result = asyncio.run(run_load("127.0.0.1", port, requests, 1, WARM_UP_SECONDS))
    if set(result.statuses) != {201} or result.completed != len(requests):
        raise RuntimeError(f"the warm-up batches were not all recorded: {result}")
    return result.latencies


def batch_requests(port: int, documents: list[dict[str, Any]]) -> list[bytes]:
    """The HTTP requests of ``documents`` in batches of ``BATCH``: made before a measured load
    (140 batches take ~0.4 s of CPU here)."""
    return [
        post_request(
            "127.0.0.1",
            port,
            "/v1/events:batch",
            json.dumps({"envelopes": documents[i : i + BATCH]}).encode(),
        )
        for i in range(0, len(documents), BATCH)
    ]


def start_worker(database_url: str, workdir: Path, nice: int = 0) -> subprocess.Popen[bytes]:
    """``provenance project`` beside the server (at ``nice``): the projection folds in its own
    process."""
    with (workdir / "worker.log").open("ab") as log:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "provenance"),
                "project",
                "--database-url",
                database_url,
                "--nice",
                str(nice),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


DEFAULT_PROJECTION_NICE = 10
WARM_UP_SECONDS = 60.0  # bounds the warm-up batches (the first starts the check workers)
LAG_LIMIT = 30.0  # seconds the stored answers are given to catch up after a load


def projection_lag(database_url: str, limit: float = LAG_LIMIT) -> tuple[int, float | None]:
    """How many recorded statements the stored answers had not yet taken in when called, and
    the seconds until they had taken in all of them (None: not within ``limit``). A batch rate
    counts only if the projection keeps up with it: its work would otherwise fall outside the
    measured time."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as connection:
        tracked = _tracked(connection)
        row = connection.execute(
            "SELECT count(*), coalesce(max(notification_id), 0) "  # noqa: S608
            f"FROM {LedgerApplication.name.lower()}_events "
            "WHERE topic = %s AND notification_id > %s",
            (APPENDED_TOPIC, tracked),
        ).fetchone()
        behind, head = (int(row[0]), int(row[1])) if row else (0, 0)
        while tracked < head:
            if time.perf_counter() - started > limit:
                return behind, None
            time.sleep(0.005)
            tracked = _tracked(connection)
        return behind, time.perf_counter() - started


def _tracked(connection: psycopg.Connection[Any]) -> int:
    """The position the stored answers are at (0 before the projection made its tables)."""
    try:
        row = connection.execute(
            f"SELECT coalesce(max(notification_id), 0) FROM {ASSESSMENTS}_tracking"  # noqa: S608
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return int(row[0]) if row else 0


def lag_line(lag: tuple[int, float | None]) -> str:
    behind, seconds = lag
    caught = (
        f"not caught up within {LAG_LIMIT:.0f} s"
        if seconds is None
        else f"caught up {seconds:.2f} s later"
    )
    return f"{behind} statements behind, {caught}"


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--projection", choices=("external", "inline"), default="external")
    add_placement(parser)
    args = parser.parse_args()
    with fresh_database(args.admin_url, "bench_ingest") as database_url:
        run(database_url, args.seconds, args.projection, placement(args))


def add_placement(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--serving-cpu",
        default="auto",
        help="the server's --serving-cpu: a CPU number; auto (the default): the first CPU this "
        "process may use, where it may use two or more; none: every CPU",
    )
    parser.add_argument(
        "--projection-nice",
        type=int,
        default=DEFAULT_PROJECTION_NICE,
        help=f"the projection worker's --nice (default {DEFAULT_PROJECTION_NICE}; 0: the servers' "
        "priority)",
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the benchmarked processes run: the CPU the server is kept on (None: every CPU)
    and how far the projection worker lowers its priority."""

    cpu: int | None = None
    nice: int = 0

    def line(self) -> str:
        if self.cpu is None:
            server = "server threads on every CPU (--serving-cpu none)"
        else:
            server = (
                f"server threads kept on CPU {self.cpu}, its check workers on every CPU "
                f"(--serving-cpu {self.cpu})"
            )
        return f"{server}; projection worker at nice {self.nice}"


UNPLACED = Placement()  # every CPU, the servers' priority


def placement(args: argparse.Namespace) -> Placement:
    """The :class:`Placement` ``add_placement``'s flags ask for."""
    return Placement(serving_cpu(args.serving_cpu), args.projection_nice)


def serving_cpu(choice: str) -> int | None:
    """The CPU the benchmarked server is kept on (None: every CPU), from ``--serving-cpu``."""
    if choice == "none":
        return None
    if choice == "auto":
        try:
            cpus = sorted(allowed_cpus())
        except AffinityError:  # not Linux: the server cannot be kept on one CPU
            return None
        return cpus[0] if len(cpus) > 1 else None
    return int(choice)


@dataclass(frozen=True, slots=True)
class Deployment:
    """The issue-9 deployment a benchmark loads: a server, its ``provenance project`` worker
    (None with ``--projection inline``) and a publisher key enrolled through the server."""

    server: ServerProcess
    worker: subprocess.Popen[bytes] | None
    publisher: Ed25519PrivateKey


@contextmanager
def deployment(
    database_url: str, projection: str = "external", placed: Placement = UNPLACED
) -> Iterator[Deployment]:
    """A :class:`Deployment` on ``database_url``, its processes ``placed``, stopped
    afterwards."""
    pinned = () if placed.cpu is None else ("--serving-cpu", str(placed.cpu))
    with tempfile.TemporaryDirectory() as workdir:
        server = ServerProcess(
            Path(workdir), database_url, extra_args=("--projection", projection, *pinned)
        ).start()
        worker = (
            start_worker(database_url, Path(workdir), placed.nice)
            if projection == "external"
            else None
        )
        try:
            operator = load_private_key(Path(workdir) / "keys" / "operator")
            publisher = Ed25519PrivateKey.generate()
            response = httpx.post(
                f"{server.url}/v1/events",
                json=enrolment(operator, publisher, "acme", ["publisher"]),
            )
            response.raise_for_status()
            yield Deployment(server, worker, publisher)
        finally:
            server.stop()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)


def run(
    database_url: str, seconds: float, projection: str = "external", placed: Placement = UNPLACED
) -> None:
    with deployment(database_url, projection, placed) as deployed:
        server, publisher = deployed.server, deployed.publisher
        expected = int(seconds * 6000)
        batched = BATCH * (2 + 2 * int(seconds * BATCHES_PER_SECOND))  # warm-up, two loads
        print(f"signing {expected + batched} envelopes beforehand …", flush=True)
        singles = [
            artefact(publisher, f"acme/s/{i}", "code", "training-code") for i in range(expected)
        ]
        batches = [
            artefact(publisher, f"acme/b/{i}", "code", "training-code") for i in range(batched)
        ]
        sample_state = {"envelope": singles[0], "event_id": "0" * 64, "leaf_hash": "0" * 64}

        raw = raw_save_rate(database_url, seconds, sample_state)
        single = single_event_load(server.port, singles, seconds)
        sodium = libsodium_verify_rate(singles[0], publisher, seconds / 2)
        warmed = warm_up(server.port, batches[: 2 * BATCH])
        projection_lag(database_url)  # the first verify rate is measured with nothing running

        def verify() -> float:
            return verify_rate(singles[0], publisher, VERIFY_SECONDS)

        half = 2 * BATCH + (len(batches) - 2 * BATCH) // 2
        batch = batch_load(database_url, server.port, batches[2 * BATCH : half], seconds, 1, verify)
        batch_parallel = batch_load(database_url, server.port, batches[half:], seconds, 4, verify)
    print()
    print(interpreter_line())
    print(placed.line())
    print(f"raw eventsourcing save(), 1 event per call : {raw:8.0f} events/s")
    measured = (*batch.verify, *batch_parallel.verify)
    print(
        f"single-core Ed25519 verify (OpenSSL)       : {statistics.fmean(measured):8.0f} verifies/s"
        f"   (the baseline: {len(measured)} measurements around the batch loads,"
        f" {min(measured):.0f}-{max(measured):.0f})"
    )
    print(
        f"single-core Ed25519 verify (libsodium)     : {sodium:8.0f} verifies/s   (checked first)"
    )
    p50, p99 = (1000 * percentile(single.latencies, q) for q in (50, 99))
    print(
        f"HTTP single-event ingest, {CLIENTS} clients      : {single.rate:8.0f} events/s"
        f"   p50 {p50:.1f} ms  p99 {p99:.1f} ms"
    )
    print(f"  ratio to raw save()                      : {single.rate / raw:8.2f}   (aim >= 0.8)")
    print(
        "warm-up, 2 batches before the measured ones  : "
        + ", ".join(f"{latency:.2f} s" for latency in warmed)
        + "   (the first starts the check workers)"
    )
    for label, load in (("1 client ", batch), ("4 clients", batch_parallel)):
        print(f"HTTP batch ingest, {BATCH} per request, {label}: {load.rate:8.0f} events/s")
        print(
            f"  ratio to single-core verify              : {load.ratio:8.2f}   (aim >= 1.0;"
            f" {load.baseline_line()})"
        )
        print(f"  its windows (ratio to the verify rates around each): {load.windows_line()}")
        print(f"  ratio to single-core libsodium verify    : {load.rate / sodium:8.2f}")
        print(f"  stored answers when a window stopped     : {lag_line(load.worst_lag())}")


if __name__ == "__main__":
    main()
