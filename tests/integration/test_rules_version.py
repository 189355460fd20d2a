"""Stored answers computed by other rules (an older release) are never served: the projection
forgets them and folds the log again."""

from __future__ import annotations

import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.assessment_contract import load_demo, projection_caught_up
from tests.backends import Backend
from tests.store_tampering import StoredEvents

MODEL = "microsoft/phi-2@2023-12-12"


def test_answers_of_other_rules_are_folded_again(database_url: str) -> None:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    ledger = backend.open([operator.public_key()])
    load_demo(ledger, operator)
    projection_caught_up(ledger)
    head = ledger.head_position
    backend.close_all()

    stale = b'{"stale":"computed by an older release"}'
    events = StoredEvents(database_url)
    events.set_stored_answer(MODEL, stale)
    events.forget_rules_stamp()

    ledger = backend.open([operator.public_key()])
    recomputed = ledger.assessments.recompute(MODEL, None, None, "default").body
    deadline = time.monotonic() + 60
    answer = None
    while time.monotonic() < deadline:
        answer = ledger.answers.answer(MODEL, "default", head)
        if answer is not None:
            break
        time.sleep(0.1)
    assert answer == recomputed != stale
    stored = ledger.answers.store.get(MODEL, "default")
    assert stored is not None
    assert stored.body == recomputed
    backend.close_all()
