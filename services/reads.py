"""The read path: log pages, single events and subject states (``as_of`` aware).

Every read first catches the view up with the event store, so a reader sees every write
acknowledged before it asked, whichever server process took it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.catalogue import SubjectKind
from domain.encoding import b64decode_strict
from domain.ledger import LEDGER_ID, Ledger, recorded_at_text
from domain.rejections import Rejection, RejectionKind
from domain.statement import recorded_statement
from domain.subject_view import SignedStatement, subject_state
from services.as_of import AsOf
from services.ledger_app import APPENDED_TOPIC
from services.ledger_view import LedgerView

_STREAM_OFFSET = 2  # leaf i is version i + 2 of the ledger stream (version 1 is Started)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    position: int
    leaf_index: int
    event_id: str
    recorded_at: str
    envelope: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SubjectReport:
    id: str
    kind: str
    owner: str | None
    state: dict[str, Any]
    events: list[str]


class LedgerReads:
    def __init__(self, view: LedgerView) -> None:
        self._view = view

    def events_page(self, after: int, limit: int) -> tuple[list[LoggedEvent], int | None]:
        """Events with position > ``after`` in log order, and the ``after`` of the next page."""
        notifications = self._view.app.recorder.select_notifications(
            start=after, limit=limit + 1, topics=(APPENDED_TOPIC,), inclusive_of_start=False
        )
        events = [
            _logged(self._view.app.mapper.to_domain_event(n), n.id) for n in notifications[:limit]
        ]
        more = len(notifications) > limit
        return events, (events[-1].position if more else None)

    def event(self, event_id: str) -> LoggedEvent:
        self._view.catch_up()
        leaf_index = self._view.by_event_id.get(event_id)
        if leaf_index is None:
            raise Rejection(RejectionKind.NOT_FOUND, f"no event {event_id} is recorded")
        return next(self.leaves([leaf_index]))

    def leaves(self, leaf_indices: Sequence[int]) -> Iterator[LoggedEvent]:
        """The recorded events at these leaf indices (ascending), read in contiguous runs."""
        for appended, position in self.appended(leaf_indices):
            yield _logged(appended, position)

    def appended(
        self, leaf_indices: Sequence[int]
    ) -> Iterator[tuple[Ledger.StatementAppended, int]]:
        """The stored ledger events at these leaf indices (ascending) with their positions."""
        view = self._view
        for first, last in _runs(leaf_indices):
            for stored in view.app.events.get(
                LEDGER_ID, gt=first + _STREAM_OFFSET - 1, lte=last + _STREAM_OFFSET
            ):
                assert isinstance(stored, Ledger.StatementAppended)
                yield stored, view.leaves[stored.leaf_index].position

    def subject(self, subject_id: str, as_of: AsOf | None = None) -> SubjectReport:
        view = self._view
        view.catch_up()
        with view.lock:
            leaves = [view.leaves[i] for i in view.by_subject.get(subject_id, ())]
            record = view.state.subjects.get(subject_id)
            signer = view.state.signers.get(subject_id)
        if as_of is not None:
            leaves = [leaf for leaf in leaves if as_of.includes(leaf)]
        configured = signer is not None and signer.configured and record is None
        if not configured and (record is None or not leaves):
            raise Rejection(
                RejectionKind.NOT_FOUND,
                f"no subject '{subject_id}' is recorded"
                + (" as of then" if record is not None else ""),
            )
        logged = list(self.leaves([leaf.leaf_index for leaf in leaves]))
        signed = [_signed(event) for event in logged]
        if configured:  # an operator key given to the server: not enrolled through the log
            state = {"roles": ["operator"], "configured": True, "revoked": None}
            state.update(subject_state(SubjectKind.SIGNER, signed))
            return SubjectReport(
                subject_id, SubjectKind.SIGNER, None, state, [event.event_id for event in logged]
            )
        assert record is not None
        return SubjectReport(
            id=subject_id,
            kind=record.kind,
            owner=record.owner,
            state=subject_state(record.kind, signed),
            events=[event.event_id for event in logged],
        )


def _logged(event: Any, position: int) -> LoggedEvent:
    assert isinstance(event, Ledger.StatementAppended)
    return LoggedEvent(
        position=position,
        leaf_index=event.leaf_index,
        event_id=event.event_id,
        recorded_at=recorded_at_text(event),
        envelope=event.envelope,
    )


def _signed(event: LoggedEvent) -> SignedStatement:
    statement = recorded_statement(b64decode_strict(event.envelope["payload"]))
    return SignedStatement(statement, event.event_id, event.envelope["signatures"][0]["keyid"])


def _runs(indices: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Group ascending indices into (first, last) runs of consecutive values."""
    start = previous = None
    for index in indices:
        if previous is not None and index == previous + 1:
            previous = index
            continue
        if start is not None and previous is not None:
            yield start, previous
        start = previous = index
    if start is not None and previous is not None:
        yield start, previous
