"""The ledger's PostgreSQL recorder on a real database: its insert function, the writer's
pinned connection and the DDL lock's connection."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Notification, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.rows import dict_row

from domain.ledger import LEDGER_ID
from infra import postgres_recorder
from infra.event_log import EventLog
from infra.ledger_index import IndexChanges, IndexedLeaf, SqlIndex
from infra.persistence import persistence_env
from infra.postgres_recorder import WRITERS_LOCK, ArrayInsertRecorder


class _Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


class _OtherApplication(Application[uuid.UUID]):
    name = "OtherApplication"


def _recorder(log: EventLog) -> ArrayInsertRecorder:
    recorder = log._app.recorder
    assert isinstance(recorder, ArrayInsertRecorder)
    return recorder


def _backend_pid(recorder: ArrayInsertRecorder) -> int:
    def query(cursor: Any) -> int:
        cursor.execute("SELECT pg_backend_pid() AS pid")
        return int(cursor.fetchall()[0]["pid"])

    pid: int = recorder._read(query)
    return pid


def test_another_application_in_the_schema_does_not_take_the_ledgers_inserts(
    postgres_url: str,
    event_log: EventLog,
) -> None:
    """Each application's insert function is its own: a second application opened in the same
    schema (a benchmark's baseline did) used to replace the ledger's, whose commits then went
    into the other application's table."""
    other = _OtherApplication(env=persistence_env(postgres_url))
    try:
        other.save(_Note("not a ledger event"))
        ledger_stream = uuid.uuid4()
        _recorder(event_log).insert_events(
            [StoredEvent(ledger_stream, 1, "topic", b"{}")],
            index=IndexChanges(state={"probe": "1"}, tiles={(0, 0): b"\x01" * 32}),
        )
        with psycopg.connect(postgres_url) as connection:
            mine = connection.execute(
                "SELECT count(*) FROM provenanceledger_events WHERE originator_id = %s",
                (ledger_stream,),
            ).fetchone()
            theirs = connection.execute(
                "SELECT count(*) FROM otherapplication_events WHERE originator_id = %s",
                (ledger_stream,),
            ).fetchone()
            state = connection.execute(
                "SELECT value FROM provenanceledger_state WHERE key = 'probe'"
            ).fetchone()
        assert (mine, theirs, state) == ((1,), (0,), ("1",))
    finally:
        other.close()


def test_a_commit_writes_its_leaf_rows_with_the_positions_the_insert_gave(
    postgres_url: str,
    event_log: EventLog,
) -> None:
    recorder = _recorder(event_log)
    with psycopg.connect(postgres_url) as connection:
        (before,) = connection.execute(
            "SELECT coalesce(max(notification_id), 0) FROM provenanceledger_events"
        ).fetchone() or (0,)
    start = 10_000  # versions far from the ledger the log opened
    ids = recorder.insert_events(
        [
            StoredEvent(uuid.uuid4(), 1, "other", b"{}"),
            StoredEvent(LEDGER_ID, start + 2, "leaf", b"{}"),
            StoredEvent(LEDGER_ID, start + 3, "leaf", b"{}"),
        ],
        index=IndexChanges(
            leaves=[
                IndexedLeaf(start, 0, "e" * 64, "2026-12-02T00:00:00Z", "s1"),
                IndexedLeaf(start + 1, 0, "f" * 64, "2026-12-02T00:00:00Z", "s2"),
            ]
        ),
    )
    assert len(ids) == 3
    assert ids == sorted(ids)
    assert ids[0] > before
    found = {leaf.event_id: leaf.position for leaf in recorder.index.leaves(start, start + 1)}
    assert found == {"e" * 64: ids[1], "f" * 64: ids[2]}


def _writers_lock_holders(url: str) -> set[int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (WRITERS_LOCK,),
        ).fetchall()
    return {pid for (pid,) in rows}


def test_a_writers_turn_makes_all_its_calls_on_the_locks_connection(
    postgres_url: str, event_log: EventLog
) -> None:
    recorder = _recorder(event_log)
    elsewhere: list[int] = []
    with event_log.writers_lock(0):
        inside = {_backend_pid(recorder) for _ in range(5)}
        other_thread = threading.Thread(target=lambda: elsewhere.append(_backend_pid(recorder)))
        other_thread.start()
        other_thread.join()
        holders = _writers_lock_holders(postgres_url)
    assert len(inside) == 1
    assert inside == holders
    assert elsewhere  # other threads use the pool
    assert elsewhere[0] not in inside
    assert not _writers_lock_holders(postgres_url)


def test_a_turn_whose_commit_fails_leaves_the_connection_usable(event_log: EventLog) -> None:
    """A conflicting insert inside a turn (another writer got there first) must not leave the
    pinned connection in a failed transaction: the catch-up that follows reads on it."""
    recorder = _recorder(event_log)
    stream = uuid.uuid4()
    recorder.insert_events([StoredEvent(stream, 1, "topic", b"{}")])
    with event_log.writers_lock(0):
        with pytest.raises(IntegrityError, match="duplicate key"):
            recorder.insert_events([StoredEvent(stream, 1, "topic", b"{}")])
        assert recorder.max_notification_id() is not None


def test_opening_a_log_leaves_the_pools_connections_in_autocommit(event_log: EventLog) -> None:
    """The DDL lock's connection goes back to the pool as the pool configured it (it was
    left outside autocommit, so the writer's statements on it stayed uncommitted)."""
    pool = _recorder(event_log).datastore.pool
    connections = [pool.getconn() for _ in range(3)]
    try:
        assert all(connection.autocommit for connection in connections)
    finally:
        for connection in connections:
            pool.putconn(connection)


def test_a_turn_says_whether_the_log_moved_and_its_commit_releases_the_lock(
    postgres_url: str,
    event_log: EventLog,
) -> None:
    recorder = _recorder(event_log)
    recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "topic", b"{}")])
    last = recorder.max_notification_id() or 0
    with event_log.writers_lock(last) as moved:
        assert not moved
    with event_log.writers_lock(last - 1) as moved:
        assert moved
    with event_log.writers_lock(last) as moved:
        assert _writers_lock_holders(postgres_url)
        recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "topic", b"{}")])
        assert not _writers_lock_holders(postgres_url)  # released with the commit
    assert not _writers_lock_holders(postgres_url)
    stream = uuid.uuid4()
    recorder.insert_events([StoredEvent(stream, 1, "topic", b"{}")])
    with event_log.writers_lock(last):
        with pytest.raises(IntegrityError):
            recorder.insert_events([StoredEvent(stream, 1, "topic", b"{}")])
        assert _writers_lock_holders(postgres_url)  # a failed commit keeps the turn
    assert not _writers_lock_holders(postgres_url)


