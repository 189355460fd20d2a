"""The assessment projection loses nothing when its store fails (the database went away): the
flush is retried with everything it held, and a restarted subscription's repeats are skipped."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from eventsourcing.persistence import OperationalError, Tracking

from infra.assessment_store import POPOAssessmentStore, StoredAssessment
from services.projection.assessment_projection import AssessmentProjection
from tests.builders import Cast, appended_events


class FlakyStore(POPOAssessmentStore):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def save(self, rows: Sequence[StoredAssessment], tracking: Tracking) -> None:
        if self.failures:
            self.failures -= 1
            raise OperationalError("the database is unreachable")
        super().save(rows, tracking)


def test_a_failed_flush_keeps_everything_for_the_next() -> None:
    cast = Cast()
    store = FlakyStore()
    projection = AssessmentProjection(store)
    try:
        events = appended_events(cast.small_model())
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
