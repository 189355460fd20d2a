"""A replay keeps every statement it reads (the projection worker's world holds them all), so
the strings of a bounded set that every statement repeats are kept once: its type and its
signers' keyids (``domain.statement.recorded_statement``, ``services.read.recorded``; issue 9)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.statement import recorded_statement
from infra.event_log import CommittedLeaf
from services.read.recorded import recorded_from_event, recorded_from_leaf
from tests.builders import appended_events, artefact


def _documents() -> list[dict[str, object]]:
    publisher = Ed25519PrivateKey.generate()
    return [artefact(publisher, f"acme/b/{i}", "code", "training-code") for i in range(2)]


def test_statements_read_back_share_their_type() -> None:
    first, second = (recorded_statement(base64.b64decode(str(d["payload"]))) for d in _documents())
    assert first.subject != second.subject
    assert first.type is second.type


def test_leaves_and_events_read_back_share_their_signers_keyids() -> None:
    documents = _documents()
    events = appended_events(documents)
    leaves = [
        CommittedLeaf(e.leaf_index, i, e.event_id, datetime(2024, 1, 1, tzinfo=UTC), e.envelope, "")
        for i, e in enumerate(events, start=1)
    ]
    by_leaf = [recorded_from_leaf(leaf) for leaf in leaves]
    by_event = [recorded_from_event(e, i) for i, e in enumerate(events, start=1)]
    assert by_leaf[0].signers[0] is by_leaf[1].signers[0] is by_event[1].signers[0]
    assert by_leaf[0].statement.type is by_event[1].statement.type
