"""PostgreSQL calls that give up within seconds when the database is unreachable, and come
back by themselves when it returns (DESIGN.md §4: 503 within 10 s, no restart).

The library retries each recorder call ten times and waits up to its connect timeout for a
pooled connection on every attempt, and the pool backs off reconnecting for up to five minutes:
an outage cost ~100 s per request and ~40 s to recover. Here, per datastore:

- the pool waits at most ``CONNECTION_WAIT_SECONDS`` for a connection, new connections time out
  as fast (TCP keepalives and a user timeout catch a silent peer), and the pool stops retrying
  one failed connection after ``RECONNECT_SECONDS`` (a later request starts a fresh attempt);
- :func:`bounded` replaces the library's retry of a recorder method: it retries within
  ``RETRY_BUDGET_SECONDS`` only, then *trips* the datastore's :class:`DatabaseGate`;
- a tripped gate fails every call at once with ``OperationalError`` while a thread probes the
  database with a fresh connection every ``PROBE_SECONDS``; the first success reopens it.

Callers see the library's ``OperationalError`` either way; the API answers it with a 503.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg_pool import ConnectionPool

CONNECTION_WAIT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 2
RECONNECT_SECONDS = 3.0
RETRY_BUDGET_SECONDS = 4.0
RETRY_PAUSE_SECONDS = 0.2
PROBE_SECONDS = 0.5
IDLE_PING_SECONDS = 1.0

_log = logging.getLogger(__name__)
Method = TypeVar("Method", bound=Callable[..., Any])


class DatabaseGate:
    """Whether a datastore's database is known to be unreachable, and the probe that finds
    out when it is back. ``on_reopen`` callbacks run (on the probe's thread) after an outage."""

    def __init__(self, probe: Callable[[], None]) -> None:
        self._probe = probe
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._reason = ""
        self.on_reopen: list[Callable[[], None]] = []

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def check(self) -> None:
        """Raise ``OperationalError`` at once while the database is known to be down."""
        if self._down_since is not None:
            seconds = time.monotonic() - self._down_since
            raise OperationalError(
                f"the database is unreachable (for {seconds:.0f} s: {self._reason})"
            )

    def trip(self, error: BaseException) -> None:
        with self._lock:
            if self._down_since is not None:
                return
            self._down_since, self._reason = time.monotonic(), str(error).splitlines()[0]
        _log.error("the database is unreachable: %s", self._reason)
        threading.Thread(target=self._probe_until_back, name="database-probe", daemon=True).start()

    def _probe_until_back(self) -> None:
        while True:
            time.sleep(PROBE_SECONDS)
            try:
                self._probe()
            except Exception as error:  # still down: keep probing
                self._reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                continue
            break
        with self._lock:
            self._down_since = None
        _log.warning("the database is reachable again")
        for callback in list(self.on_reopen):
            try:
                callback()
            except Exception:
                _log.exception("a check after the database came back failed")


def gate_of(datastore: PostgresDatastore) -> DatabaseGate:
    """The datastore's gate, created (and its pool bounded) on first use."""
    gate: DatabaseGate | None = getattr(datastore, "ledger_gate", None)
    if gate is None:
        gate = DatabaseGate(lambda: _probe(datastore))
        _bound_pool(datastore)
        datastore.ledger_gate = gate  # type: ignore[attr-defined]
    return gate


def _bound_pool(datastore: PostgresDatastore) -> None:
    pool = datastore.pool
    pool.timeout = CONNECTION_WAIT_SECONDS
    pool.reconnect_timeout = RECONNECT_SECONDS
    if isinstance(pool.kwargs, dict):
        pool.kwargs = {**pool.kwargs, **_connection_limits()}
    if getattr(pool, "_check", None) is not None:
        _ping_only_idle_connections(pool)


def _ping_only_idle_connections(pool: ConnectionPool[Any]) -> None:
    """The library's pre-ping checks every connection it hands out: a round trip before
    every query, and under load the writer's busiest wait. A connection given back less than
    ``IDLE_PING_SECONDS`` ago is handed out unchecked; one idle longer (the database may have
    restarted meanwhile) is pinged as before. A query on a connection that broke in between
    fails with ``OperationalError``, which :func:`bounded` retries on a fresh connection.
    (The pool's ``check`` is only a constructor argument; its attribute is replaced here.)"""
    returned: WeakKeyDictionary[Connection[Any], float] = WeakKeyDictionary()
    give_back = pool.putconn

    def putconn(conn: Connection[Any]) -> None:
        returned[conn] = time.monotonic()
        give_back(conn)

    def check(conn: Connection[Any]) -> None:
        given_back = returned.get(conn)
        if given_back is not None and time.monotonic() - given_back < IDLE_PING_SECONDS:
            return
        ConnectionPool.check_connection(conn)

    pool.putconn = putconn  # type: ignore[method-assign]
    pool._check = check


def _connection_limits() -> dict[str, Any]:
    return {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": 5000,  # ms: unacknowledged data means the peer is gone
    }


def _probe(datastore: PostgresDatastore) -> None:
    kwargs = datastore.pool.kwargs if isinstance(datastore.pool.kwargs, dict) else {}
    connect = {k: v for k, v in kwargs.items() if k != "row_factory"}
    with psycopg.connect(**connect) as connection:
        connection.execute("SELECT 1")


def bounded(method: Method) -> Method:
    """``method`` (a library recorder method decorated with ``retry``) retried within
    ``RETRY_BUDGET_SECONDS`` only, failing at once while its datastore's gate is tripped."""
    inner: Callable[..., Any] = getattr(method, "__wrapped__", method)

    @functools.wraps(inner)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        gate = gate_of(self.datastore)
        gate.check()
        deadline = time.monotonic() + RETRY_BUDGET_SECONDS
        while True:
            try:
                return inner(self, *args, **kwargs)
            except (InterfaceError, OperationalError) as error:
                if gate.down or time.monotonic() + RETRY_PAUSE_SECONDS >= deadline:
                    gate.trip(error)
                    raise
                time.sleep(RETRY_PAUSE_SECONDS)

    return call  # type: ignore[return-value]
