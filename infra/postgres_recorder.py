"""A PostgreSQL application recorder that inserts events as four plain arrays, in one call.

The library's recorder passes events to PostgreSQL as an array of a composite type, which
psycopg must dump to text in Python, row by row: at 1,000 events a batch that dumping cost as
much as the database's own work. This recorder passes ``uuid[]``, ``bigint[]``, ``text[]`` and
``bytea[]`` (dumped by psycopg's C code) to one PL/pgSQL function that does what the library's
insert does — take the EXCLUSIVE table lock (so commit order equals notification order), NOTIFY,
insert, return the notification ids — in a single round trip. The ``(originator_id,
originator_version)`` uniqueness that serialises the ledger's writers is the library's table,
unchanged. Selected with ``APPLICATION_RECORDER_TOPIC``. Its calls give up within seconds when
the database is unreachable (``infra.bounded_postgres``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from infra.bounded_postgres import bounded, gate_of
from infra.ddl_lock import with_ddl_lock
from infra.ledger_index import DuplicateLeaf, IndexChanges, SqlIndex, index_ddl, leaf_positions

WRITERS_LOCK = 0x70726F76  # the advisory lock key ("prov") of the ledger's writers


class ArrayInsertRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema)
        id_type = Identifier(self.datastore.originator_id_type)
        self._function = f"ledger_insert_events_{self.datastore.originator_id_type}"
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "  SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "  NOTIFY {channel}; "
                "  RETURN QUERY "
                "  INSERT INTO {schema}.{table} "
                "    (originator_id, originator_version, topic, state) "
                "  SELECT * FROM unnest(ids, versions, topics, states) "
                "  RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=Identifier(self._function),
                id_type=id_type,
                lock_timeout=self.datastore.lock_timeout,
                table=Identifier(self.events_table_name),
                channel=Identifier(self.channel_name),
            )
        )
        bare = self.events_table_name.removesuffix("events")
        prefix = f'"{self.datastore.schema}".{bare}'
        self.sql_create_statements += [
            SQL(statement).format()
            for statement in index_ddl(prefix, "BYTEA", f"{bare}leaves_subject")
        ]
        self.index = SqlIndex(prefix, self._read, self._write, placeholder="%s")
        self._invoke = SQL("SELECT * FROM {schema}.{function}(%b, %b, %b, %b)").format(
            schema=schema, function=Identifier(self._function)
        )
        self._select_rows = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} WHERE originator_id = %s AND originator_version > %s "
            "AND originator_version <= %s ORDER BY originator_version"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def create_table(self) -> None:
        gate_of(self.datastore)
        with_ddl_lock(self.datastore, super().create_table)

    select_events = bounded(PostgresApplicationRecorder.select_events)
    select_notifications = bounded(PostgresApplicationRecorder.select_notifications)
    max_notification_id = bounded(PostgresApplicationRecorder.max_notification_id)

    @bounded
    def select_rows(
        self, originator_id: UUID, gt: int, lte: int
    ) -> Sequence[tuple[int, StoredEvent]]:
        """``(notification id, stored event)`` for versions in ``(gt, lte]``, in order."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_rows, (originator_id, gt, lte), prepare=True)
            return [
                (
                    row["notification_id"],
                    StoredEvent(
                        originator_id=row["originator_id"],
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    ),
                )
                for row in curs.fetchall()
            ]

    @bounded
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        """Insert the events and the index rows ``index`` names, in one transaction."""
        arrays = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
        )
        index: IndexChanges | None = kwargs.get("index")
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute(self._invoke, arrays, prepare=True)
            ids = [row[self._function] for row in curs.fetchall()]
            if index is not None:
                self.index.write_with(curs, index, leaf_positions(stored_events, ids))
            return ids

    @contextmanager
    def writers_lock(self) -> Iterator[None]:
        """Hold the ledger's writers' lock (a PostgreSQL advisory lock on a connection of its
        own) while the caller catches up, admits and commits: writers in other processes
        then take turns instead of invalidating each other's admissions without end."""
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (WRITERS_LOCK,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (WRITERS_LOCK,))

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