def test_tiles_are_stored_without_a_compression_attempt(
    postgres_url: str, event_log: EventLog
) -> None:
    with psycopg.connect(postgres_url) as connection:
        row = connection.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'provenanceledger_tiles'::regclass AND attname = 'hashes'"
        ).fetchone()
    assert row == ("e",)


def test_array_lookups_are_planned_for_each_call_never_prepared(
    postgres_url: str, event_log: EventLog
) -> None:
    """A prepared lookup keeps the generic plan chosen while the table was small: after a new
    ledger's first single-event writes it stayed a sequential scan, and every 1,000-envelope
    batch's read-ahead then compared each leaf with its 1,000 ids (PostgreSQL spent ~0.7 CPU-s
    a batch at ~20,000 leaves, growing, and batch ingest fell to a third). The array lookups
    are planned with the values at hand instead: none of them is left prepared on the
    connection."""
    prefix = _recorder(event_log).index._t
    with psycopg.connect(postgres_url, row_factory=dict_row, autocommit=True) as connection:
        index = SqlIndex(
            prefix,
            lambda query: query(connection.cursor()),
            lambda changes: None,
            placeholder="%s",
        )
        for _ in range(3 * (connection.prepare_threshold or 5)):
            index.lookup(["ab" * 32], ["signer:x"])
            index.leaves_by_event_id(["cd" * 32])
            index.state(["signer:y"])
            index.indexed_size()  # no array: prepared as before
        prepared = [
            row["statement"]
            for row in connection.execute("SELECT statement FROM pg_prepared_statements")
        ]
    assert not [statement for statement in prepared if "ANY(" in statement], prepared
    assert [statement for statement in prepared if "max(leaf_index)" in statement]


def test_a_writers_turn_asks_whether_the_log_moved_off_the_end_of_an_index(
    postgres_url: str, event_log: EventLog
) -> None:
    """Every writer's turn asks whether anything was committed after what it has read. Asked
    as EXISTS (… WHERE notification_id > $1), a generic plan (or one made on statistics
    that lag the table's growth) was a sequential scan that stops at the first match, so
    when nothing was newer (the usual turn) it read the whole table: 11 ms a batch at
    ~50,000 events in the batch benchmark. However it is planned, the question must be
    answered from the index."""
    recorder = _recorder(event_log)
    table = recorder.events_table_name
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "  # noqa: S608
            "SELECT gen_random_uuid(), 1, 'x', ''::bytea FROM generate_series(1, 20000)"
        )
        connection.execute(f"ANALYZE {table}")
        probe = recorder._committed_after.as_string(connection)
        connection.execute("SET plan_cache_mode = force_generic_plan")
        connection.execute(f"PREPARE probe(bigint) AS {probe.replace('%s', '$1')}")
        plan = "\n".join(row[0] for row in connection.execute("EXPLAIN EXECUTE probe(30000)"))
        (moved,) = connection.execute("EXECUTE probe(30000)").fetchone() or (None,)
        (behind,) = connection.execute("EXECUTE probe(1)").fetchone() or (None,)
    assert "Seq Scan" not in plan, plan
    assert "Index Only Scan Backward" in plan, plan
    assert (moved, behind) == (False, True)


