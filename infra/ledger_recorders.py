"""Application recorders that can also read a stream's events with their log positions.

``select_rows(originator_id, gt, lte)`` answers ``(notification id, stored event)`` for the
versions in ``(gt, lte]``, in version order: the ledger's leaves by index, with the positions
(notification ids) the library's ``select_events`` leaves out. PostgreSQL's is in
``infra.postgres_recorder``; here are SQLite's (selected with ``APPLICATION_RECORDER_TOPIC``) and
the in-memory store's (chosen by ``infra.event_log.LedgerApplication``).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

Rows = Sequence[tuple[int, StoredEvent]]


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
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
    def select_rows(self, originator_id: UUID, gt: int, lte: int) -> Rows:
        with self._database_lock:
            index = self._stored_events_index[str(originator_id)]
            return [
                (index[version] + 1, self._stored_events[index[version]])
                for version in range(gt + 1, lte + 1)
                if version in index
            ]
