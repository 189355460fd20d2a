"""The assessment projection in a process of its own (``provenance project``, DESIGN.md §9).

It rebuilds its in-memory world up to the stored tracking position, then follows the log with
the library's projection runner (a LISTEN/NOTIFY subscription from that position), storing each
flush's answers with its tracking record. Stopped and started again, it resumes where its last
flush left off; if the database goes away, the subscription is restarted when it is back.
Servers started with ``--projection external`` read what it stores.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from infra.assessment_store import assessment_store
from infra.event_log import EventLog
from services.collector import settle_survivors
from services.projection.assessment_projection import AssessmentProjection
from services.projection.runners import LibraryRunner

REPORT_SECONDS = 5.0


def run_projection_worker(
    persistence: Mapping[str, str],
    stopping: threading.Event,
    report: Callable[[str], None],
    heartbeat: Path | None = None,
) -> None:
    """Keep the stored answers up to date until ``stopping`` is set (PostgreSQL only),
    touching ``heartbeat`` every ``REPORT_SECONDS`` while its subscription runs (a liveness
    probe for orchestrators)."""
    events = EventLog(persistence, origin="")
    try:
        projection = AssessmentProjection(assessment_store(persistence), settle_survivors)
        projection.warm_up(events)
        report(f"resuming after position {projection.position}")
        runner = LibraryRunner(projection, persistence)
        reported = projection.position
        try:
            while not stopping.wait(REPORT_SECONDS):
                if runner.keep_running() and heartbeat is not None:
                    heartbeat.touch()
                if projection.position != reported:
                    reported = projection.position
                    report(f"projected up to position {reported}")
        finally:
            runner.stop()
        report(f"stopped at position {projection.position}")
    finally:
        events.close()
