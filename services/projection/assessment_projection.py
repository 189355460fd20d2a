"""The projection that keeps the latest assessment of every model under every policy.

It folds every recorded statement into a world at the head and, for each event, recomputes
the models whose answer could change: those that watch the event's subject (their closure's
subjects, the licence ids they name and the keys that signed their evidence). The changed
assessments and the event's tracking record are written together, so each event takes effect
exactly once (``infra.assessment_store``). Answers equal a recomputation from the events at
the head, byte for byte: both run the same ``assess`` over the same closure.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, Tracking
from eventsourcing.projection import Projection

from domain.assessment.closure import closure, closure_subjects, licence_ids
from domain.assessment.policies import POLICIES
from domain.assessment.report import answer, catalogue_for
from domain.assessment.world import Recorded, World
from domain.ledger import Ledger
from domain.licences.catalogue import LicenceCatalogue, definition_key
from infra.assessment_store import ASSESSMENTS, AssessmentStore, StoredAssessment
from infra.event_log import APPENDED_TOPIC, CommittedLeaf, EventLog
from services.projection.rules_version import rules_stamp
from services.read.recorded import recorded_from_event, recorded_from_leaf

_log = logging.getLogger(__name__)


FLUSH_AFTER_EVENTS = 1000  # recompute at least this often while events stream in
FLUSH_WHEN_IDLE_SECONDS = 0.02  # ... as soon as the stream pauses this long
FLUSH_AT_LATEST_SECONDS = 0.2  # ... and never leave a folded event unflushed longer


class AssessmentProjection(Projection[AssessmentStore]):
    """Events are folded into the world one by one; the models they touch are recomputed
    together at a *flush*, which writes the changed rows with the tracking record of the last
    event folded, in one transaction. A flush happens every ``FLUSH_AFTER_EVENTS`` events and
    whenever the stream pauses (a flusher thread), so a burst of statements about one large
    model costs one recomputation, not one per statement. After a crash between flushes the
    view's tracking position is the last flush: the events since are folded again on restart
    (``warm_up`` replays up to the tracking position only), so every event counts once."""

    name = ASSESSMENTS
    topics = (APPENDED_TOPIC,)

    def __init__(self, view: AssessmentStore, settle: Callable[[], None] = lambda: None) -> None:
        """``settle``: called once the world is warmed up and after each flush whose rows are
        stored, by it or by another instance (not after one with nothing folded, nor one that
        failed): the worker process's ``services.collector.settle_survivors``, since what the
        world keeps by then stays."""
        super().__init__(view)
        self._settle = settle
        self.world = World()
        self._watching: dict[str, set[str]] = {}  # model -> what it watches
        self._watchers: dict[str, set[str]] = defaultdict(set)  # subject -> models
        self._latest: dict[tuple[str, str], bytes] = {}  # in-memory copy of the view's rows
        self._dirty: set[str] = set()  # models touched since the last flush
        self._unflushed: Tracking | None = None  # the last event folded but not yet flushed
        self._folded = 0
        self._first_unflushed_at = self._last_folded_at = 0.0
        self.folded_position = 0  # the last event folded into the world
        self.position = 0  # the last event whose effects are stored
        self.lock = threading.RLock()
        self._advanced = threading.Condition()
        self._stopping = threading.Event()
        self._flusher = threading.Thread(
            target=self._flush_when_idle, daemon=True, name="assessments-flush"
        )
        self._flusher.start()

    def warm_up(self, events: EventLog) -> None:
        """Rebuild the in-memory world up to the view's tracking position (nothing written) —
        after forgetting the stored answers if other rules computed them (they are then
        folded again from the start: ``services.projection.rules_version``)."""
        self._forget_other_rules(events.name)
        upto = self.view.max_tracking_id(events.name) or 0
        after = 0
        while after < upto:
            page = events.committed_after(after, stop=upto, leaves_only=True)
            for leaf in page.items:
                assert isinstance(leaf, CommittedLeaf)
                self.world.add(recorded_from_leaf(leaf))
            if not page.full:
                break
            after = page.last
        with self.lock:
            for model_id in self.world.models:
                self._watch(model_id, closure(self.world, model_id))
            self.folded_position = upto
        self._settle()
        self._advance(upto)

    def _forget_other_rules(self, application_name: str) -> None:
        stamp = rules_stamp()
        if self.view.max_tracking_id(stamp) is not None:
            return
        if self.view.max_tracking_id(application_name) is not None:
            _log.warning("the stored answers were computed with other rules: folding again")
        self.view.clear(application_name)
        with contextlib.suppress(IntegrityError):  # another process stamped it first
            self.view.save([], Tracking(stamp, 1))

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Fold one event of the library's subscription (see :meth:`process_leaf`)."""
        if isinstance(domain_event, Ledger.StatementAppended):
            self._fold(recorded_from_event(domain_event, tracking.notification_id), tracking)

    def process_leaf(self, leaf: CommittedLeaf, tracking: Tracking) -> None:
        """Fold one leaf; a leaf already folded (a restarted subscription resumes from the
        last flush) is skipped, so each counts once."""
        self._fold(recorded_from_leaf(leaf), tracking)

    def _fold(self, recorded: Recorded, tracking: Tracking) -> None:
        if tracking.notification_id <= self.folded_position:
            return
        with self.lock:
            self.world.add(recorded)
            self._dirty.update(self._affected(recorded))
            if self._unflushed is None:
                self._first_unflushed_at = time.monotonic()
            self._unflushed = tracking
            self._last_folded_at = time.monotonic()
            self.folded_position = tracking.notification_id
            self._folded += 1
            if self._folded >= FLUSH_AFTER_EVENTS:
                self.flush()

    def flush(self) -> None:
        """Recompute the models touched since the last flush and store them with the tracking
        record of the last event folded (one transaction)."""
        with self.lock:
            tracking = self._unflushed
            if tracking is None:
                return
            rows = [row for model in sorted(self._dirty) for row in self._assess(model)]
            # Another server instance sharing this view may have stored this event (or a later
            # one) already; its rows are the same bytes, as the assessment is deterministic.
            # Any other failure (the database is away) leaves everything for the next flush.
            with contextlib.suppress(IntegrityError):
                self.view.save(rows, tracking)
            self._unflushed, self._folded = None, 0
            self._dirty.clear()
            self._latest.update({(row.model, row.policy): row.body for row in rows})
            self._settle()
        self._advance(tracking.notification_id)

    def _flush_when_idle(self) -> None:
        while not self._stopping.wait(FLUSH_WHEN_IDLE_SECONDS / 2):
            with self.lock:
                now = time.monotonic()
                due = self._unflushed is not None and (
                    now - self._last_folded_at >= FLUSH_WHEN_IDLE_SECONDS
                    or now - self._first_unflushed_at >= FLUSH_AT_LATEST_SECONDS
                )
            if due:
                try:
                    self.flush()
                except (OperationalError, InterfaceError) as error:  # retried at the next tick
                    _log.warning("flushing the assessment projection failed: %s", error)
                    self._stopping.wait(1.0)
                except Exception:  # the next flush retries; wait() callers time out meanwhile
                    _log.exception("flushing the assessment projection failed")

    def stop(self) -> None:
        """Flush what was folded and stop the flusher."""
        self._stopping.set()
        self._flusher.join(timeout=10)
        self.flush()

    def _advance(self, position: int) -> None:
        with self._advanced:
            self.position = max(self.position, position)
            self._advanced.notify_all()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the projection has processed ``position`` (True) or ``timeout``."""
        with self._advanced:
            return self._advanced.wait_for(lambda: self.position >= position, timeout)

    def cached(self, model_id: str, policy: str) -> bytes | None:
        """The in-memory copy only (never reads the view)."""
        return self._latest.get((model_id, policy))

    def latest(self, model_id: str, policy: str) -> bytes | None:
        """The stored assessment (kept in memory once read); None for an unknown model."""
        with self.lock:
            body = self._latest.get((model_id, policy))
        if body is None:
            stored = self.view.get(model_id, policy)
            if stored is not None:
                body = stored.body
                with self.lock:
                    self._latest.setdefault((model_id, policy), body)
        return body

    def watched(self, model_id: str) -> set[str]:
        """The subjects, licence ids and signers the model's answer rests on at the head."""
        with self.lock:
            return set(self._watching.get(model_id, ()))

    def catalogue(self) -> LicenceCatalogue:
        with self.lock:
            return catalogue_for(self.world)

    def _affected(self, recorded: Recorded) -> set[str]:
        statement = recorded.statement
        models = set(self._watchers.get(statement.subject, ()))
        if statement.type == "LicenceDefined":  # any spelling of a licence a model names
            models |= self._watchers.get(_licence_watch(statement.subject), set())
        if statement.type == "ModelVersionReleased":
            models.add(statement.subject)
        return {m for m in models if m in self.world.models}

    def _assess(self, model_id: str) -> list[StoredAssessment]:
        rows = []
        for policy in POLICIES:
            body, evidence = answer(self.world, model_id, policy)
            rows.append(StoredAssessment(model_id, policy, body, evidence[-1].position or 0))
        self._watch(model_id, evidence)
        return rows

    def _watch(self, model_id: str, evidence: list[Recorded]) -> None:
        watched = closure_subjects(self.world, model_id)
        watched |= {k for r in evidence for k in r.signers}
        for subject in list(watched):
            artefact = self.world.artefacts.get(subject)
            if artefact is not None:
                expressions = [g.licence for g in artefact.grants]
                expressions += [s.licence for s in artefact.sources.values() if s.licence]
                expressions += [layer.licence for layer in artefact.layers]
                for expression in expressions:
                    named = licence_ids(expression)
                    watched.update(named)
                    watched.update(_licence_watch(i) for i in named)
        for subject in self._watching.get(model_id, set()) - watched:
            self._watchers[subject].discard(model_id)
        for subject in watched:
            self._watchers[subject].add(model_id)
        self._watching[model_id] = watched


def _licence_watch(licence_id: str) -> str:
    """What a model naming ``licence_id`` watches so that a definition under any spelling of it
    reaches the model (a key no subject id can take: subject ids have no spaces)."""
    return f"licence {definition_key(licence_id)}"
