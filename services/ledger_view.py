"""The in-process view of the committed log: the head aggregate, admission state and indices.

Every process keeps one :class:`LedgerView` and brings it up to date from the event store
(:meth:`LedgerView.catch_up`), so several server processes over one PostgreSQL database each
see every other's writes. Applying is idempotent by leaf index, so the writer's own commits and
a concurrent catch-up never apply a leaf twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64decode_strict
from domain.ledger import Ledger, recorded_at_text
from domain.ledger_state import LedgerState
from domain.statement import Statement, recorded_statement
from services.ledger_app import APPENDED_TOPIC, STARTED_TOPIC, LedgerApplication

_CATCH_UP_PAGE = 1000


@dataclass(frozen=True, slots=True)
class LeafRecord:
    """Where and when one accepted envelope was recorded."""

    leaf_index: int
    position: int
    event_id: str
    recorded_at: str
    subject: str


class LedgerView:
    def __init__(self, app: LedgerApplication, operator_keys: Sequence[Ed25519PublicKey]) -> None:
        self.app = app
        self.lock = threading.RLock()
        self.ledger: Ledger | None = None
        self.state = LedgerState.with_operators(operator_keys)
        self.leaves: list[LeafRecord] = []
        self.by_event_id: dict[str, int] = {}
        self.by_subject: dict[str, list[int]] = {}
        self.last_position = 0

    @property
    def size(self) -> int:
        return len(self.leaves)

    def catch_up(self) -> None:
        """Apply every event committed after the last one this view has seen."""
        with self.lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    start=self.last_position,
                    limit=_CATCH_UP_PAGE,
                    topics=(STARTED_TOPIC, APPENDED_TOPIC),
                    inclusive_of_start=False,
                )
                for notification in notifications:
                    self.apply(self.app.mapper.to_domain_event(notification), notification.id)
                if len(notifications) < _CATCH_UP_PAGE:
                    return

    def apply_recorded(self, events: Iterable[tuple[Any, int]]) -> None:
        """Apply events this process has just committed, with their positions."""
        with self.lock:
            for event, position in events:
                self.apply(event, position)

    def apply(self, event: Any, position: int, statement: Statement | None = None) -> None:
        """Fold one stored ledger event into the view, unless it is already applied."""
        with self.lock:
            if isinstance(event, Ledger.Started):
                if self.ledger is None:
                    self.ledger = cast(Ledger, event.mutate(None))
            elif isinstance(event, Ledger.StatementAppended) and event.leaf_index == self.size:
                self._append_leaf(event, position, statement)
            self.last_position = max(self.last_position, position)

    def _append_leaf(
        self, event: Ledger.StatementAppended, position: int, statement: Statement | None
    ) -> None:
        event.mutate(self.ledger)
        payload = b64decode_strict(event.envelope["payload"])
        statement = statement or recorded_statement(payload)
        author = event.envelope["signatures"][0]["keyid"]
        self.state.apply(statement, author, event.event_id)
        leaf = LeafRecord(
            leaf_index=event.leaf_index,
            position=position,
            event_id=event.event_id,
            recorded_at=recorded_at_text(event),
            subject=statement.subject,
        )
        self.leaves.append(leaf)
        self.by_event_id[event.event_id] = leaf.leaf_index
        self.by_subject.setdefault(statement.subject, []).append(leaf.leaf_index)
