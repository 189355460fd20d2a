"""The read path: log pages, single events and subject states (``as_of`` aware).

Every read first catches the view up with the event store, so a reader sees every write
acknowledged before it asked, whichever server process took it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.catalogue import SubjectKind
from domain.encoding import b64decode_strict, format_utc_time
from domain.rejections import Rejection, RejectionKind
from domain.statement import recorded_statement
from domain.subject_view import SignedStatement, subject_state
from infra.event_log import CommittedLeaf, EventLog
from services.ledger_view import ID_PREFIX_MIN, LeafRecord, LedgerView
from services.read.as_of import AsOf

_HEX = re.compile(r"[0-9a-f]{1,64}", re.ASCII)
_MATCHES_SHOWN = 20


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
        self._events: EventLog = view.log

    def events_page(self, after: int, limit: int) -> tuple[list[LoggedEvent], int | None]:
        """Events with position > ``after`` in log order, and the ``after`` of the next page."""
        page = self._events.committed_after(after, limit + 1, leaves_only=True)
        leaves = [item for item in page.items if isinstance(item, CommittedLeaf)]
        events = [_logged(leaf) for leaf in leaves[:limit]]
        more = len(leaves) > limit
        return events, (events[-1].position if more else None)

    def event(self, event_id: str) -> LoggedEvent:
        """The event ``event_id`` names: its full id or any unique prefix of at least 12 hex
        digits (either case). 404 if none is recorded; 409 listing the matches if several."""
        self._view.catch_up()
        leaf_index = self._view.leaf_of(self.resolve_event_id(event_id))
        assert leaf_index is not None
        return next(self.leaves([leaf_index]))

    def resolve_event_id(self, event_id: str) -> str:
        """The one recorded event id ``event_id`` names (see :meth:`event`)."""
        wanted = event_id.lower()
        if self._view.leaf_of(wanted) is not None:
            return wanted
        if not _HEX.fullmatch(wanted) or len(wanted) < ID_PREFIX_MIN:
            raise Rejection(
                RejectionKind.NOT_FOUND,
                f"no event {event_id} is recorded (an event id is 64 hex digits; "
                f"any unique prefix of at least {ID_PREFIX_MIN} names it)",
            )
        matches = self._view.event_ids_starting(wanted)
        if not matches:
            raise Rejection(RejectionKind.NOT_FOUND, f"no event {event_id} is recorded")
        if len(matches) > 1:
            shown = matches[:_MATCHES_SHOWN]
            raise Rejection(
                RejectionKind.CONFLICT,
                f"the prefix {event_id} names {len(matches)} events: give more digits "
                f"({', '.join(shown)}{', …' if len(matches) > len(shown) else ''})",
                {"matches": shown},
            )
        return matches[0]

    def leaves(self, leaf_indices: Sequence[int]) -> Iterator[LoggedEvent]:
        """The recorded events at these leaf indices (ascending), read in contiguous runs."""
        for leaf in self.committed(leaf_indices):
            yield _logged(leaf)

    def committed(self, leaf_indices: Sequence[int]) -> Iterator[CommittedLeaf]:
        """The stored leaves at these leaf indices (ascending)."""
        for first, last in _runs(leaf_indices):
            yield from self._events.leaves(first, last)

    def subject(self, subject_id: str, as_of: AsOf | None = None) -> SubjectReport:
        view = self._view
        view.catch_up()
        record, signer = view.subject(subject_id), view.signer(subject_id)
        leaves = view.leaves_of([subject_id], as_of.includes if as_of is not None else _any)
        leaves = [leaf for leaf in leaves if leaf.subject == subject_id]
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


def _any(leaf: LeafRecord) -> bool:
    return True


def _logged(leaf: CommittedLeaf) -> LoggedEvent:
    return LoggedEvent(
        position=leaf.position,
        leaf_index=leaf.leaf_index,
        event_id=leaf.event_id,
        recorded_at=format_utc_time(leaf.recorded_at),
        envelope=leaf.envelope,
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
