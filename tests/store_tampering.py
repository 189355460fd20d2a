"""Changing stored events behind the ledger's back, in SQLite or PostgreSQL (for audit tests)."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from domain.canonical import canonical_json

APPENDED = "domain.ledger:Ledger.StatementAppended"
SIGNED = "domain.checkpoint_log:CheckpointLog.CheckpointSigned"


class StoredEvents:
    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.sqlite = database_url.startswith("sqlite:///")
        self.table = "stored_events" if self.sqlite else "provenanceledger_events"
        self.key = "rowid" if self.sqlite else "notification_id"

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self.sqlite:
            connection: Any = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        else:
            connection = psycopg.connect(self.url)
        try:
            yield connection
            connection.commit()
        finally:
            connection.close()

    def _q(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def appended(self) -> list[tuple[int, dict[str, Any]]]:
        """(position, decoded event state) of every ledger leaf, in position order."""
        with self._connection() as connection:
            rows = connection.execute(
                self._q(
                    f"SELECT {self.key}, state FROM {self.table} "
                    f"WHERE topic = ? ORDER BY {self.key}"
                ),
                (APPENDED,),
            ).fetchall()
        return [(row[0], json.loads(bytes(row[1]))) for row in rows]

    def write(self, position: int, state: dict[str, Any]) -> None:
        blob = json.dumps(state, separators=(",", ":")).encode()
        with self._connection() as connection:
            connection.execute(
                self._q(f"UPDATE {self.table} SET state = ? WHERE {self.key} = ?"), (blob, position)
            )

    def delete(self, position: int) -> None:
        with self._connection() as connection:
            connection.execute(
                self._q(f"DELETE FROM {self.table} WHERE {self.key} = ?"), (position,)
            )

    def set_stored_answer(self, model: str, body: object) -> None:
        """Overwrite the projection's stored answers of ``model`` (every policy)."""
        table = "assessments" if self.sqlite else "assessments_assessments"
        with self._connection() as connection:
            connection.execute(
                self._q(f"UPDATE {table} SET body = ? WHERE model = ?"), (body, model)
            )

    def forget_rules_stamp(self) -> None:
        """Make the stored answers look computed by other rules (an older release)."""
        table = "tracking" if self.sqlite else "assessments_tracking"
        with self._connection() as connection:
            connection.execute(
                self._q(f"DELETE FROM {table} WHERE application_name LIKE ?"),
                ("assessment-rules-%",),
            )

    def set_indexed_event_id(self, old: str, new: str) -> None:
        """Change an event id in the ledger index too (as if the index had been rebuilt from
        tampered events)."""
        table = "ledger_leaves" if self.sqlite else "provenanceledger_leaves"
        with self._connection() as connection:
            connection.execute(
                self._q(f"UPDATE {table} SET event_id = ? WHERE event_id = ?"), (new, old)
            )

    def delete_checkpoints(self) -> None:
        """Delete the signed checkpoints stored with the log."""
        with self._connection() as connection:
            connection.execute(self._q(f"DELETE FROM {self.table} WHERE topic = ?"), (SIGNED,))

    def position_of(self, statement_type: str, nth: int = 0) -> tuple[int, dict[str, Any]]:
        found = [(p, s) for p, s in self.appended() if statement(s)["type"] == statement_type]
        return found[nth]


def statement(state: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(state["envelope"]["payload"]))
    return decoded


def with_statement(state: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """The event state with its envelope's payload replaced (signatures left as they were)."""
    new: dict[str, Any] = json.loads(json.dumps(state))
    new["envelope"]["payload"] = base64.b64encode(canonical_json(changed)).decode()
    return new


def regrant_as_mit(database_url: str, nth: int = 2) -> tuple[int, dict[str, Any]]:
    """Rewrite the ``nth`` stored ``LicenceGranted`` statement to grant MIT, leaving its
    signature as it was (a payload changed under its signature); its position and the event
    state it had."""
    events = StoredEvents(database_url)
    position, state = events.position_of("LicenceGranted", nth)
    changed = statement(state)
    changed["data"]["licence"] = "MIT"
    events.write(position, with_statement(state, changed))
    return position, state
