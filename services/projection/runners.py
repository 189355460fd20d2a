"""Running the assessment projection beside the server.

- PostgreSQL: the library's projection runner (LISTEN/NOTIFY subscription from the tracking
  position, one thread), so the view is exactly-once and resumes after a restart.
- SQLite and the in-memory store (no subscriptions there): a thread in the same process that
  reads new events after the tracking position whenever a commit wakes it (or every second).

Both offer ``wait(position, timeout)`` for read-your-writes and ``stop()``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from eventsourcing.persistence import Tracking
from eventsourcing.projection import BaseProjectionRunner

from infra.event_log import CommittedLeaf, EventLog, LedgerApplication
from services.projection.assessment_projection import AssessmentProjection

_POLL_SECONDS = 1.0
RESTART_SECONDS = 1.0
_log = logging.getLogger(__name__)


class ProjectionRunner(Protocol):
    def wait(self, position: int, timeout: float) -> bool: ...

    def settle(self, position: int, timeout: float) -> bool:
        """As :meth:`wait`, also waiting for a warm-up to end (before stopping)."""
        ...

    def wake(self) -> None: ...

    def stop(self) -> None: ...


class LibraryRunner:
    """``eventsourcing``'s runner over a PostgreSQL subscription. When the subscription fails
    (the database went away), the next ``wait`` starts a new runner, at most every
    ``RESTART_SECONDS``; it resumes from the tracking record and the projection skips what it
    had already folded."""

    def __init__(self, projection: AssessmentProjection, env: Mapping[str, str]) -> None:
        self._projection = projection
        self._env = dict(env)
        self._lock = threading.Lock()
        self._last_start = 0.0
        self._runner: BaseProjectionRunner[LedgerApplication] | None = None
        self._start()

    def _start(self) -> None:
        self._last_start = time.monotonic()
        runner = BaseProjectionRunner(
            projection=self._projection,
            application_class=LedgerApplication,
            tracking_recorder=self._projection.view,
            topics=self._projection.topics,
            env=self._env,
        )
        runner.__enter__()
        self._runner = runner

    def _running(self) -> bool:
        runner = self._runner
        if runner is not None and not runner.is_interrupted.is_set():
            return True
        with self._lock:
            if self._runner is not None and not self._runner.is_interrupted.is_set():
                return True
            if time.monotonic() - self._last_start < RESTART_SECONDS:
                return False
            self._close_runner()
            try:
                self._start()
            except Exception as error:  # the database is still away: try again later
                _log.warning("the assessment projection could not restart yet: %s", error)
                return False
            _log.warning("the assessment projection restarted")
            return True

    def _close_runner(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        try:
            runner.__exit__(None, None, None)
        except Exception as error:  # its subscription failed (the connection dropped): it restarts
            _log.warning("the assessment projection stopped with an error: %s", _first_line(error))
        runner.app.close()

    def wait(self, position: int, timeout: float) -> bool:
        if not self.keep_running():
            return False
        return self._projection.wait_for(position, timeout)

    def settle(self, position: int, timeout: float) -> bool:
        return self.wait(position, timeout)

    def keep_running(self) -> bool:
        """True if the subscription runs (restarting a failed one, at most every
        ``RESTART_SECONDS``)."""
        return self._running()

    def wake(self) -> None:
        """The subscription hears commits through NOTIFY; nothing to do."""

    def stop(self) -> None:
        with self._lock:
            self._last_start = float("inf")  # no restart after this
            self._close_runner()
        self._projection.stop()


class InProcessRunner:
    """Feeds new events to the projection from a thread of this process."""

    def __init__(self, events: EventLog, projection: AssessmentProjection) -> None:
        self._events = events
        self._projection = projection
        self._woken = threading.Event()
        self._stopping = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="assessments", daemon=True)
        self._thread.start()

    def catch_up(self) -> None:
        """Process every event after the tracking position (on the calling thread)."""
        while feed_projection(self._events, self._projection, limit=500):
            pass
        self._projection.flush()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.catch_up()
                self._failure = None
            except Exception as error:  # reported by wait(); tried again at the next poll
                if self._failure is None:
                    _log.exception("the assessment projection failed; retrying")
                self._failure = error
            self._woken.wait(_POLL_SECONDS)
            self._woken.clear()

    def wait(self, position: int, timeout: float) -> bool:
        if self._failure is not None:
            self.wake()
            return False
        return self._projection.wait_for(position, timeout)

    def settle(self, position: int, timeout: float) -> bool:
        return self.wait(position, timeout)

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()
        self._thread.join(timeout=10)
        self._projection.stop()


def feed_projection(events: EventLog, projection: AssessmentProjection, limit: int) -> int:
    """Give the projection up to ``limit`` leaves after its tracking position; how many."""
    page = events.committed_after(projection.folded_position, limit, leaves_only=True)
    for leaf in page.items:
        assert isinstance(leaf, CommittedLeaf)
        projection.process_leaf(leaf, Tracking(events.name, leaf.position))
    return len(page.items)


class WarmingRunner:
    """Warms the projection up (its world, from the events up to its tracking position) on a
    thread of its own, then starts the runner ``start`` makes — so a server is ready without
    waiting for a replay of the log. Until the runner runs, ``wait`` answers False at once
    and the server recomputes answers from the events (the same bytes)."""

    def __init__(
        self,
        warm_up: Callable[[], None],
        start: Callable[[], ProjectionRunner],
    ) -> None:
        self._warm_up = warm_up
        self._start = start
        self._runner: ProjectionRunner | None = None
        self._stopping = threading.Event()
        self._started = threading.Event()  # the warm-up ended (the runner started, or not)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="assessments-warm-up", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._warm_up()
                break
            except Exception as error:  # the database went away: try again
                _log.warning("warming the assessment projection up failed (%s); retrying", error)
                self._stopping.wait(RESTART_SECONDS)
        try:
            with self._lock:
                if not self._stopping.is_set():
                    self._runner = self._start()
        finally:
            self._started.set()

    @property
    def warm(self) -> bool:
        return self._runner is not None

    def wait(self, position: int, timeout: float) -> bool:
        runner = self._runner
        return runner is not None and runner.wait(position, timeout)

    def settle(self, position: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._started.wait(timeout):
            return False
        runner = self._runner
        return runner is not None and runner.wait(position, max(0.0, deadline - time.monotonic()))

    def wake(self) -> None:
        if (runner := self._runner) is not None:
            runner.wake()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            runner = self._runner
        if runner is not None:
            runner.stop()


def _first_line(error: BaseException) -> str:
    """An operational error in one line (the logs of a subscription that restarts by itself
    say what happened, without a traceback)."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"
