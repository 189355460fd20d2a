"""A server does not wait for its projection's warm-up: until it is warm, nothing is
answered from the projection (callers recompute from the events)."""

from __future__ import annotations

import threading

from services.projection.runners import WarmingRunner


class FakeRunner:
    def __init__(self) -> None:
        self.waited: list[int] = []
        self.woken = 0
        self.stopped = False

    def wait(self, position: int, timeout: float) -> bool:
        self.waited.append(position)
        return True

    def settle(self, position: int, timeout: float) -> bool:
        return self.wait(position, timeout)

    def wake(self) -> None:
        self.woken += 1

    def stop(self) -> None:
        self.stopped = True


def test_nothing_is_answered_until_the_warm_up_ends() -> None:
    release, started = threading.Event(), threading.Event()
    runner = FakeRunner()

    def warm_up() -> None:
        started.set()
        release.wait(10)

    warming = WarmingRunner(warm_up, lambda: runner)
    assert started.wait(5)
    assert not warming.warm
    assert warming.wait(7, 5.0) is False  # at once: no waiting on a warm-up
    warming.wake()
    assert runner.waited == []
    threading.Timer(0.2, release.set).start()
    assert warming.settle(8, 10.0) is True  # a stop first lets the warm-up end
    assert runner.waited == [8]
    for _ in range(500):
        if warming.warm:
            break
        threading.Event().wait(0.01)
    assert warming.wait(7, 1.0) is True
    assert runner.waited == [8, 7]
    warming.stop()
    assert runner.stopped


def test_a_failed_warm_up_is_tried_again() -> None:
    attempts: list[int] = []
    failing = threading.Event()

    def warm_up() -> None:
        attempts.append(1)
        if not failing.is_set():
            failing.set()
            raise OSError("database away")

    runner = FakeRunner()
    warming = WarmingRunner(warm_up, lambda: runner)
    for _ in range(500):
        if warming.warm:
            break
        threading.Event().wait(0.01)
    assert len(attempts) == 2
    assert warming.warm
    warming.stop()
    assert runner.stopped
