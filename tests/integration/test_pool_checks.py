"""The pool pings only connections that sat idle: a busy writer makes no extra round trip,
and a connection the database dropped while idle is still replaced before use."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from infra import bounded_postgres
from infra.event_log import EventLog


def _pool(log: EventLog) -> ConnectionPool[Any]:
    pool: ConnectionPool[Any] = log._app.recorder.datastore.pool  # type: ignore[attr-defined]
    return pool


def _pid(pool: ConnectionPool[Any]) -> int:
    with pool.connection() as connection:
        row = connection.execute("SELECT pg_backend_pid() AS pid").fetchone()
        assert row is not None
        return int(row["pid"])


def test_a_connection_given_back_just_now_is_not_pinged(
    event_log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = _pool(event_log)
    _pid(pool)
    pings: list[object] = []
    real = ConnectionPool.check_connection

    def counted(connection: Any) -> None:
        pings.append(connection)
        real(connection)

    monkeypatch.setattr(ConnectionPool, "check_connection", counted)
    for _ in range(5):
        _pid(pool)
    assert pings == []
    monkeypatch.setattr(bounded_postgres, "IDLE_PING_SECONDS", 0.0)
    _pid(pool)
    assert len(pings) == 1


def test_a_connection_dropped_while_idle_is_replaced_before_use(
    postgres_url: str, event_log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = _pool(event_log)
    dropped = _pid(pool)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (dropped,))
    monkeypatch.setattr(bounded_postgres, "IDLE_PING_SECONDS", 0.0)  # it has been idle
    assert _pid(pool) != dropped
