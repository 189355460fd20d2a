"""Rebuilding the assessment projection from zero: forget every stored assessment and the
tracking position, then replay the whole log through the projection. Stop the servers that
share the database first, or their runners resume from where they were."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from eventsourcing.persistence import IntegrityError, Tracking

from infra.assessment_store import assessment_store
from infra.event_log import EventLog
from services.projection.assessment_projection import AssessmentProjection
from services.projection.rules_version import rules_stamp
from services.projection.runners import feed_projection


def rebuild_projections(persistence: Mapping[str, str]) -> int:
    """Replay every recorded statement into a fresh view; return how many were replayed.

    ``persistence`` must name a database that holds a ledger (``NotALedger`` otherwise); only
    the projection's own tables are created if missing."""
    events = EventLog(persistence, origin="", existing=True)
    try:
        store = assessment_store({k: v for k, v in persistence.items() if k != "CREATE_TABLE"})
        store.clear(events.name)
        with contextlib.suppress(IntegrityError):  # stamped already
            store.save([], Tracking(rules_stamp(), 1))
        projection = AssessmentProjection(store)
        replayed = 0
        while count := feed_projection(events, projection, limit=1000):
            replayed += count
        projection.stop()
        return replayed
    finally:
        events.close()
