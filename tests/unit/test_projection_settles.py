"""The projection worker takes what its world keeps out of the collector's walks
(``services.collector.settle_survivors``, issue 9): once the world is warmed up and after each
flush, and only then; folding a model's statements leaves no cyclic garbage to be kept by it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import Tracking

from infra.assessment_store import POPOAssessmentStore
from infra.event_log import EventLog
from services.projection.assessment_projection import AssessmentProjection
from services.projection.worker import run_projection_worker
from tests.builders import Cast, appended_events


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # what a test settled is the collector's again


def test_the_world_is_settled_after_warming_up_and_after_each_flush_that_stored() -> None:
    settled: list[int] = []
    projection = AssessmentProjection(POPOAssessmentStore(), lambda: settled.append(1))
    try:
        events = EventLog({"PERSISTENCE_MODULE": "eventsourcing.popo"}, origin="")
        projection.warm_up(events)
        events.close()
        assert len(settled) == 1
        projection.flush()  # nothing folded: nothing stored, nothing settled
        assert len(settled) == 1
        for position, event in enumerate(appended_events(Cast().small_model()), start=1):
            projection.process_event(event, Tracking("ProvenanceLedger", position))
        projection.flush()
        assert len(settled) == 2
    finally:
        projection.stop()


def test_folding_a_model_makes_no_cyclic_garbage() -> None:
    events = appended_events(Cast().small_model())
    projection = AssessmentProjection(POPOAssessmentStore())
    try:
        gc.collect()
        gc.disable()
        try:
            for position, event in enumerate(events, start=1):
                projection.process_event(event, Tracking("ProvenanceLedger", position))
            projection.flush()
            assert gc.collect() == 0
        finally:
            gc.enable()
    finally:
        projection.stop()


def test_the_worker_process_settles_its_world(monkeypatch: pytest.MonkeyPatch) -> None:
    class Runner:  # the library's runner needs PostgreSQL; the world is built before it
        def __init__(self, *_: object) -> None:
            pass

        def keep_running(self) -> bool:
            return True

        def stop(self) -> None:
            pass

    monkeypatch.setattr("services.projection.worker.LibraryRunner", Runner)
    gc.unfreeze()
    stopping = threading.Event()
    stopping.set()
    run_projection_worker({"PERSISTENCE_MODULE": "eventsourcing.popo"}, stopping, lambda _: None)
    assert gc.get_freeze_count() > 0
