"""Where a server finds the stored answers at the head (DESIGN.md §9, ``--projection``).

- :class:`InlineAnswers` (the default, and the only mode on SQLite and in memory): the server
  runs the assessment projection itself (warmed up on a thread, so start-up does not wait for
  it) and answers from its in-memory copy once it has caught up with the head.
- :class:`StoredAnswers` (``--projection external``): a worker process (``provenance project``)
  keeps the answers; the server folds nothing and reads the store, using an answer only when
  the store's tracking position has reached the head the server has seen.

Either way ``None`` means "not available for this head": the caller recomputes from the events,
which gives the same bytes.
"""

from __future__ import annotations

from typing import Protocol

from domain.licences.catalogue import LicenceCatalogue
from infra.assessment_store import AssessmentStore
from services.projection.assessment_projection import AssessmentProjection
from services.projection.runners import ProjectionRunner

PROJECTION_WAIT_SECONDS = 5.0


class HeadAnswers(Protocol):
    store: AssessmentStore

    def answer(self, model_id: str, policy: str, head: int) -> bytes | None:
        """The stored answer if it reflects every event up to ``head`` (may wait a moment)."""
        ...

    def cached(self, model_id: str, policy: str, head: int) -> bytes | None:
        """As :meth:`answer`, from memory only: never blocks, never reads the database."""
        ...

    def hint(self, model_id: str) -> set[str]:
        """Subjects the model is known to rest on (a head start for recomputation)."""
        ...

    def catalogue(self, head: int) -> LicenceCatalogue | None:
        """The catalogue with the ledger's definitions at ``head``, if held in memory."""
        ...

    def wake(self) -> None: ...

    def close(self, head: int) -> None: ...


class InlineAnswers:
    def __init__(self, projection: AssessmentProjection, runner: ProjectionRunner) -> None:
        self._projection = projection
        self._runner = runner
        self.store = projection.view

    def answer(self, model_id: str, policy: str, head: int) -> bytes | None:
        if self._runner.wait(head, PROJECTION_WAIT_SECONDS):
            return self._projection.latest(model_id, policy)
        return None

    def cached(self, model_id: str, policy: str, head: int) -> bytes | None:
        if self._projection.position < head:
            return None
        with self._projection.lock:
            return self._projection.cached(model_id, policy)

    def hint(self, model_id: str) -> set[str]:
        return self._projection.watched(model_id)

    def catalogue(self, head: int) -> LicenceCatalogue | None:
        if not self._runner.wait(head, 1.0):
            return None  # not caught up (or still warming up): read from the events
        return self._projection.catalogue()

    def wake(self) -> None:
        self._runner.wake()

    def close(self, head: int) -> None:
        """Stop, letting the projection first warm up and take in what was written (for a
        moment)."""
        self._runner.settle(head, PROJECTION_WAIT_SECONDS)
        self._runner.stop()


class StoredAnswers:
    def __init__(self, store: AssessmentStore, application_name: str) -> None:
        self.store = store
        self._application_name = application_name

    def answer(self, model_id: str, policy: str, head: int) -> bytes | None:
        if (self.store.max_tracking_id(self._application_name) or 0) < head:
            return None  # the worker has not reached the head (or is stopped)
        stored = self.store.get(model_id, policy)
        return stored.body if stored is not None else None

    def cached(self, model_id: str, policy: str, head: int) -> bytes | None:
        return None

    def hint(self, model_id: str) -> set[str]:
        return set()

    def catalogue(self, head: int) -> LicenceCatalogue | None:
        return None

    def wake(self) -> None:
        """The worker hears commits through NOTIFY."""

    def close(self, head: int) -> None:
        """Nothing runs here."""
