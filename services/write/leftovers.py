"""What answered requests leave behind, freed while a writer waits for the database.

A batch of 1,000 leaves some 30,000 objects behind once it is answered: its envelopes, their
checks' results and stored forms, its statements and the admission draft. Freeing them is
interpreter work: 1.2 ms of the serving thread's CPU where a batch's request frames ended and
~0.45 ms where the write path's did (a timeline of one client's batches, 2026-12-07). Freed
there, it is on the way from the commit to the answer, which with one client is what the next
batch waits for. Handed to
:class:`Leftovers` instead, they are freed by the next commit while the database writes it
(``EventLog.append``'s ``meanwhile``), when the writer thread would otherwise wait.
"""

from __future__ import annotations

import threading

KEPT = 2
"""Requests' leftovers held at most: beyond that the oldest are freed where they are handed
over (a store whose commits leave no wait to free them in frees them one request late)."""


class Leftovers:
    """Objects no one needs any more, held until :meth:`free` (thread-safe)."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._held: list[object] = []
        self._lock = threading.Lock()

    def keep(self, leftover: object) -> None:
        """Hold ``leftover`` (whatever it refers to) until the next :meth:`free`; beyond
        ``kept`` of them, the oldest is freed here and now."""
        with self._lock:
            self._held.append(leftover)
            oldest = self._held.pop(0) if len(self._held) > self._kept else None
        del oldest  # freed outside the lock

    def free(self) -> None:
        """Free everything held (in the calling thread)."""
        with self._lock:
            held, self._held = self._held, []
        held.clear()

    def __len__(self) -> int:
        return len(self._held)
