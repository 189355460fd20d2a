"""Materialised views of the latest assessments, one per backend, each a tracking recorder.

Every write stores the changed assessments *and* the tracking record of the event that caused
them in one transaction, and the tracking record refuses a position it has already passed: so
each event's effect is applied exactly once and a restarted projection resumes where it
stopped (``eventsourcing``'s tracking recorders, DESIGN.md §6 / issue 3).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL, Identifier

from infra.bounded_postgres import bounded, gate_of
from infra.ddl_lock import with_ddl_lock

ASSESSMENTS = "assessments"  # the projection's name: the prefix of its tables and variables


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    model: str
    policy: str
    body: bytes
    position: int


class AssessmentStore(TrackingRecorder, ABC):
    @abstractmethod
    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        """Upsert ``rows`` and record ``tracking`` atomically."""

    @abstractmethod
    def get(self, model: str, policy: str) -> StoredAssessment | None: ...

    @abstractmethod
    def clear(self, application_name: str) -> None:
        """Forget every assessment and the tracking position (for a rebuild from zero)."""


class POPOAssessmentStore(AssessmentStore, POPOTrackingRecorder):
    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[tuple[str, str], StoredAssessment] = {}

    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        with self._database_lock:
            self._assert_tracking_uniqueness(tracking)
            self._rows.update({(r.model, r.policy): r for r in rows})
            self._insert_tracking(tracking)

    def get(self, model: str, policy: str) -> StoredAssessment | None:
        with self._database_lock:
            return self._rows.get((model, policy))

    def clear(self, application_name: str) -> None:
        with self._database_lock:
            self._rows.clear()
            self._max_tracking_ids.pop(application_name, None)


class SQLiteAssessmentStore(AssessmentStore, SQLiteTrackingRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS assessments (model TEXT, policy TEXT, body BLOB, "
            "position INTEGER, PRIMARY KEY (model, policy)) WITHOUT ROWID",
        ]

    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for row in rows:
                cursor.execute(
                    "INSERT INTO assessments VALUES (?, ?, ?, ?) ON CONFLICT (model, policy) "
                    "DO UPDATE SET body = excluded.body, position = excluded.position",
                    (row.model, row.policy, row.body, row.position),
                )
            self._insert_tracking(cursor, tracking)

    def get(self, model: str, policy: str) -> StoredAssessment | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT body, position FROM assessments WHERE model = ? AND policy = ?",
                (model, policy),
            )
            row = cursor.fetchone()
        return None if row is None else StoredAssessment(model, policy, _blob(row[0]), row[1])

    def clear(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM assessments")
            cursor.execute("DELETE FROM tracking WHERE application_name = ?", (application_name,))


def _blob(value: object) -> bytes:
    """A stored body as bytes: SQLite keeps whatever type was written into a column, and a
    tampered row's text or number must reach the auditor as a mismatch, not a crash."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "backslashreplace")


class PostgresAssessmentStore(AssessmentStore, PostgresTrackingRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._table = Identifier(f"{self.tracking_table_name.rsplit('_', 1)[0]}_assessments")
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (model text, policy text, "
                "body bytea, position bigint, PRIMARY KEY (model, policy))"
            ).format(schema=schema, table=self._table)
        )
        self._upsert = SQL(
            "INSERT INTO {schema}.{table} VALUES (%s, %s, %s, %s) ON CONFLICT (model, policy) "
            "DO UPDATE SET body = excluded.body, position = excluded.position"
        ).format(schema=schema, table=self._table)
        self._select = SQL(
            "SELECT body, position FROM {schema}.{table} WHERE model = %s AND policy = %s"
        ).format(schema=schema, table=self._table)
        self._truncate = SQL("DELETE FROM {schema}.{table}").format(
            schema=schema, table=self._table
        )
        self._forget = SQL("DELETE FROM {schema}.{tracking} WHERE application_name = %s").format(
            schema=schema, tracking=Identifier(self.tracking_table_name)
        )

    def create_table(self) -> None:
        gate_of(self.datastore)
        with_ddl_lock(self.datastore, super().create_table)

    insert_tracking = bounded(PostgresTrackingRecorder.insert_tracking)
    max_tracking_id = bounded(PostgresTrackingRecorder.max_tracking_id)
    has_tracking_id = bounded(PostgresTrackingRecorder.has_tracking_id)

    @bounded
    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for row in rows:
                cursor.execute(self._upsert, (row.model, row.policy, row.body, row.position))
            self._insert_tracking(cursor, tracking)

    @bounded
    def get(self, model: str, policy: str) -> StoredAssessment | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._select, (model, policy))
            row = cursor.fetchone()
        if row is None:
            return None
        return StoredAssessment(model, policy, bytes(row["body"]), row["position"])

    def clear(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._truncate)
            cursor.execute(self._forget, (application_name,))


STORES: dict[str, type[AssessmentStore]] = {
    "eventsourcing.popo": POPOAssessmentStore,
    "eventsourcing.sqlite": SQLiteAssessmentStore,
    "eventsourcing.postgres": PostgresAssessmentStore,
}


def assessment_store(persistence: Mapping[str, str]) -> AssessmentStore:
    """The store of the persistence environment's backend (tables created unless
    ``CREATE_TABLE`` says no)."""
    env = Environment(ASSESSMENTS, {**os.environ, **persistence})
    module = persistence.get("PERSISTENCE_MODULE", "eventsourcing.popo")
    return InfrastructureFactory[AssessmentStore].construct(env).tracking_recorder(STORES[module])
