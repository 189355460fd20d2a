"""The in-process view of the committed log: the head aggregate, admission state and indices.

Every process keeps one :class:`LedgerView` and brings it up to date from the event store
(:meth:`LedgerView.catch_up`), so several server processes over one PostgreSQL database each
see every other's writes. Applying is idempotent by leaf index, so the writer's own commits and
a concurrent catch-up never apply a leaf twice.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.checkpoint_log import CheckpointLog
from domain.encoding import b64decode_strict
from domain.ledger import Ledger, recorded_at_text
from domain.ledger_state import LedgerState
from domain.merkle import MerkleTree
from domain.statement import Statement, recorded_statement
from services.ledger_app import (
    APPENDED_TOPIC,
    CHECKPOINT_TOPICS,
    STARTED_TOPIC,
    LedgerApplication,
)

_CATCH_UP_PAGE = 1000


@dataclass(frozen=True, slots=True)
class LeafRecord:
    """Where and when one accepted envelope was recorded."""

    leaf_index: int
    position: int
    event_id: str
    recorded_at: str
    subject: str


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """A recorded model version as its release names it."""

    id: str
    name: str
    version: str
    owner: str | None


class LedgerView:
    def __init__(self, app: LedgerApplication, operator_keys: Sequence[Ed25519PublicKey]) -> None:
        self.app = app
        self.operator_keys = tuple(operator_keys)
        self.lock = threading.RLock()
        self.ledger: Ledger | None = None
        self.state = LedgerState.with_operators(operator_keys)
        self.leaves: list[LeafRecord] = []
        self.tree = MerkleTree()  # RFC 9162 over the stored leaf hashes, grown as leaves arrive
        self.by_event_id: dict[str, int] = {}
        self.by_subject: dict[str, list[int]] = {}
        self.models: dict[str, tuple[str, str]] = {}  # model version -> (name, version)
        self.checkpoints: CheckpointLog | None = None  # the newest stored signed checkpoint
        self.diverged: str | None = None  # why the stored tree contradicts a stored checkpoint
        self.last_position = 0
        self._last_timestamp: object = None
        self._last_text = ""

    @property
    def size(self) -> int:
        return len(self.leaves)

    def _recorded_at_text(self, event: Ledger.StatementAppended) -> str:
        """Format the recorded time once per commit (every leaf of a commit shares it)."""
        if self._last_timestamp is not event.timestamp:
            self._last_timestamp, self._last_text = event.timestamp, recorded_at_text(event)
        return self._last_text

    def catch_up(self) -> None:
        """Apply every event committed after the last one this view has seen."""
        with self.lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    start=self.last_position,
                    limit=_CATCH_UP_PAGE,
                    topics=(STARTED_TOPIC, APPENDED_TOPIC, *CHECKPOINT_TOPICS),
                    inclusive_of_start=False,
                )
                for notification in notifications:
                    self.apply(self.app.mapper.to_domain_event(notification), notification.id)
                if len(notifications) < _CATCH_UP_PAGE:
                    break
            if self.checkpoints is not None and self.checkpoints.tree_size:
                self._check_stored(self.checkpoints.tree_size, self.checkpoints.root)

    def apply(self, event: Any, position: int, statement: Statement | None = None) -> None:
        """Fold one stored ledger event into the view, unless it is already applied."""
        with self.lock:
            if isinstance(event, Ledger.Started):
                if self.ledger is None:
                    self.ledger = cast(Ledger, event.mutate(None))
            elif isinstance(event, Ledger.StatementAppended) and event.leaf_index == self.size:
                self._append_leaf(event, position, statement)
            elif isinstance(event, CheckpointLog.Started | CheckpointLog.CheckpointSigned):
                self._apply_checkpoint(event)
            self.last_position = max(self.last_position, position)

    def _apply_checkpoint(self, event: CheckpointLog.Event) -> None:
        """Adopt a stored checkpoint event (each once, in order) and check that the leaves
        read so far hash to its root: a stored tree that does not is not safe to extend."""
        if isinstance(event, CheckpointLog.Started):
            if self.checkpoints is None:
                self.checkpoints = cast(CheckpointLog, event.mutate(None))
            return
        head = self.checkpoints
        if head is None or event.originator_version != head.version + 1:
            return
        event.mutate(head)
        assert isinstance(event, CheckpointLog.CheckpointSigned)
        self._check_stored(event.tree_size, event.root)

    def _check_stored(self, size: int, root: str) -> None:
        if size > self.tree.size:  # its leaves arrive with the next page
            return
        if self.tree.root(size).hex() != root and self.diverged is None:
            self.diverged = (
                f"the stored leaves do not hash to the stored signed checkpoint of size {size} "
                f"(root {root}): the database's log was altered"
            )

    def apply_own_commit(
        self,
        head: Ledger,
        draft: LedgerState,
        committed: Sequence[tuple[Any, int, Statement]],
        checkpoints: CheckpointLog,
    ) -> None:
        """Adopt a commit this process just made: its head, the admission draft it was
        admitted on (a :meth:`LedgerState.draft` of this view's state) and its leaves.

        The draft already holds the statements' effects, so they are not folded again. If a
        concurrent catch-up got there first, the events are applied one by one instead.
        """
        with self.lock:
            first = committed[0][0].leaf_index if committed else self.size
            if self.checkpoints is None or checkpoints.version > self.checkpoints.version:
                self.checkpoints = checkpoints
            if self.size != first:
                for event, position, statement in committed:
                    self.apply(event, position, statement)
                return
            self.state.absorb(draft)
            self.ledger = head
            for event, position, statement in committed:
                self._index_leaf(event, position, statement)
                self.last_position = max(self.last_position, position)

    def _append_leaf(
        self, event: Ledger.StatementAppended, position: int, statement: Statement | None
    ) -> None:
        event.mutate(self.ledger)
        if statement is None:
            statement = recorded_statement(b64decode_strict(event.envelope["payload"]))
        author = event.envelope["signatures"][0]["keyid"]
        self.state.apply(statement, author, event.event_id)
        self._index_leaf(event, position, statement)

    def model_summaries(self) -> list[ModelSummary]:
        with self.lock:
            return [
                ModelSummary(model, name, version, self._owner(model))
                for model, (name, version) in sorted(self.models.items())
            ]

    def _owner(self, subject: str) -> str | None:
        record = self.state.subjects.get(subject)
        return record.owner if record is not None else None

    def _index_leaf(
        self, event: Ledger.StatementAppended, position: int, statement: Statement
    ) -> None:
        subject = statement.subject
        if statement.type == "ModelVersionReleased":
            self.models[subject] = (statement.data["name"], statement.data["version"])
        leaf = LeafRecord(
            leaf_index=event.leaf_index,
            position=position,
            event_id=event.event_id,
            recorded_at=self._recorded_at_text(event),
            subject=subject,
        )
        self.leaves.append(leaf)
        self.tree.append(bytes.fromhex(event.leaf_hash))
        self.by_event_id[event.event_id] = leaf.leaf_index
        self.by_subject.setdefault(subject, []).append(leaf.leaf_index)
