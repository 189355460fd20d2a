"""Stored ledger events as the assessment reads them (the signers' keyids, which every event of a
key repeats and a replay keeps, in one copy each: :func:`domain.statement.shared`)."""

from __future__ import annotations

from domain.assessment.world import Recorded
from domain.encoding import b64decode_strict
from domain.ledger import Ledger
from domain.statement import recorded_statement, shared
from infra.event_log import CommittedLeaf


def recorded_from_event(event: Ledger.StatementAppended, position: int) -> Recorded:
    envelope = event.envelope
    return Recorded(
        statement=recorded_statement(b64decode_strict(envelope["payload"])),
        event_id=event.event_id,
        signers=tuple(shared(s["keyid"]) for s in envelope["signatures"]),
        leaf_index=event.leaf_index,
        position=position,
    )


def recorded_from_leaf(leaf: CommittedLeaf) -> Recorded:
    envelope = leaf.envelope
    return Recorded(
        statement=recorded_statement(b64decode_strict(envelope["payload"])),
        event_id=leaf.event_id,
        signers=tuple(shared(s["keyid"]) for s in envelope["signatures"]),
        leaf_index=leaf.leaf_index,
        position=leaf.position,
    )
