"""Keeping Python's cyclic garbage collector out of the hot paths (measured, issue 9).

CPython's collector runs whenever allocations outnumber deallocations by 700 (its default
threshold), and each of its rarer full passes walks every live object. The ledger's processes
allocate in bursts that keep what they build (a batch of 1,000 envelopes makes some 30,000
objects; an audit's replay keeps some ten per entry), so the collector ran often and walked
large heaps: 15% of a batch's time in the server, and a third of an audit's replaying
process. None of those objects forms a reference cycle (envelopes, statements and records are
trees of dicts, lists, tuples and frozen dataclasses), so the collector found next to nothing:
582 unreachable objects in the serving process over ~155,000 batch-ingested events, from
the few cycles the frameworks make (gc callbacks, 2026-12-07).

- :func:`tune_for_long_running` makes a long-running process (``provenance project`` and a
  server's batch-check workers) collect young objects every 20,000 net allocations instead of
  700 (a young generation is still walked once, just in larger steps) and old ones about as
  often as before relative to them; cyclic garbage, if any, lives a little longer, never
  unbounded. In a check worker the collector had cost ~2.7 ms of each 1,000 envelopes' ~90
  (gc callbacks, in one process) and found nothing;
- :func:`tune_for_serving` does the same for ``provenance serve`` in steps of 100,000 (see
  :data:`SERVING_THRESHOLDS`);
- :func:`collector_held_off` pauses it for an audit's replay and answers, resuming after;
  the audit's page-checking workers run without it;
- :func:`settle_survivors` takes what a process has kept so far out of the collector's walks
  for good: the projection worker calls it once its world is built and after each flush.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LONG_RUNNING_THRESHOLDS = (20_000, 20, 100)

SERVING_THRESHOLDS = (100_000, 20, 100)
"""The serving process's thresholds. The batches it holds keep their objects (parsed bodies,
envelopes, records, answers) until they are answered, then reference counting frees them. At
20,000 the young count reached the threshold about once a batch, and each pass walked the
objects then in flight: under four clients' batches of 1,000, 46 young and 2 older passes took
0.67 s of the serving process's CPU in a ~155,000-event run, ~4.3 ms per 1,000 events; at
100,000, 2 young passes took 0.08 s (``bench.cpu_split --clients 4 --seconds 20``, gc
callbacks timed with ``time.thread_time``, once the thresholds were set; 2026-12-07). (That a
batch holds 20,000 or more young objects at once is inferred from those passes, not
counted.)"""


def tune_for_long_running() -> None:
    """Set the collector's thresholds for a process that runs for long."""
    gc.set_threshold(*LONG_RUNNING_THRESHOLDS)


def tune_for_serving() -> None:
    """Set the collector's thresholds for the serving process (:data:`SERVING_THRESHOLDS`);
    its batch-check workers keep :data:`LONG_RUNNING_THRESHOLDS`."""
    gc.set_threshold(*SERVING_THRESHOLDS)


def settle_survivors() -> None:
    """Leave every object alive now out of the collector's walks from now on (``gc.freeze``,
    constant time); reference counting frees them as before. For a process whose survivors
    stay: the projection worker's world keeps every statement it folds (~7 objects, ~1.4 KB an
    event), and each was walked by a young and a middle pass before it joined the old
    objects, then by every full pass (one each time those grew by a quarter: ten million
    events' 70 million objects would take seconds, estimated at ~100 ns an object). Under four
    clients' batches, the worker's collector took 1.33 s of its CPU in ~550,000 events, ~2.4 ms
    of its ~16 per 1,000; settled at each flush, 0.01 s (``gc.callbacks`` timed with
    ``time.thread_time``, 2026-12-07).

    An object settled and later part of unreachable cycles is never freed. Folding makes no
    cyclic garbage (``tests/unit/test_projection_settles.py``), so that is the few cycles the
    frameworks make (see above)."""
    gc.freeze()


@contextmanager
def collector_held_off() -> Iterator[None]:
    """No cyclic collection while the block runs. Processes forked meanwhile (an audit's
    answer workers) inherit the pause, so they neither walk the replayed world nor, by
    touching its objects' headers, copy the memory pages they share with it. Reference
    counting frees everything as usual; the collector resumes, if it was on, when the block
    exits."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
