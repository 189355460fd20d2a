"""Where the CPU goes during batch ingest (issue 9): each process's share, per 1,000 events.

Runs the deployment ``bench.ingest`` measures (a server with ``--projection external`` and a
``provenance project`` worker, on a fresh PostgreSQL database) under 1,000-envelope batches from
``--clients`` connections, and prints the CPU time (user + system) each group of processes spent
per 1,000 events recorded: the serving process, its worker processes (the batch checks), the
projection worker, PostgreSQL (every ``postgres`` process: both services' backends, the WAL
writer, the checkpointer) and this process (the load client, with the thread that samples the
others every 0.2 s, one pass over ``/proc`` a sample); then the machine's busy, idle and stolen
time from ``/proc/stat``. The measurement covers the load only: the request bodies are
serialised before it (inside, they would count as this process's CPU and as the other core's idle
time: 0.4 s of one core for a 10 s load here), and the events are those the answers recorded. The
batch rate's ratio to the single-core Ed25519 verify rate (measured before and after the load,
as in ``bench.ingest``) is printed beside it, and so is how far the projection worker's stored
answers were behind when the load stopped.

Beside each group's CPU: the page faults its processes took per 1,000 events, which are kernel
work counted in that CPU (a process whose memory grows takes one for each new page it touches;
on 2026-12-07 the projection worker's ~450 per 1,000 events were ~19% of its CPU by a ``perf``
profile, in a virtual machine whose host backs each page the guest touches first). After the
load: what PostgreSQL wrote per event (:class:`PostgresWrites`), its WAL and the pages added to
the database's tables and indexes (~1.8 KiB each that day; both are copies into the kernel's
page cache, ~27% of PostgreSQL's samples in that profile).

Idle time is core time nothing used during the load. At 1.0x the verify rate, two cores have
2,000 / (verify rate) CPU-seconds per 1,000 events between them. The groups' sum is also printed
in single-core verifications an event (:func:`in_verifies`: CPU seconds an event times the
verify rate measured beside them): 1.0x needs at most 2.00 on two cores, whatever the machine.
It divides the host's speed out only in part: on 2026-12-07, as the host grew busier within an
hour, the verify rate fell from ~17,700 a second to ~15,500 (-12%) while the check workers' CPU
for the same work rose from ~56 to ~75 ms per 1,000 events (+33%): compare runs by it beside
their verify rates.

With ``--loads N`` (N > 1), N such loads run one after another on the same deployment, each on
batches signed and serialised just before it (the projection worker catches up meanwhile), and
each prints one line: the leaves recorded by its end, its rate, the CPU per 1,000 events of each
group of processes and their sum, the single-core verify rate measured just before the load and
the sum in verifications an event, and the resident memory of the serving process and of the
projection worker. It shows how the cost of an event moves as the ledger grows: on 2026-12-07
the sum rose from ~131-135 ms to ~142-162 ms over eight 10-second loads (~1.1 million events);
how much of such a rise is the host slowing down meanwhile, each line's verify rate shows.

Linux only (it reads ``/proc``); bounded in time; targets 127.0.0.1 only.
Usage: ``python -m bench.cpu_split [--clients 4] [--seconds 10] [--loads 1] [--admin-url URL]
[--serving-cpu N|auto|none] [--projection-nice N]`` (the server kept on one CPU and the
projection worker at nice 10, as ``bench.ingest`` runs them).
"""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.database import ADMIN_URL, fresh_database
from bench.ingest import (
    BATCH,
    BATCHES_PER_SECOND,
    UNPLACED,
    Placement,
    add_placement,
    batch_requests,
    deployment,
    lag_line,
    placement,
    post_batches,
    projection_lag,
    verify_rate,
    warm_up,
)
from bench.interpreter import interpreter_line
from services.audit.sources import ServerSource
from tests.builders import artefact

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Machine:
    """Seconds the machine's cores spent busy, idle (waiting for I/O included) and stolen."""

    busy: float
    idle: float
    steal: float

    @classmethod
    def now(cls) -> Machine:
        with open("/proc/stat") as stat:
            fields = [int(f) / _TICKS for f in stat.readline().split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
        return cls(user + nice + system + irq + softirq, idle + iowait, steal)


@dataclass(frozen=True, slots=True)
class Processes:
    """Every process at one moment, read from ``/proc`` in one pass (a sample reads each
    ``stat`` file once, whatever its groups: the sampler shares the cores it measures)."""

    names: Mapping[int, str]  # the command name
    parents: Mapping[int, int]
    cpu: Mapping[int, float]  # user + system CPU seconds so far
    faults: Mapping[int, int]  # page faults so far (minor and major)
    waited: Mapping[int, float]  # CPU seconds of the children it has waited for

    @classmethod
    def now(cls) -> Processes:
        names: dict[int, str] = {}
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        faults: dict[int, int] = {}
        waited: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    head, _, rest = stat.read().rpartition(")")
            except OSError:  # it ended meanwhile
                continue
            pid, fields = int(entry), rest.split()
            names[pid] = head.partition("(")[2]
            parents[pid] = int(fields[1])
            cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
            faults[pid] = int(fields[7]) + int(fields[9])
            waited[pid] = (int(fields[13]) + int(fields[14])) / _TICKS
        return cls(names, parents, cpu, faults, waited)


@dataclass(frozen=True, slots=True)
class PostgresWrites:
    """What the PostgreSQL server has written so far: its WAL position in bytes (the whole
    server's WAL) and the size of one database. A backend that adds a page to a table or an
    index writes it there and then (PostgreSQL up to 15 extends a file a page at a time), so
    the size's growth is what those writes were. Writing is a copy into the kernel's page
    cache, counted in PostgreSQL's CPU."""

    wal_bytes: int
    database_bytes: int

    @classmethod
    def now(cls, database_url: str) -> PostgresWrites | None:
        """The counters now (of the database at ``database_url``); None if it cannot be asked."""
        try:
            with psycopg.connect(database_url, autocommit=True) as connection:
                row = connection.execute(
                    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
                    "pg_database_size(current_database())"
                ).fetchone()
        except psycopg.Error:
            return None
        return None if row is None else cls(int(row[0]), int(row[1]))

    def line(self, before: PostgresWrites, events: int) -> str:
        """Per event since ``before``."""
        wal = (self.wal_bytes - before.wal_bytes) / events / 1024
        grown = (self.database_bytes - before.database_bytes) / events / 1024
        return (
            f"PostgreSQL wrote per event: {wal:.1f} KiB of WAL, {grown:.1f} KiB of new table and"
            " index pages"
        )


def descendants(pid: int, processes: Processes | None = None) -> list[int]:
    """Every process started by ``pid``, by it or its descendants (in ``processes``, else
    now)."""
    if processes is None:
        processes = Processes.now()
    children: dict[int, list[int]] = {}
    for child, parent in processes.parents.items():
        children.setdefault(parent, []).append(child)
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def postgres_processes(processes: Processes) -> list[int]:
    return [pid for pid, name in processes.names.items() if name.startswith("postgres")]


Members = Callable[[Processes], list[int]]
"""A group's processes, looked up in a sample."""


class CpuTracker:
    """The CPU seconds each group of processes spends between :meth:`start` and :meth:`stop`
    (and the page faults it takes: :meth:`faults`). The groups' members are looked up again
    every ``SAMPLE_SECONDS`` on a thread of this process, so a process that starts meanwhile
    counts from zero (PostgreSQL starts a backend for each connection a pool opens under load)
    and one that ends counts up to its last sample."""

    SAMPLE_SECONDS = 0.2

    def __init__(self, groups: Mapping[str, Members]) -> None:
        self._groups = groups
        self._first: dict[str, dict[int, tuple[float, int]]] = {name: {} for name in groups}
        self._last: dict[str, dict[int, tuple[float, int]]] = {name: {} for name in groups}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-samples", daemon=True)

    def start(self) -> None:
        processes = Processes.now()
        for name, members in self._groups.items():
            self._first[name] = {
                pid: (processes.cpu[pid], processes.faults[pid])
                for pid in members(processes)
                if pid in processes.cpu
            }
        self._sample(processes)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stopping.set()
        self._thread.join()
        self._sample(Processes.now())
        return self._grown(0)

    def faults(self) -> dict[str, int]:
        """The page faults each group took between :meth:`start` and :meth:`stop`. A page
        fault is the kernel's work, counted in the group's CPU: a process whose memory grows
        takes one for each new page it touches (and, in a virtual machine, the host may take
        one of its own for a page the guest never touched before)."""
        return self._grown(1)

    def _grown(self, counter: int) -> dict[str, Any]:
        """Each group's growth of ``counter`` (0: CPU seconds, 1: page faults) over its
        processes, from its first sample (zero for one started meanwhile) to its last."""
        return {
            name: sum(
                now[counter] - self._first[name].get(pid, (0.0, 0))[counter]
                for pid, now in last.items()
            )
            for name, last in self._last.items()
        }

    def _run(self) -> None:
        while not self._stopping.wait(self.SAMPLE_SECONDS):
            self._sample(Processes.now())

    def _sample(self, processes: Processes) -> None:
        for name, members in self._groups.items():
            for pid in members(processes):
                cpu = processes.cpu.get(pid)
                if cpu is not None:  # None: it ended before it was read; keep its last sample
                    self._last[name][pid] = (cpu, processes.faults[pid])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--loads", type=int, default=1, help="loads one after another (>= 1)")
    add_placement(parser)
    args = parser.parse_args()
    if args.loads < 1:
        parser.error("--loads must be at least 1")
    with fresh_database(args.admin_url, "bench_cpu") as database_url:
        if args.loads == 1:
            run(database_url, args.clients, args.seconds, placement(args))
        else:
            run_growing(database_url, args.clients, args.seconds, args.loads, placement(args))


def process_groups(
    serving: int, projecting: int, *, client: bool = True
) -> dict[tuple[str, str], Members]:
    """The process groups whose CPU a load is measured by, each by its long label (``run``'s
    table) and short one (``run_growing``'s lines): the serving process (pid ``serving``), its
    worker processes, the projection worker (pid ``projecting``), PostgreSQL and, with
    ``client``, this process (the load client)."""
    groups: dict[tuple[str, str], Members] = {
        ("serving process", "serving"): lambda _: [serving],
        ("its worker processes", "workers"): lambda processes: descendants(serving, processes),
        ("projection worker", "projection"): lambda _: [projecting],
        ("PostgreSQL", "PostgreSQL"): postgres_processes,
    }
    if client:
        groups["load client (this process)", "client"] = lambda _: [os.getpid()]
    return groups


def run(database_url: str, clients: int, seconds: float, placed: Placement = UNPLACED) -> None:
    with deployment(database_url, placed=placed) as deployed:
        server, worker, publisher = deployed.server, deployed.worker, deployed.publisher
        assert worker is not None
        assert server.process is not None
        count = BATCH * int(seconds * BATCHES_PER_SECOND)
        print(f"signing {count} envelopes beforehand …", flush=True)
        documents = _signed(publisher, 0, count + 2 * BATCH)
        warm_up(server.port, documents[: 2 * BATCH])  # starts the check workers counted here
        groups = process_groups(server.process.pid, worker.pid)
        tracker = CpuTracker({label: members for (label, _), members in groups.items()})
        verify_before = verify_rate(documents[0], publisher, 2.0)
        # Serialised before the measurement: it would count as the load client's CPU, and
        # the core left idle meanwhile as the deployment's.
        requests = batch_requests(server.port, documents[2 * BATCH :])
        writes_before = PostgresWrites.now(database_url)
        tracker.start()
        machine_before = Machine.now()
        result = post_batches(server.port, requests, seconds, clients)
        machine_after, spent, faults = Machine.now(), tracker.stop(), tracker.faults()
        lag = projection_lag(database_url)
        writes_after = PostgresWrites.now(database_url)  # the answers caught up: all written
        verify_after = verify_rate(documents[0], publisher, 2.0)
    events = result.completed * BATCH
    rate = events / result.elapsed
    verify = (verify_before + verify_after) / 2

    def per_thousand(cpu: float) -> str:
        return f"{1000 * 1000 * cpu / events:7.1f} ms"

    print()
    print(interpreter_line())
    print(placed.line())
    print(
        f"batch ingest, {clients} client(s), {BATCH} per request: {rate:.0f} events/s, "
        f"ratio to single-core verify {rate / verify:.2f} (verify {verify:.0f}/s: "
        f"before {verify_before:.0f}, after {verify_after:.0f})"
    )
    print("CPU per 1,000 events (and the page faults taken meanwhile, counted in it):")
    for name, seconds_spent in spent.items():
        print(
            f"  {name:28s} {per_thousand(seconds_spent)}"
            f"   {1000 * faults[name] / events:7.0f} page faults"
        )
    print(f"  {'sum':28s} {per_thousand(sum(spent.values()))}")
    print("machine, both cores, per 1,000 events:")
    print(f"  {'busy':28s} {per_thousand(machine_after.busy - machine_before.busy)}")
    print(f"  {'idle':28s} {per_thousand(machine_after.idle - machine_before.idle)}")
    print(f"  {'stolen':28s} {per_thousand(machine_after.steal - machine_before.steal)}")
    print(f"  {'both cores at 1.0x verify':28s} {2_000_000 / verify:7.1f} ms")
    print(
        f"the sum an event, in single-core verifications: "
        f"{in_verifies(sum(spent.values()) / events, verify):.2f} (1.0x needs at most 2.00)"
    )
    print(f"stored answers when the load stopped: {lag_line(lag)}")
    if writes_before is not None and writes_after is not None:
        print(writes_after.line(writes_before, events))


def run_growing(
    database_url: str, clients: int, seconds: float, loads: int, placed: Placement = UNPLACED
) -> None:
    """``loads`` loads one after another on one deployment, a line each (see the module)."""
    with deployment(database_url, placed=placed) as deployed:
        server, worker, publisher = deployed.server, deployed.worker, deployed.publisher
        assert worker is not None
        assert server.process is not None
        warm_up(server.port, _signed(publisher, 0, 2 * BATCH))
        serving, projecting = server.process.pid, worker.pid
        groups = {
            short: members
            for (_, short), members in process_groups(serving, projecting, client=False).items()
        }
        count, signed = BATCH * int(seconds * BATCHES_PER_SECOND), 2 * BATCH
        print(f"{loads} loads of {clients} client(s), {seconds:.0f} s each; CPU per 1,000 events:")
        for number in range(loads):
            documents = _signed(publisher, signed, count)
            requests = batch_requests(server.port, documents)
            signed += count
            verify = verify_rate(documents[0], publisher, 1.0)  # the host's speed now
            tracker = CpuTracker(groups)
            tracker.start()
            result = post_batches(server.port, requests, seconds, clients)
            spent = tracker.stop()
            events = result.completed * BATCH
            print(
                load_line(
                    number,
                    tree_size(server.url),
                    events / result.elapsed,
                    spent,
                    events,
                    {"serving": serving, "projection": projecting},
                    verify,
                ),
                flush=True,
            )


def load_line(
    number: int,
    leaves: int,
    rate: float,
    spent: Mapping[str, float],
    events: int,
    resident: Mapping[str, int],
    verify: float,
) -> str:
    """One load's line: its number, the ``leaves`` recorded by its end, its rate, each group's
    CPU per 1,000 events and their sum, the ``verify`` rate measured beside the load and the
    sum in verifications an event (:func:`in_verifies`), and the resident memory of the
    ``resident`` processes."""
    cpu = "  ".join(
        f"{name} {1_000_000 * seconds / events:5.1f}" for name, seconds in spent.items()
    )
    total = sum(spent.values())
    memory = "  ".join(f"{name} {resident_mb(pid)} MB" for name, pid in resident.items())
    return (
        f"load {number}: {leaves:>9} leaves  {rate:6.0f} events/s  {cpu}"
        f"  sum {1_000_000 * total / events:5.1f} ms  verify {verify:5.0f}/s"
        f"  = {in_verifies(total / events, verify):.2f} verifications"
        f"  | resident: {memory}"
    )


def in_verifies(cpu_per_event: float, verify: float) -> float:
    """CPU seconds an event as a number of single-core verifications at ``verify`` a second
    (two cores at 1.0x the verify rate have 2.00 between them)."""
    return cpu_per_event * verify


def tree_size(url: str) -> int:
    """The leaves the server at ``url`` has recorded: its checkpoint's tree size."""
    source = ServerSource(url)
    try:
        return source.size()
    finally:
        source.close()


def resident_mb(pid: int) -> int:
    """A process's resident memory in MiB (0 if it has ended)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _signed(publisher: Ed25519PrivateKey, first: int, count: int) -> list[dict[str, Any]]:
    """``count`` artefact registrations by ``publisher``, numbered from ``first``."""
    return [
        artefact(publisher, f"acme/b/{i}", "code", "training-code")
        for i in range(first, first + count)
    ]


if __name__ == "__main__":
    main()
