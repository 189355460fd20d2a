"""Keeping the serving process's threads on one CPU (``provenance serve --serving-cpu``).

The serving process's Python threads (the event loop, the request threads, the write path's
commit) take turns for one interpreter lock. Left to run on every core, a thread that wants the
lock is woken on another core than the one that drops it, and both spend the hand-over in
wake-ups and cold caches. Kept on one CPU, on two cores: ``make bench-ingest`` recorded 22–23%
more single events a second (32 clients) and 1–9% more batched ones in two alternated pairs;
``bench.cpu_split`` (4 clients) was faster in 6 of 8 alternated pairs, by 3.0% on average.
The batch-check worker processes it starts get every CPU back
(:func:`services.worker_processes.started_worker`), so they still use all the cores; the
signatures of mid-sized requests, checked on the serving process's own threads, share its CPU.

Linux only (``sched_setaffinity``). Where several instances share a machine, give each its own
CPU, or leave it unset: two instances kept on one CPU would share it.
"""

from __future__ import annotations

import os


class AffinityError(ValueError):
    """The CPU cannot be used here."""


def allowed_cpus() -> frozenset[int]:
    """The CPUs this process may run on (AffinityError where the platform cannot tell)."""
    if not hasattr(os, "sched_getaffinity") or not hasattr(os, "sched_setaffinity"):
        raise AffinityError("keeping the server on one CPU needs Linux (sched_setaffinity)")
    return frozenset(os.sched_getaffinity(0))


def check_cpu(cpu: int) -> frozenset[int]:
    """The CPUs this process may run on; AffinityError unless ``cpu`` is one of them."""
    allowed = allowed_cpus()
    if cpu not in allowed:
        listed = ", ".join(str(c) for c in sorted(allowed))
        raise AffinityError(f"CPU {cpu} is not one this process may run on ({listed})")
    return allowed


def keep_on_cpu(cpu: int) -> frozenset[int]:
    """Keep every thread of this process on ``cpu``; threads and processes started later
    inherit it. Answers the CPUs the process could run on before, for worker processes to
    take back."""
    before = check_cpu(cpu)
    for thread in os.listdir("/proc/self/task"):  # each thread has its own mask
        try:
            os.sched_setaffinity(int(thread), {cpu})
        except ProcessLookupError:  # the thread ended meanwhile
            continue
    return before
