"""One pooled PostgreSQL connection that a thread keeps across several recorder calls.

A writer's turn (take the writers' lock, catch up, read ahead, commit, release the lock) used to
check a connection out of the pool for every call: each checkout is Python work in the pool and
the library, done while other threads want the interpreter. While a thread has pinned a
connection, the pool's ``connection()`` hands that thread the same connection (one it can still
use: a broken one falls back to the pool, so retries after a failure get a fresh connection);
other threads use the pool as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool


class PinnedConnections:
    """Installs itself in front of ``pool.connection``; :meth:`pin` holds one for a thread."""

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self._local = threading.local()
        checkout: Callable[..., AbstractContextManager[Connection[Any]]] = pool.connection
        self._checkout = checkout

        @contextmanager
        def connection(timeout: float | None = None) -> Iterator[Connection[Any]]:
            pinned: Connection[Any] | None = getattr(self._local, "connection", None)
            if pinned is None or pinned.broken or pinned.closed:
                with checkout(timeout) as fresh:
                    yield fresh
            else:
                with pinned:  # ends a transaction as the pool's own checkout does
                    yield pinned

        pool.connection = connection  # type: ignore[method-assign]

    @property
    def pinned(self) -> Connection[Any] | None:
        """This thread's pinned connection, if it holds one."""
        connection: Connection[Any] | None = getattr(self._local, "connection", None)
        return connection

    def fresh(self, timeout: float | None = None) -> AbstractContextManager[Connection[Any]]:
        """A checkout from the pool that never hands out this thread's pinned connection (a
        transaction of its own beside the turn's: ``infra.streamed_insert``)."""
        return self._checkout(timeout)

    @contextmanager
    def pin(self, connection: Connection[Any]) -> Iterator[None]:
        """While inside, this thread's checkouts get ``connection`` (autocommit: each call
        still commits on its own)."""
        self._local.connection = connection
        try:
            yield
        finally:
            self._local.connection = None
