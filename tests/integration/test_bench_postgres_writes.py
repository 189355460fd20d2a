"""``make bench-cpu`` says what PostgreSQL wrote per event (``bench.cpu_split.PostgresWrites``):
its WAL and the pages added to the database's tables and indexes, read from the server."""

from __future__ import annotations

import psycopg

from bench.cpu_split import PostgresWrites

ROWS = 2000
ROW_BYTES = 1000


def test_the_counters_grow_with_what_is_written_and_read_per_event(postgres_url: str) -> None:
    before = PostgresWrites.now(postgres_url)
    assert before is not None
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE written (id int PRIMARY KEY, body text)")
        connection.execute(
            "INSERT INTO written SELECT i, repeat(md5(i::text), %s) FROM generate_series(1, %s) i",
            (ROW_BYTES // 32, ROWS),
        )
    after = PostgresWrites.now(postgres_url)
    assert after is not None
    assert after.wal_bytes - before.wal_bytes >= ROWS * ROW_BYTES
    assert after.database_bytes - before.database_bytes >= ROWS * ROW_BYTES
    line = after.line(before, ROWS)
    assert line.startswith("PostgreSQL wrote per event: ")
    wal, grown = (float(part.split(" KiB")[0]) for part in line.split(": ")[1].split(", "))
    assert wal >= ROW_BYTES / 1024
    assert grown >= ROW_BYTES / 1024


def test_a_server_that_cannot_be_asked_gives_no_counters() -> None:
    assert PostgresWrites.now("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2") is None
