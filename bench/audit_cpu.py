"""Where an audit from a server spends the machine's CPU (``bench.audit``, Linux only).

Each part's CPU time over one audit, read from ``/proc`` at its start and end only, so no
sampler shares the cores it measures: the server process and its descendants, the auditing
process itself, its workers (the page checkers and the forked recomputation of the answers: all
ended and waited for by the audit's end, so their CPU is that process's children's), PostgreSQL
(every ``postgres`` process alive at the end) and the time the machine's cores were idle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.cpu_split import Machine, Processes, descendants, postgres_processes


@dataclass(frozen=True, slots=True)
class CpuReading:
    """CPU seconds so far: ``server`` (with its descendants), ``auditing`` (this process),
    ``workers`` (this process's children it has waited for), each ``postgres`` process by pid,
    and the machine's ``idle`` seconds."""

    server: float
    auditing: float
    workers: float
    postgres: dict[int, float]
    idle: float

    @classmethod
    def now(cls, server_pid: int) -> CpuReading:
        processes = Processes.now()
        server = [server_pid, *descendants(server_pid, processes)]
        auditing = os.getpid()
        return cls(
            sum(processes.cpu.get(pid, 0.0) for pid in server),
            processes.cpu[auditing],
            processes.waited[auditing],
            {pid: processes.cpu[pid] for pid in postgres_processes(processes)},
            Machine.now().idle,
        )


def spent(before: CpuReading, after: CpuReading) -> dict[str, float]:
    """Each part's CPU seconds between the two readings (a PostgreSQL process started meanwhile
    counts from zero)."""
    return {
        "server": after.server - before.server,
        "auditing process": after.auditing - before.auditing,
        "its workers": after.workers - before.workers,
        "PostgreSQL": sum(
            cpu - before.postgres.get(pid, 0.0) for pid, cpu in after.postgres.items()
        ),
    }


def cpu_line(before: CpuReading, after: CpuReading, events: int, verify: float, cores: int) -> str:
    """Each part's CPU an event (µs) between the two readings, beside the machine's idle time
    and what its ``cores`` have an event at 1.0x the ``verify`` rate."""
    parts = spent(before, after)
    each = ", ".join(f"{name} {1e6 * seconds / events:.1f}" for name, seconds in parts.items())
    return (
        f"  CPU an event (us): {each}; sum {1e6 * sum(parts.values()) / events:.1f}; "
        f"cores idle {1e6 * (after.idle - before.idle) / events:.1f}; "
        f"{cores} cores at 1.0x verify {cores * 1e6 / verify:.1f}"
    )
