"""Where an audit reads the log from: a server over HTTP, or the database directly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.application import AggregateNotFoundError

from domain.checkpoint_log import CHECKPOINT_LOG_ID, CheckpointLog
from domain.encoding import b64decode_strict
from domain.ledger import Ledger
from domain.log_keys import KEYRING_ID, LogKeyring
from infra.persistence import existing_ledger_env
from services.ledger_app import APPENDED_TOPIC, open_existing_ledger
from services.ledger_services import assessment_store

PAGE = 1000


@dataclass(frozen=True, slots=True)
class LogEntry:
    leaf_index: int
    position: int
    envelope: Any  # as stored or served; the auditor parses it strictly
    stored_leaf_hash: str | None = None  # what the store says (database audits only)
    stored_event_id: str | None = None  # likewise


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A signed checkpoint as the database stores it beside the log."""

    position: int
    tree_size: int
    root: str
    note: str


class AuditSource(Protocol):
    description: str

    def checkpoint(self) -> str | None: ...

    def entries(self) -> Iterator[list[LogEntry]]: ...

    def answer(self, model: str, policy: str) -> bytes | None: ...

    def answers_lag(self, head: int) -> int | None:
        """How far the stored answers trail position ``head`` (None if current or unknown)."""
        ...

    def consistency(self, old: int, new: int) -> list[str] | None: ...

    def stored_checkpoints(self) -> list[StoredCheckpoint] | None:
        """Every signed checkpoint stored with the log (None: this source has none to give)."""
        ...

    def stored_log_keys(self) -> list[Ed25519PublicKey]:
        """The log keys the source itself lists (unpinned: trust them only when told to)."""
        ...

    def close(self) -> None: ...


class ServerSource:
    def __init__(self, url: str) -> None:
        self.description = f"server {url}"
        self._http = httpx.Client(base_url=url, timeout=120)

    def _get(self, path: str, **params: Any) -> httpx.Response:
        response = self._http.get(path, params=params)
        response.raise_for_status()
        return response

    def checkpoint(self) -> str | None:
        return self._get("/v1/log/checkpoint").text

    def size(self) -> int:
        return int(self._get("/v1/log/checkpoint").text.split("\n")[1])

    def entries(self) -> Iterator[list[LogEntry]]:
        start, size = 0, self.size()
        while start < size:
            end = min(start + PAGE, size)
            page = self._get("/v1/log/entries", start=start, end=end).json()["entries"]
            yield [LogEntry(e["leaf_index"], e["position"], e["envelope"]) for e in page]
            start = end

    def answers_lag(self, head: int) -> int | None:
        return None  # the server waits for its projection before answering

    def answer(self, model: str, policy: str) -> bytes | None:
        response = self._http.get(
            f"/v1/models/{quote(model, safe='/@')}/freedoms", params={"policy": policy}
        )
        return response.content if response.status_code == 200 else None

    def consistency(self, old: int, new: int) -> list[str] | None:
        hashes: list[str] = self._get(
            "/v1/log/proofs/consistency", **{"from": old, "to": new}
        ).json()["hashes"]
        return hashes

    def stored_checkpoints(self) -> list[StoredCheckpoint] | None:
        return None  # the server's checkpoint is checked against the pinned log key

    def stored_log_keys(self) -> list[Ed25519PublicKey]:
        return []

    def close(self) -> None:
        self._http.close()


class DatabaseSource:
    """Reads the stored events themselves (so a change to them is caught), the signed
    checkpoints stored with them, and the stored assessments of the projection. The database
    must exist and hold a ledger (``NotALedger`` otherwise); nothing is created in it."""

    def __init__(self, database_url: str) -> None:
        self.description = "the database"
        self._persistence: Mapping[str, str] = existing_ledger_env(database_url)
        self._app = open_existing_ledger(self._persistence)
        self._store = assessment_store(self._persistence)

    def checkpoint(self) -> str | None:
        return None

    def entries(self) -> Iterator[list[LogEntry]]:
        after = 0
        while True:
            notifications = self._app.recorder.select_notifications(
                start=after, limit=PAGE, topics=(APPENDED_TOPIC,), inclusive_of_start=False
            )
            page = []
            for notification in notifications:
                try:
                    event = self._app.mapper.to_domain_event(notification)
                    if not isinstance(event, Ledger.StatementAppended):
                        raise TypeError(type(event).__name__)
                    page.append(
                        LogEntry(
                            event.leaf_index,
                            notification.id,
                            event.envelope,
                            event.leaf_hash,
                            event.event_id,
                        )
                    )
                except Exception:  # a damaged row is a finding, not a crash
                    page.append(LogEntry(-1, notification.id, None, None))
            if page:
                yield page
            if len(notifications) < PAGE:
                return
            after = notifications[-1].id

    def answers_lag(self, head: int) -> int | None:
        try:
            tracked = self._store.max_tracking_id(self._app.name) or 0
        except Exception:  # the projection's tables are not there: nothing was projected
            return head
        return head - tracked if tracked < head else None

    def answer(self, model: str, policy: str) -> bytes | None:
        stored = self._store.get(model, policy)
        return stored.body if stored else None

    def consistency(self, old: int, new: int) -> list[str] | None:
        return None

    def stored_checkpoints(self) -> list[StoredCheckpoint] | None:
        found = []
        for stored in self._app.recorder.select_events(CHECKPOINT_LOG_ID):
            event = self._app.mapper.to_domain_event(stored)
            if isinstance(event, CheckpointLog.CheckpointSigned):
                found.append(
                    StoredCheckpoint(
                        stored.originator_version, event.tree_size, event.root, event.note
                    )
                )
        return found

    def stored_log_keys(self) -> list[Ed25519PublicKey]:
        try:
            keyring: object = self._app.repository.get(KEYRING_ID)
        except AggregateNotFoundError:
            return []
        assert isinstance(keyring, LogKeyring)
        return [
            Ed25519PublicKey.from_public_bytes(b64decode_strict(use.public_key))
            for use in keyring.keys
        ]

    def close(self) -> None:
        self._app.close()
