"""The write path: admit envelopes in order, append them to the ledger stream, commit.

A batch is all-or-nothing: every envelope is admitted against a draft of the state that holds
the batch's earlier envelopes; if any is refused, nothing is saved and every refusal is
reported with its index. Envelopes whose payload is already recorded (or repeated inside the
batch) are idempotent: they answer with the original record and write nothing.

Writers are serialised in-process by a lock and across processes by the event store's
optimistic concurrency on the ledger stream: a writer whose head went stale gets an
``IntegrityError``, catches up and admits again, so authorization always follows log order.
A result is returned only after the commit (durable acknowledgement).
"""

from __future__ import annotations

import copy
import hashlib
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import rfc8785
from eventsourcing.persistence import IntegrityError

from domain.admission import admit, verified_signer
from domain.envelope import STATEMENT_PAYLOAD_TYPE, Envelope
from domain.ledger import Ledger
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement
from services.ledger_view import LeafRecord, LedgerView

RETRY_BUDGET_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class BatchError:
    index: int
    kind: RejectionKind
    detail: str


class BatchRejected(Exception):
    """At least one envelope was refused; nothing was written."""

    def __init__(self, errors: Sequence[BatchError]) -> None:
        super().__init__(f"{len(errors)} envelope(s) refused")
        self.errors = list(errors)


@dataclass(frozen=True, slots=True)
class Recorded:
    """The answer for one submitted envelope; ``created`` is False for an idempotent repeat."""

    leaf: LeafRecord
    created: bool


@dataclass(slots=True)
class _Admission:
    new: list[tuple[Envelope, Statement]] = field(default_factory=list)
    # For each submitted envelope: ("new", index into new) or ("recorded", leaf index).
    plan: list[tuple[str, int]] = field(default_factory=list)


def leaf_hash_hex(envelope: Envelope) -> str:
    """RFC 9162 leaf hash of the envelope: SHA-256(0x00 ‖ RFC 8785 bytes of the envelope)."""
    return hashlib.sha256(b"\x00" + rfc8785.dumps(envelope.to_json())).hexdigest()


class Submission:
    def __init__(self, view: LedgerView, origin: str, clock: Callable[[], datetime]) -> None:
        self._view = view
        self._origin = origin
        self._clock = clock
        self._lock = threading.Lock()

    def submit(self, envelopes: Sequence[Envelope]) -> list[Recorded]:
        """Record the envelopes as one atomic batch, or raise :class:`BatchRejected`."""
        with self._lock:
            deadline, backoff = time.monotonic() + RETRY_BUDGET_SECONDS, 0.001
            while time.monotonic() < deadline:
                with self._view.lock:  # admit against one consistent head
                    admission = self._admit(envelopes)
                    head = copy.deepcopy(self._view.ledger)
                if not admission.new:
                    return self._answers(admission, [])
                try:
                    leaves = self._commit(head, admission.new)
                except IntegrityError:  # another process appended first: catch up, admit again
                    time.sleep(random.uniform(0, backoff))
                    backoff = min(backoff * 2, 0.05)
                    self._view.catch_up()
                    continue
                return self._answers(admission, leaves)
        raise Rejection(RejectionKind.CONFLICT, "the ledger is too busy; retry the request")

    def _admit(self, envelopes: Sequence[Envelope]) -> _Admission:
        view, admission, errors = self._view, _Admission(), []
        draft = view.state.draft()
        in_batch: dict[str, int] = {}
        for index, envelope in enumerate(envelopes):
            event_id = envelope.event_id
            try:
                if event_id in view.by_event_id:
                    self._check_repeat(envelope)
                    admission.plan.append(("recorded", view.by_event_id[event_id]))
                elif event_id in in_batch:
                    admission.plan.append(("new", in_batch[event_id]))
                else:
                    statement = admit(draft, envelope)
                    draft.apply(statement, envelope.author, event_id)
                    in_batch[event_id] = len(admission.new)
                    admission.plan.append(("new", len(admission.new)))
                    admission.new.append((envelope, statement))
            except Rejection as rejection:
                errors.append(BatchError(index, rejection.kind, rejection.detail))
        if errors:
            raise BatchRejected(errors)
        return admission

    def _check_repeat(self, envelope: Envelope) -> None:
        """A repeat must still carry valid signatures by keys the ledger knows."""
        if envelope.payload_type != STATEMENT_PAYLOAD_TYPE:
            raise Rejection(RejectionKind.UNSUPPORTED_PAYLOAD_TYPE, "payloadType mismatch")
        for index in range(len(envelope.signatures)):
            verified_signer(self._view.state, envelope, index)

    def _commit(
        self, head: Ledger | None, new: list[tuple[Envelope, Statement]]
    ) -> list[LeafRecord]:
        """Save the new leaves on top of ``head``; IntegrityError if the head moved meanwhile."""
        view = self._view
        ledger = head or Ledger(self._origin)
        first_leaf = ledger.size
        now = self._clock()
        for envelope, _ in new:
            ledger.append_statement(
                envelope.event_id, envelope.to_json(), leaf_hash_hex(envelope), now
            )
        pending = ledger.collect_events()
        recordings = view.app.save(*pending)
        statements = iter(s for _, s in new)
        with view.lock:
            for recording in recordings:
                event = recording.domain_event
                statement = (
                    next(statements) if isinstance(event, Ledger.StatementAppended) else None
                )
                view.apply(event, recording.notification.id, statement)
            return view.leaves[first_leaf : first_leaf + len(new)]

    def _answers(self, admission: _Admission, leaves: list[LeafRecord]) -> list[Recorded]:
        view = self._view
        return [
            Recorded(leaves[i], True) if where == "new" else Recorded(view.leaves[i], False)
            for where, i in admission.plan
        ]
