"""A PostgreSQL commit sent a chunk at a time in one transaction (issue 9).

With one client posting batches of 1,000, a commit was ~35 ms of the ~140 ms each request
took, and the other core was idle for most of it (30 of the 48 ms a batch that neither core
used; a timeline of ``bench.cpu_split --clients 1``, 2026-12-06): PostgreSQL waited while the
writer made the rows, then the writer waited while PostgreSQL inserted them. Sent in pipeline
mode a chunk at a time, PostgreSQL inserts each chunk while the writer makes the next.

It is an optimisation only. Any failure before ``COMMIT`` (on a connection still alive: an
``IntegrityError`` because another instance appended first, a lock timeout, a value refused
while the rows were written) rolls the transaction back, nothing of it is written, and it is
*abandoned*: its caller commits the usual way, whose outcome and errors are the usual ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, suppress
from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError, StoredEvent
from psycopg import Connection, Cursor
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row

from infra.ledger_index import IndexChanges

_log = logging.getLogger(__name__)
Write = Callable[["Cursor[Any]", Sequence[StoredEvent], IndexChanges], None]
_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class StreamedInsert:
    """One transaction on a pooled connection of its own, in pipeline mode. :meth:`send`
    queues a call of the commit function (``write``: the events and their index rows) and
    returns at once; :meth:`commit` queues the last one and ``COMMIT``, then waits for all of
    them. Its own connection, not the writer's turn's: nothing else the turn reads may see
    rows before they are committed. For one thread."""

    def __init__(
        self, checkout: Callable[[], AbstractContextManager[Connection[Any]]], write: Write
    ) -> None:
        self._checkout = checkout
        self._write = write
        self._stack = ExitStack()
        self._conn: Connection[Any] | None = None
        self._pipeline: psycopg.Pipeline | None = None
        self._cursors: list[Cursor[Any]] = []
        self.abandoned = False

    def send(self, events: Sequence[StoredEvent], index: IndexChanges) -> None:
        """Queue ``events`` and their index rows (the first call begins the transaction);
        a failure abandons the stream."""
        if self.abandoned:
            return
        try:
            if self._pipeline is None:
                self._begin()
            assert self._conn is not None
            cursor = self._conn.cursor(row_factory=tuple_row)
            self._write(cursor, events, index)
            self._cursors.append(cursor)
        except Exception:  # psycopg's errors, the pool's timeout, a value refused
            self.abandon()

    def commit(
        self,
        events: Sequence[StoredEvent],
        index: IndexChanges,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[int] | None:
        """Queue the last rows and ``COMMIT``, call ``meanwhile`` (if given: the database
        works through what was sent while it runs), and wait: the positions of every event
        sent, in order; None when the stream was abandoned (nothing of it is written). Raises
        ``OperationalError`` when the connection was lost once ``COMMIT`` may have gone: as
        for any commit whose answer is lost, whether it committed is unknown."""
        self.send(events, index)
        if self.abandoned or self._conn is None or self._pipeline is None:
            self.abandon()
            return None
        conn = self._conn
        try:
            conn.execute("COMMIT")
            if meanwhile is not None:
                _call_aside(meanwhile)
            self._pipeline.sync()
            positions = [row[0] for cursor in self._cursors for row in cursor.fetchall()]
        except psycopg.Error as error:
            if conn.broken:
                self.close()
                raise OperationalError(str(error)) from error
            self.abandon()  # an error ends the transaction before COMMIT: nothing is written
            return None
        self.close()
        return positions

    def abandon(self) -> None:
        """Roll back what was sent and give the connection back; the caller commits the
        usual way."""
        self.abandoned = True
        self.close()

    def close(self) -> None:
        """Leave pipeline mode, roll back anything not committed, give the connection back
        (idempotent)."""
        self._pipeline, self._conn, self._cursors = None, None, []
        with suppress(Exception):  # a broken connection goes back to the pool to be discarded
            self._stack.close()

    def _begin(self) -> None:
        conn = self._stack.enter_context(self._checkout())
        self._conn = conn
        self._stack.callback(_roll_back, conn)  # after the pipeline is left (last in, first out)
        self._pipeline = self._stack.enter_context(conn.pipeline())
        conn.execute("BEGIN")


def _call_aside(work: Callable[[], None]) -> None:
    """Run ``work`` while ``COMMIT`` is on its way: whatever it raises is logged, never
    raised, as the commit's outcome is the database's alone."""
    try:
        work()
    except Exception:
        _log.exception("work done while a commit was written failed; the commit goes on")


def _roll_back(conn: Connection[Any]) -> None:
    if not conn.broken and conn.info.transaction_status in _OPEN:
        conn.execute("ROLLBACK")
