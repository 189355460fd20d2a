"""The assessment projection loses nothing when its store fails (the database went away): the
flush is retried with everything it held, and a restarted subscription's repeats are skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import OperationalError, Tracking

from domain.envelope import parse_envelope
from domain.ledger import Ledger
from infra.assessment_store import POPOAssessmentStore, StoredAssessment
from services.projection.assessment_projection import AssessmentProjection
from tests.builders import Cast


class FlakyStore(POPOAssessmentStore):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        if self.failures:
            self.failures -= 1
            raise OperationalError("the database is unreachable")
        super().save(rows, tracking)


def _events(cast: Cast) -> list[Ledger.StatementAppended]:
    ledger, now = Ledger("test"), datetime(2024, 1, 1, tzinfo=UTC)
    for document in cast.small_model():
        envelope = parse_envelope(document)
        ledger.append_statement(envelope.event_id, envelope.to_json(), "00" * 32, now)
    return [e for e in ledger.collect_events() if isinstance(e, Ledger.StatementAppended)]


def test_a_failed_flush_keeps_everything_for_the_next() -> None:
    cast = Cast()
    store = FlakyStore()
    projection = AssessmentProjection(store)
    try:
        events = _events(cast)
        for position, event in enumerate(events, start=1):
            projection.process_event(event, Tracking("ProvenanceLedger", position))
        store.failures = 1
        with pytest.raises(OperationalError):
            projection.flush()
        assert store.max_tracking_id("ProvenanceLedger") is None
        assert projection.position < len(events)
        projection.flush()
        assert store.max_tracking_id("ProvenanceLedger") == len(events)
        assert store.get("acme/x@1", "default") is not None
        assert projection.position == len(events)
        # a restarted subscription resumes from the tracking record: repeats are skipped
        recorded = len(projection.world.by_subject["acme/x@1"])
        projection.process_event(events[-1], Tracking("ProvenanceLedger", len(events)))
        assert len(projection.world.by_subject["acme/x@1"]) == recorded
    finally:
        projection.stop()
