"""Application recorders that keep the ledger index (``infra.ledger_index``) and read a stream's
events with their log positions.

Each recorder writes the index rows a commit passes (``index=IndexChanges``, through
``Application.save``'s keyword arguments) in the transaction that inserts its events, so the
index never disagrees with the log. ``select_rows(originator_id, gt, lte)`` answers
``(notification id, stored event)`` for the versions in ``(gt, lte]``, in version order: the
ledger's leaves by index, with the positions (notification ids) the library's ``select_events``
leaves out. PostgreSQL's is in ``infra.postgres_recorder``; here are SQLite's (selected with
``APPLICATION_RECORDER_TOPIC``) and the in-memory store's (chosen by
``infra.event_log.LedgerApplication``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from infra.ledger_index import (
    DuplicateLeaf,
    IndexChanges,
    MemoryIndex,
    SqlIndex,
    index_ddl,
    leaf_positions,
)

Rows = Sequence[tuple[int, StoredEvent]]


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.index = SqlIndex("ledger_", self._read, self._write, placeholder="?")

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *index_ddl("ledger_", "BLOB", "ledger_leaves_subject"),
        ]

    def _read(self, query: Callable[[Any], Any]) -> Any:
        with self.datastore.transaction(commit=False) as cursor:
            return query(cursor)

    def _write(self, changes: IndexChanges) -> None:
        try:
            with self.datastore.transaction(commit=True) as cursor:
                self.index.write_with(cursor, changes, {})
        except (sqlite3.IntegrityError, IntegrityError) as error:
            raise DuplicateLeaf(str(error)) from error

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        index: IndexChanges | None = kwargs.get("index")
        if index is not None:
            try:
                self.index.write_with(c, index, leaf_positions(stored_events, ids))
            except sqlite3.IntegrityError as error:
                raise IntegrityError(str(error)) from error
        return ids

    def select_rows(self, originator_id: UUID, gt: int, lte: int) -> Rows:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT rowid, * FROM {self.events_table_name} WHERE originator_id=? "  # noqa: S608
                "AND originator_version>? AND originator_version<=? ORDER BY originator_version",
                (originator_id.hex, gt, lte),
            )
            return [
                (
                    row["rowid"],
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    ),
                )
                for row in cursor.fetchall()
            ]


class POPOLedgerRecorder(POPOApplicationRecorder):
    def __init__(self) -> None:
        super().__init__()
        self.index = MemoryIndex()

    def _update_table(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Under the store's lock, after its own checks: like the SQL stores' keys, a leaf or
        event id indexed already refuses the whole insert (``IntegrityError``), events and all."""
        index: IndexChanges | None = kwargs.get("index")
        if index is not None:
            try:
                self.index.refuse_duplicates(index)
            except DuplicateLeaf as error:
                raise IntegrityError(str(error)) from error
        ids = super()._update_table(stored_events, **kwargs)
        if index is not None:
            self.index.write_with(None, index, leaf_positions(stored_events, ids))
        return ids

    def select_rows(self, originator_id: UUID, gt: int, lte: int) -> Rows:
        with self._database_lock:
            index = self._stored_events_index[str(originator_id)]
            return [
                (index[version] + 1, self._stored_events[index[version]])
                for version in range(gt + 1, lte + 1)
                if version in index
            ]
