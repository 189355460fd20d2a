"""The ledger's services over one event store, opened and closed together."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.assessment.policies import DEFAULT_POLICY
from domain.licences.catalogue import LicenceCatalogue
from infra.assessment_store import assessment_store
from infra.checkpoint_file import CheckpointFile
from infra.event_log import EventLog
from infra.settings import PROJECTION_MODES
from services.ledger_view import LedgerView, ModelSummary
from services.projection.assessment_projection import AssessmentProjection
from services.projection.runners import (
    InProcessRunner,
    LibraryRunner,
    ProjectionRunner,
    WarmingRunner,
)
from services.read.as_of import AsOf
from services.read.assessments import Assessments, check_policy
from services.read.bundles import Bundles
from services.read.eu_summaries import eu_training_summary
from services.read.head_answers import HeadAnswers, InlineAnswers, StoredAnswers
from services.read.model_list import ListedModel, matching_models
from services.read.reads import LedgerReads
from services.tiles.reads import TileReads
from services.tiles.source import ViewTiles
from services.write.stateless_checks import StatelessChecks
from services.write.submission import Submission
from services.write.transparency_log import TransparencyLog


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class LedgerServices:
    events: EventLog
    view: LedgerView
    submission: Submission
    reads: LedgerReads
    log: TransparencyLog
    assessments: Assessments
    bundles: Bundles
    answers: HeadAnswers
    tiles: TileReads
    origin: str
    operator_keys: tuple[Ed25519PublicKey, ...]
    checks: StatelessChecks

    def is_ready(self) -> bool:
        """True if the event store answers and still holds every entry this server has seen
        (a database that lost some halts the log: see ``log.halted``)."""
        try:
            self.log.check_database_extends_view()
        except Exception:
            return False
        return self.log.halted is None

    def freedoms(self, model_id: str, as_of: AsOf | None, at: str | None, policy: str) -> bytes:
        """The §6 assessment (RFC 8785 bytes): the stored answer for the head once it reflects
        every write this process has seen; recomputed from events otherwise (same bytes)."""
        check_policy(policy)
        if as_of is None and at is None:
            self.view.catch_up()
            body = self.answers.answer(model_id, policy, self.head_position)
            if body is not None:
                return body
        return self.assessments.recompute(model_id, as_of, at, policy).body

    def eu_training_summary(
        self, model_id: str, as_of: AsOf | None, at: str | None, public_url: str
    ) -> dict[str, Any]:
        """The EU training-content summary (DESIGN.md §11.3), recomputed from the events."""
        return eu_training_summary(self.assessments, self.reads, model_id, as_of, at, public_url)

    def current_freedoms(self, model_id: str, policy: str) -> bytes | None:
        """The answer for the head if this process holds it in memory and it reflects every
        event this process has seen; None otherwise (then call :meth:`freedoms`). Never
        blocks."""
        check_policy(policy)
        return self.answers.cached(model_id, policy, self.head_position)

    @property
    def head_position(self) -> int:
        """The position of the last leaf this process has seen (its own writes included)."""
        return self.view.head_position()

    def catalogue(self) -> LicenceCatalogue:
        """The built-in catalogue with the ledger's licence definitions at the head."""
        held = self.answers.catalogue(self.head_position)
        return held if held is not None else self.assessments.catalogue()

    def models(self) -> list[ModelSummary]:
        """Every model version recorded, by id."""
        self.view.catch_up()
        return self.view.models()

    def models_page(
        self, query: str = "", after: str = "", limit: int = 100
    ) -> tuple[list[ListedModel], str | None]:
        """The model versions whose id or name contains ``query`` (case-insensitive), by id,
        after the id ``after``, at most ``limit``, each with its verdicts under the default
        policy at the head; and the ``after`` of the next page (None at the end)."""
        found = matching_models(self.models(), query, after)
        page = [
            ListedModel(m, json.loads(self.freedoms(m.id, None, None, DEFAULT_POLICY)))
            for m in found[:limit]
        ]
        return page, (page[-1].summary.id if len(found) > limit else None)

    def close(self) -> None:
        self.answers.close(self.head_position)
        self.checks.close()
        self.events.close()


def open_ledger(
    persistence: Mapping[str, str],
    operator_keys: Sequence[Ed25519PublicKey],
    origin: str,
    log_key: Ed25519PrivateKey,
    clock: Callable[[], datetime] = utc_now,
    state_dir: Path | None = None,
    projection: str = "inline",
    worker_cpus: frozenset[int] | None = None,
) -> LedgerServices:
    """Open the event store, replay the log into the view and wire the services.

    ``state_dir`` keeps the newest signed checkpoint outside the database (DESIGN.md §7);
    without it (in-memory tests) nothing outside the database guards against a rollback.
    ``projection`` is ``inline`` (this process keeps the stored answers) or ``external`` (a
    ``provenance project`` worker does; PostgreSQL only). ``worker_cpus``: the CPUs the
    batch-check worker processes run on, where this process was kept on fewer
    (``infra.cpu_affinity``); one worker process per CPU, up to 4."""
    if projection not in PROJECTION_MODES:
        raise ValueError(f"projection must be one of {PROJECTION_MODES}, not '{projection}'")
    postgres = persistence.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
    if projection == "external" and not postgres:
        raise ValueError("--projection external needs PostgreSQL (a worker shares the store)")
    events = EventLog(persistence, origin)
    view = LedgerView(events, operator_keys)
    view.catch_up()
    state = CheckpointFile(state_dir, origin) if state_dir is not None else None
    log = TransparencyLog(view, origin, log_key, state)
    log.open()
    answers = _answers(events, persistence, projection)
    cores = len(worker_cpus) if worker_cpus is not None else os.cpu_count() or 1
    # Beside the admitting thread: threads for mid-sized requests, processes for batches (one
    # per core: a batch's checks are back sooner than with one process per free core).
    processes = min(4, cores) if cores > 1 else 0
    checks = StatelessChecks(min(4, cores), processes, worker_cpus)
    reads = LedgerReads(view)
    assessments = Assessments(view, reads, answers.hint)
    return LedgerServices(
        events=events,
        view=view,
        submission=Submission(view, log, clock, checks, on_commit=answers.wake),
        reads=reads,
        log=log,
        assessments=assessments,
        bundles=Bundles(assessments, reads, log),
        answers=answers,
        tiles=TileReads(ViewTiles(view, reads), log),
        origin=origin,
        operator_keys=tuple(operator_keys),
        checks=checks,
    )


def _answers(events: EventLog, persistence: Mapping[str, str], mode: str) -> HeadAnswers:
    store = assessment_store(persistence)
    if mode == "external":
        return StoredAnswers(store, events.name)
    projection = AssessmentProjection(store)
    runner = WarmingRunner(
        lambda: projection.warm_up(events), lambda: start_runner(events, projection, persistence)
    )
    return InlineAnswers(projection, runner)


def start_runner(
    events: EventLog, projection: AssessmentProjection, persistence: Mapping[str, str]
) -> ProjectionRunner:
    if persistence.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return LibraryRunner(projection, persistence)
    return InProcessRunner(events, projection)