AWKWARD = ['q"uote', "back\\slash", "com,ma", "{brace}", "é ✓ 𝄞", "lit\\u0000eral", "NULL", " "]


def test_lookups_find_awkward_strings_and_pass_over_unstorable_ones(event_log: EventLog) -> None:
    """Lists of values travel as one JSON parameter: every string comes back as written, and
    strings no row can hold (a NUL, a lone surrogate: a hostile statement's subject, read
    ahead before admission refuses it) find nothing instead of failing the query."""
    index = event_log.index
    stored = {f"s:{text}": f"value of {text}" for text in AWKWARD}
    index.write(IndexChanges(state=stored, tiles={(0, 7): b"\x02" * 32}))
    unstorable = ["s:nul\x00here", "s:lone \ud800 surrogate"]
    assert index.state([*stored, *unstorable]) == stored
    leaves, values = index.lookup(["ab" * 32, "\x00"], [*unstorable, *stored])
    assert (leaves, values) == ([], stored)
    assert index.tiles([(0, 7), (0, 8)]) == {(0, 7): b"\x02" * 32}


def test_notifications_are_the_librarys_rows_read_as_tuples(event_log: EventLog) -> None:
    """The recorder reads notifications with tuple rows (the library's dict rows were a third
    of the projection worker's reading of pages): the same rows, in the same order, for every
    combination of bounds and topics the library's subscriptions use."""
    recorder = _recorder(event_log)
    streams = [uuid.uuid4(), uuid.uuid4()]
    recorder.insert_events(
        [
            StoredEvent(streams[i % 2], 1 + i // 2, f"topic-{i % 3}", f'{{"i":{i}}}'.encode())
            for i in range(12)
        ]
    )
    last = recorder.max_notification_id() or 0
    calls: list[dict[str, Any]] = [
        {"start": None, "limit": 100},
        {"start": 1, "limit": 5},
        {"start": last - 6, "limit": 100, "inclusive_of_start": False},
        {"start": 2, "limit": 100, "stop": last - 3},
        {"start": None, "limit": 100, "stop": last - 8},
        {"start": 1, "limit": 100, "topics": ["topic-1", "topic-2"]},
        {"start": None, "limit": 3, "topics": ("topic-0",), "stop": last},
        {"start": last + 1, "limit": 10},
    ]
    for call in calls:
        ours = recorder.select_notifications(**call)
        theirs = PostgresApplicationRecorder.select_notifications(recorder, **call)
        assert ours == theirs, call
        assert all(type(n) is Notification and type(n.state) is bytes for n in ours)
    assert len(recorder.select_notifications(start=None, limit=100)) >= 12


def test_stored_events_are_read_in_binary_with_the_librarys_values(
    event_log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notifications (the projection worker's pages) and a stream's rows come in PostgreSQL's
    binary format: a stored event's bytes as they are, not as hex text the server writes and
    the reader decodes. The values are the library's text reading's, whatever bytes a state
    holds."""
    recorder = _recorder(event_log)
    cursors: list[psycopg.Cursor[Any]] = []
    opened = postgres_recorder._binary_rows

    def recorded(conn: psycopg.Connection[Any]) -> psycopg.Cursor[Any]:
        cursor = opened(conn)
        cursors.append(cursor)
        return cursor

    monkeypatch.setattr(postgres_recorder, "_binary_rows", recorded)
    stream = uuid.uuid4()
    states = [bytes(range(256)), b"", b"\\x00", "é\x00".encode(), b'{"i":1}']
    recorder.insert_events(
        [StoredEvent(stream, 1 + i, "binary-topic", state) for i, state in enumerate(states)]
    )
    call: dict[str, Any] = {"start": None, "limit": 100, "topics": ["binary-topic"]}
    ours = recorder.select_notifications(**call)
    assert ours == PostgresApplicationRecorder.select_notifications(recorder, **call)
    assert [n.state for n in ours] == states
    assert [type(n.originator_id) for n in ours] == [uuid.UUID] * len(states)
    rows = recorder.select_rows(stream, 0, len(states))
    assert [event.state for _, event in rows] == states
    assert [position for position, _ in rows] == [n.id for n in ours]
    assert [cursor.format for cursor in cursors] == [psycopg.pq.Format.BINARY] * 2
