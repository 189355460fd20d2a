"""The ledger aggregate: one append-only stream whose events are the log's leaves.

Every accepted envelope becomes one ``Ledger.StatementAppended`` event. Their order is the log
order; ``leaf_index`` is dense from 0 and equals the event's position in the stream, so the event
store's ``(originator_id, originator_version)`` uniqueness is what serialises writers: two
writers that both try to append leaf N cannot both commit (optimistic concurrency), and the loser
must catch up and re-admit. Topics are persisted as ``domain.ledger:Ledger.StatementAppended``;
renaming them needs an alias.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.encoding import format_utc_time

LEDGER_ID = uuid.UUID("6f1d0c2e-4b5a-5e7f-9c3d-2a1b0e9f8d7c")


class Ledger(Aggregate):
    """The log head: how many leaves it holds and when the last one was recorded."""

    class Started(Aggregate.Created):
        origin: str

    class StatementAppended(Aggregate.Event):
        leaf_index: int
        event_id: str
        envelope: dict[str, Any]
        leaf_hash: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Ledger)
            aggregate.size = self.leaf_index + 1
            aggregate.last_recorded_at = self.timestamp

    @staticmethod
    def create_id(*_: Any, **__: Any) -> uuid.UUID:
        return LEDGER_ID

    @event(Started)
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.size = 0
        self.last_recorded_at: datetime | None = None

    def append_statement(
        self, event_id: str, envelope: dict[str, Any], leaf_hash: str, recorded_at: datetime
    ) -> int:
        """Append one leaf; ``recorded_at`` never goes back (a slow clock is clamped forward).

        Returns the new leaf's index. The caller has admitted the envelope and computed its
        RFC 9162 leaf hash; replay does neither again.
        """
        leaf_index = self.size
        self.trigger_event(
            self.StatementAppended,
            leaf_index=leaf_index,
            event_id=event_id,
            envelope=envelope,
            leaf_hash=leaf_hash,
            timestamp=self.next_recorded_at(recorded_at),
        )
        return leaf_index

    def next_recorded_at(self, recorded_at: datetime) -> datetime:
        """The time the next leaf is recorded at when appended at ``recorded_at``: never
        before the last one's."""
        if self.last_recorded_at is not None and recorded_at < self.last_recorded_at:
            return self.last_recorded_at
        return recorded_at


def recorded_at_text(appended: Ledger.StatementAppended) -> str:
    """The leaf's recorded time (transaction time) as the API writes it."""
    return format_utc_time(appended.timestamp)
