"""A PostgreSQL application recorder that commits events and their index rows in one statement.

The library's recorder passes events to PostgreSQL as an array of a composite type, which
psycopg must dump to text in Python, row by row: at 1,000 events a batch that dumping cost as
much as the database's own work. This recorder passes plain ``uuid[]``, ``bigint[]``, ``text[]``
and ``bytea[]`` arrays (in the binary format, each written in one pass: ``infra.binary_arrays``)
to one PL/pgSQL function that does what the library's insert does — take the EXCLUSIVE table
lock (so commit order equals notification order), NOTIFY, insert, return the notification ids —
and also writes the ledger index's leaf, tile and state rows (``infra.ledger_index``): one round
trip, one implicit transaction. The ``(originator_id, originator_version)`` uniqueness that
serialises the ledger's writers is the library's table, unchanged.

A writer's turn (:meth:`ArrayInsertRecorder.writers_lock`) is three round trips: the advisory
lock with a probe for anything newer than the writer has read, the read-ahead, and the commit
with the unlock, all on the lock's connection (``infra.pinned_connection``). Selected with
``APPLICATION_RECORDER_TOPIC``. Its calls give up within seconds when the database is
unreachable (``infra.bounded_postgres``). A chunked commit (``infra.streamed_insert``) calls the
same function several times in one transaction on a connection of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Connection, Cursor
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Identifier, Literal

from infra.binary_arrays import (
    ByteaArray,
    Int4Array,
    Int8Array,
    TextArray,
    UuidArray,
    register_arrays,
)
from infra.bounded_postgres import bounded, gate_of
from infra.ddl_lock import with_ddl_lock
from infra.ledger_index import DuplicateLeaf, IndexChanges, SqlIndex, index_ddl, leaf_rows
from infra.pinned_connection import PinnedConnections
from infra.streamed_insert import StreamedInsert

WRITERS_LOCK = 0x70726F76  # the advisory lock key ("prov") of the ledger's writers
# A chunked commit waits this long at most for a connection of its own (asked for in the middle
# of a writer's turn); without one the commit is written the usual way.
_STREAM_CHECKOUT_SECONDS = 0.2

# Inserts a commit's events and the index rows that describe them, in one statement. A leaf
# row's position is the notification id of the event at ``leaf_rows`` (1-based; 0 keeps the
# position given). Notification ids come from the table's sequence in insertion order.
_INSERT_FUNCTION = (
    "CREATE OR REPLACE FUNCTION {schema}.{function}("
    "ids {id_type}[], versions bigint[], topics text[], states bytea[], "
    "leaf_indices bigint[], leaf_rows integer[], leaf_positions bigint[], event_ids text[], "
    "recorded_ats text[], subjects text[], "
    "tile_levels integer[], tile_numbers bigint[], tile_hashes bytea[], "
    "state_keys text[], state_values text[], new_state_keys text[], new_state_values text[]) "
    "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
    "DECLARE positions bigint[]; "
    "BEGIN "
    "  SET LOCAL lock_timeout = '{lock_timeout}s'; "
    "  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
    "  NOTIFY {channel}; "
    "  WITH inserted AS ("
    "    INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
    "    SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id) "
    "  SELECT array_agg(notification_id ORDER BY notification_id) INTO positions FROM inserted; "
    "  INSERT INTO {schema}.{leaves} (leaf_index, position, event_id, recorded_at, subject) "
    "    SELECT l.i, coalesce(positions[nullif(l.r, 0)], l.p), l.e, l.t, l.s "
    "    FROM unnest(leaf_indices, leaf_rows, leaf_positions, event_ids, recorded_ats, subjects)"
    "    AS l(i, r, p, e, t, s); "
    "  INSERT INTO {schema}.{tiles} (level, idx, hashes) "
    "    SELECT * FROM unnest(tile_levels, tile_numbers, tile_hashes) "
    "    ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes; "
    "  INSERT INTO {schema}.{state} (key, value) "
    "    SELECT * FROM unnest(new_state_keys, new_state_values); "
    "  INSERT INTO {schema}.{state} (key, value) SELECT * FROM unnest(state_keys, state_values) "
    "    ON CONFLICT (key) DO UPDATE SET value = excluded.value; "
    "  RETURN QUERY SELECT unnest(positions); "
    "END; $BODY$"
)


# Event ids, subjects and state keys are looked up, ranged by prefix and ordered, and the
# callers compare them as Python does, by code point (the model list's ``after`` cursor, say).
# A database's default collation need not (the ``postgres`` image initialises en_US.utf8,
# under which ``acme/b`` sorts before ``acme/Model``), so these columns compare bytes, which
# for UTF-8 is code point order, and which also costs PostgreSQL less than a locale's rules.
_CODE_POINTS = 'TEXT COLLATE "C"'
_TO_CODE_POINTS = (
    "DO $$ BEGIN "
    "IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = {leaves_name}::regclass "
    "AND attname IN ('event_id', 'subject') AND attcollation <> '\"C\"'::regcollation) THEN "
    "ALTER TABLE {schema}.{leaves} ALTER COLUMN event_id TYPE {code_points}, "
    "ALTER COLUMN subject TYPE {code_points}; END IF; "
    "IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = {state_name}::regclass "
    "AND attname = 'key' AND attcollation <> '\"C\"'::regcollation) THEN "
    "ALTER TABLE {schema}.{state} ALTER COLUMN key TYPE {code_points}; END IF; "
    "END $$"
)


@dataclass(slots=True)
class _Turn:
    released: bool = False


def _binary_rows(conn: Connection[Any]) -> Cursor[tuple[Any, ...]]:
    """A cursor reading rows as tuples, in PostgreSQL's binary format: the same Python values
    as the text format (ints, UUIDs, strings, bytes), but a stored event's ``bytea`` comes as
    its bytes, not as hex text the server writes and psycopg decodes. Reading 500 stored
    events of ~850 bytes took 0.8 ms of the reader's CPU and 0.7 ms of the server's, against
    1.9-2.3 and 1.6-1.7 in text (two runs of 200 reads each, 2026-12-07): ~4.5 µs less an
    event for the projection worker and the database, which share the cores with the write
    path."""
    return conn.cursor(row_factory=tuple_row, binary=True)


class ArrayInsertRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema)
        id_type = Identifier(self.datastore.originator_id_type)
        self._uuid_ids = self.datastore.originator_id_type == "uuid"
        bare = self.events_table_name.removesuffix("events")
        # Named after the table: two applications in one schema must not replace each
        # other's function (the library's baseline recorder in a benchmark did).
        self._function = f"{bare}commit_{self.datastore.originator_id_type}"
        names = {
            "schema": schema,
            "function": Identifier(self._function),
            "id_type": id_type,
            "lock_timeout": SQL(str(int(self.datastore.lock_timeout))),
            "table": Identifier(self.events_table_name),
            "channel": Identifier(self.channel_name),
            "leaves": Identifier(f"{bare}leaves"),
            "tiles": Identifier(f"{bare}tiles"),
            "state": Identifier(f"{bare}state"),
        }
        self.sql_create_statements.append(SQL(_INSERT_FUNCTION).format(**names))
        prefix = f'"{self.datastore.schema}".{bare}'
        self.sql_create_statements += [
            SQL(statement).format()
            for statement in index_ddl(prefix, "BYTEA", f"{bare}leaves_subject", _CODE_POINTS)
        ]
        # A ledger indexed before its text columns were declared so has them altered once
        # (their indexes are rebuilt; the catalogue is read first, as ALTER TABLE locks the
        # table against the other instances).
        self.sql_create_statements.append(
            SQL(_TO_CODE_POINTS).format(
                leaves_name=Literal(f"{prefix}leaves"),
                state_name=Literal(f"{prefix}state"),
                schema=schema,
                leaves=Identifier(f"{bare}leaves"),
                state=Identifier(f"{bare}state"),
                code_points=SQL(_CODE_POINTS),
            )
        )
        # Tiles are hashes: incompressible, and the edge tile (up to 8 KiB) is rewritten by
        # every commit. Stored out of line without a compression attempt, that rewrite cost
        # PostgreSQL a measurable part of each commit less (bench.ingest: +5% single events).
        # (Altered only once: ALTER TABLE locks the table against the other instances.)
        self.sql_create_statements.append(
            SQL(
                "DO $$ BEGIN IF (SELECT attstorage FROM pg_attribute WHERE attrelid = "
                "{name}::regclass AND attname = 'hashes') <> 'e' THEN ALTER TABLE {schema}.{tiles} "
                "ALTER COLUMN hashes SET STORAGE EXTERNAL; END IF; END $$"
            ).format(
                name=Literal(f"{prefix}tiles"), schema=schema, tiles=Identifier(f"{bare}tiles")
            )
        )
        self.index = SqlIndex(prefix, self._read, self._write, placeholder="%s")
        self._pinned = PinnedConnections(self.datastore.pool)
        self._turn = threading.local()  # the writer's turn this thread is in, if any
        self._lock = SQL("SELECT pg_advisory_lock({key})").format(key=WRITERS_LOCK)
        self._unlock = SQL("SELECT pg_advisory_unlock({key})").format(key=WRITERS_LOCK)
        # max() of an indexed column is always read off the end of its index. Its first
        # spelling, EXISTS (… WHERE notification_id > %s), could be planned as a sequential
        # scan that stops at the first match (as a prepared statement's generic plan, or when
        # the table's statistics lag its growth, as on a busy new ledger): when nothing is
        # newer, the usual turn, it then read the whole table (11 ms a batch at ~50,000
        # events in the batch benchmark, 33 ms at 100,000 under EXPLAIN).
        self._committed_after = SQL(
            "SELECT COALESCE(max(notification_id), 0) > %s FROM {schema}.{table}"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._invoke = SQL(
            "SELECT * FROM {schema}.{function}(%b, %b, %b, %b, %b::bigint[], %b::integer[], "
            "%b::bigint[], %b::text[], %b::text[], %b::text[], %b::integer[], %b::bigint[], "
            "%b::bytea[], %b::text[], %b::text[], %b::text[], %b::text[])"
        ).format(schema=schema, function=Identifier(self._function))
        self._select_notifications = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table}"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._select_rows = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} WHERE originator_id = %s AND originator_version > %s "
            "AND originator_version <= %s ORDER BY originator_version"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def create_table(self) -> None:
        gate_of(self.datastore)
        with_ddl_lock(self.datastore, super().create_table)

    select_events = bounded(PostgresApplicationRecorder.select_events)

    @bounded
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's notifications (the same rows in the same order: its query, its
        arguments), read as tuples. The datastore's dict rows were a tenth of the projection
        worker's samples under batch ingest (py-spy), a third of its reading of pages. With
        ``ArtefactFacts``' shared defaults, the worker's instructions per event (cachegrind,
        10,000 registrations folded by the library's runner) went from ~184k to ~170k, ~9k of
        it from here. The rows come in binary (:func:`_binary_rows`)."""
        conditions: list[Composable] = []
        params: list[int | list[str]] = []
        if start is not None:
            bound = "notification_id>=%s" if inclusive_of_start else "notification_id>%s"
            conditions.append(SQL(bound))
            params.append(start)
        if stop is not None:
            conditions.append(SQL("notification_id <= %s"))
            params.append(stop)
        if topics:
            conditions.append(SQL("topic = ANY(%s)"))
            params.append(list(topics))
        params.append(limit)
        statement = self._select_notifications
        if conditions:
            statement += SQL(" WHERE ") + SQL(" AND ").join(conditions)
        statement += SQL(" ORDER BY notification_id LIMIT %s")
        with self.datastore.get_connection() as conn, _binary_rows(conn) as curs:
            curs.execute(statement, params, prepare=True)
            return [
                Notification(stream, version, topic, bytes(state), position)
                for position, stream, version, topic, state in curs.fetchall()
            ]

    max_notification_id = bounded(PostgresApplicationRecorder.max_notification_id)

    @bounded
    def select_rows(
        self, originator_id: UUID, gt: int, lte: int
    ) -> Sequence[tuple[int, StoredEvent]]:
        """``(notification id, stored event)`` for versions in ``(gt, lte]``, in order."""
        # Tuple rows: the datastore's dict rows cost more than decoding a page of leaves.
        with self.datastore.get_connection() as conn, _binary_rows(conn) as curs:
            curs.execute(self._select_rows, (originator_id, gt, lte), prepare=True)
            return [
                (position, StoredEvent(stream, version, topic, bytes(state)))
                for position, stream, version, topic, state in curs.fetchall()
            ]

    @bounded
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        """Insert the events and the index rows ``index`` names, in one statement (so one
        round trip and one implicit transaction on the pool's autocommit connections)."""
        index: IndexChanges = kwargs.get("index") or IndexChanges()
        arrays = self._arrays(stored_events, index)
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            register_arrays(curs)
            turn: _Turn | None = getattr(self._turn, "state", None)
            if turn is None or self._pinned.pinned is not conn:
                curs.execute(self._invoke, arrays, prepare=True)
                return [row[0] for row in curs.fetchall()]
            # The last call of a writer's turn: release the writers' lock in the same round
            # trip. A failed insert aborts the pipeline before the unlock, and the turn's end
            # releases the lock then.
            with conn.pipeline():
                curs.execute(self._invoke, arrays, prepare=True)
                conn.execute(self._unlock, prepare=True)
            ids = [row[0] for row in curs.fetchall()]
            turn.released = True
            return ids

    def streamed_insert(self) -> StreamedInsert:
        """A commit to send a chunk at a time (``infra.streamed_insert``): calls of the commit
        function in one transaction on a connection of its own."""
        return StreamedInsert(lambda: self._pinned.fresh(_STREAM_CHECKOUT_SECONDS), self._send)

    def _send(
        self, curs: Cursor[Any], stored_events: Sequence[StoredEvent], index: IndexChanges
    ) -> None:
        gate_of(self.datastore).check()
        register_arrays(curs)
        curs.execute(self._invoke, self._arrays(stored_events, index), prepare=True)

    def _arrays(self, stored_events: Sequence[StoredEvent], index: IndexChanges) -> tuple[Any, ...]:
        """The commit function's 17 arguments."""
        rows = leaf_rows(stored_events)
        tiles = list(index.tiles.items())
        state = list(index.state.items())
        new_state = list(index.new_state.items())
        streams: list[Any] = [e.originator_id for e in stored_events]
        return (
            UuidArray.of(streams) if self._uuid_ids else TextArray.of(streams),
            Int8Array.of([e.originator_version for e in stored_events]),
            TextArray.of([e.topic for e in stored_events]),
            ByteaArray.of([e.state for e in stored_events]),
            Int8Array.of([leaf.leaf_index for leaf in index.leaves]),
            Int4Array.of([rows.get(leaf.leaf_index, 0) for leaf in index.leaves]),
            Int8Array.of([leaf.position for leaf in index.leaves]),
            TextArray.of([leaf.event_id for leaf in index.leaves]),
            TextArray.of([leaf.recorded_at for leaf in index.leaves]),
            TextArray.of([leaf.subject for leaf in index.leaves]),
            Int4Array.of([level for (level, _), _ in tiles]),
            Int8Array.of([number for (_, number), _ in tiles]),
            ByteaArray.of([hashes for _, hashes in tiles]),
            TextArray.of([key for key, _ in state]),
            TextArray.of([value for _, value in state]),
            TextArray.of([key for key, _ in new_state]),
            TextArray.of([value for _, value in new_state]),
        )

    @contextmanager
    def writers_lock(self, after: int) -> Iterator[bool]:
        """Hold the ledger's writers' lock (a PostgreSQL advisory lock on a connection of its
        own) while the caller catches up, admits and commits: writers in other processes
        then take turns instead of invalidating each other's admissions without end. The
        caller's thread makes all its calls on that connection meanwhile. Yields whether
        anything was committed after position ``after`` (asked in the lock's round trip, so
        a writer alone on the log need not read it again); the turn's commit releases the
        lock in its own round trip."""
        with self.datastore.get_connection() as conn:
            with conn.pipeline():
                conn.execute(self._lock, prepare=True)
                probe = conn.cursor(row_factory=tuple_row).execute(
                    self._committed_after, (after,), prepare=True
                )
            (moved,) = probe.fetchone() or (True,)
            turn = _Turn()
            self._turn.state = turn
            try:
                with self._pinned.pin(conn):  # the whole turn on this one connection
                    yield bool(moved)
            finally:
                self._turn.state = None
                if not turn.released and not conn.broken:  # a lost session has no lock
                    conn.execute(self._unlock, prepare=True)

    @bounded
    def _read(self, query: Callable[[Any], Any]) -> Any:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return query(curs)

    @bounded
    def _write(self, changes: IndexChanges) -> None:
        try:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as c:
                self.index.write_with(c, changes, {})
        except IntegrityError as error:
            raise DuplicateLeaf(str(error)) from error
