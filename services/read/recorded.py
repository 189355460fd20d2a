"""Stored ledger events as the assessment reads them (the signers' keyids, which every event of a
key repeats and a replay keeps, in one copy each: :func:`domain.statement.shared`)."""

from __future__ import annotations

from typing import Any

from domain.assessment.world import Recorded
from domain.encoding import b64decode_strict
from domain.ledger import Ledger
from domain.statement import recorded_statement, shared
from infra.event_log import CommittedLeaf


def recorded_from_event(event: Ledger.StatementAppended, position: int) -> Recorded:
    return _recorded(event.envelope, event.event_id, event.leaf_index, position)


def recorded_from_leaf(leaf: CommittedLeaf) -> Recorded:
    return _recorded(leaf.envelope, leaf.event_id, leaf.leaf_index, leaf.position)


def _recorded(envelope: dict[str, Any], event_id: str, leaf_index: int, position: int) -> Recorded:
    """A stored envelope (its JSON form) as the assessment reads it."""
    return Recorded(
        statement=recorded_statement(b64decode_strict(envelope["payload"])),
        event_id=event_id,
        signers=tuple(shared(s["keyid"]) for s in envelope["signatures"]),
        leaf_index=leaf_index,
        position=position,
    )
