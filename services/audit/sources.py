"""Where an audit reads the log from: a server over HTTP, or the database directly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64decode_strict
from infra.assessment_store import assessment_store
from infra.event_log import CommittedCheckpoint, CommittedLeaf, DamagedRow, EventLog
from infra.persistence import existing_ledger_env
from services.audit.pages import LogEntry, Page, page_entries

__all__ = [
    "PAGE",
    "AuditSource",
    "DatabaseSource",
    "LogEntry",
    "Page",
    "ServerSource",
    "page_entries",
]

PAGE = 1000


class AuditSource(Protocol):
    description: str

    def checkpoint(self) -> str | None: ...

    def pages(self) -> Iterator[Page]:
        """The log in pages, in order (decode one with :func:`page_entries`)."""
        ...

    def answer(self, model: str, policy: str) -> bytes | None: ...

    def answers_lag(self, head: int) -> int | None:
        """How far the stored answers trail position ``head`` (None if current or unknown)."""
        ...

    def consistency(self, old: int, new: int) -> list[str] | None: ...

    def stored_checkpoints(self) -> list[CommittedCheckpoint] | None:
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

    def pages(self) -> Iterator[Page]:
        start, size = 0, self.size()
        while start < size:
            end = min(start + PAGE, size)
            yield self._get("/v1/log/entries", start=start, end=end).content
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

    def stored_checkpoints(self) -> list[CommittedCheckpoint] | None:
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
        self._events = EventLog(self._persistence, origin="", existing=True)
        self._store = assessment_store(self._persistence)

    def checkpoint(self) -> str | None:
        return None

    def pages(self) -> Iterator[Page]:
        after = 0
        while True:
            page = self._events.committed_after(after, PAGE, leaves_only=True, tolerant=True)
            entries = [_entry(item) for item in page.items]
            if entries:
                yield entries
            if not page.full:
                return
            after = page.last

    def answers_lag(self, head: int) -> int | None:
        try:
            tracked = self._store.max_tracking_id(self._events.name) or 0
        except Exception:  # the projection's tables are not there: nothing was projected
            return head
        return head - tracked if tracked < head else None

    def answer(self, model: str, policy: str) -> bytes | None:
        stored = self._store.get(model, policy)
        return stored.body if stored else None

    def consistency(self, old: int, new: int) -> list[str] | None:
        return None

    def stored_checkpoints(self) -> list[CommittedCheckpoint] | None:
        return self._events.checkpoints()

    def stored_log_keys(self) -> list[Ed25519PublicKey]:
        return [
            Ed25519PublicKey.from_public_bytes(b64decode_strict(use.public_key))
            for use in self._events.log_keys()
        ]

    def close(self) -> None:
        self._events.close()


def _entry(item: CommittedLeaf | CommittedCheckpoint | DamagedRow) -> LogEntry:
    if not isinstance(item, CommittedLeaf):  # a damaged row is a finding, not a crash
        return LogEntry(-1, item.position, None, None)
    return LogEntry(item.leaf_index, item.position, item.envelope, item.leaf_hash, item.event_id)
