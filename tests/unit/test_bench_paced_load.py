"""The batch loads' baseline (``bench.ingest.paced`` and ``batch_load``): the verify rate is
measured before, between and after a load's windows, each time once the stored answers have
caught up, and the load's ratio is to the mean of those measurements. The loads, the waits and
the measurements are replaced by stand-ins that record their order, so no clock decides."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench import ingest
from bench.http_load import LoadResult


def test_the_verify_rate_is_measured_around_every_window_once_the_answers_caught_up() -> None:
    calls: list[str] = []
    rates = iter([100.0, 80.0, 120.0])
    lags = iter([(1000, 0.02), (3000, 0.25)])

    def window(completed: int, elapsed: float) -> Callable[[], LoadResult]:
        def run() -> LoadResult:
            calls.append(f"load {completed}")
            return LoadResult(completed, elapsed)

        return run

    def settle() -> ingest.Lag:
        calls.append("settle")
        return next(lags)

    def verify() -> float:
        calls.append("verify")
        return next(rates)

    load = ingest.paced([window(3, 0.5), window(5, 1.5)], settle, verify)

    assert calls == ["verify", "load 3", "settle", "verify", "load 5", "settle", "verify"]
    assert (load.events, load.seconds, load.verify) == (8 * ingest.BATCH, 2.0, (100.0, 80.0, 120.0))
    assert load.windows == ((3 * ingest.BATCH, 0.5), (5 * ingest.BATCH, 1.5))
    assert load.rate == 4 * ingest.BATCH
    assert load.baseline == pytest.approx(100.0)
    assert load.ratio == pytest.approx(40.0)
    assert load.worst_lag() == (3000, 0.25)
    assert load.baseline_line() == "verify 100/s, the mean of 3 measured around 2 windows: 80-120"
    assert load.windows_line() == "6000/s (66.67), 3333/s (33.33)"


def test_a_window_whose_answers_did_not_catch_up_is_the_worst() -> None:
    load = ingest.PacedLoad(((1, 1.0),), (1.0, 1.0), ((10, 5.0), (5, None), (20, 0.1)))

    assert load.worst_lag() == (5, None)


def test_a_batch_load_shares_its_documents_and_seconds_between_its_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[tuple[int, int, float]] = []

    async def run_load(
        host: str, port: int, requests: list[bytes], clients: int, seconds: float
    ) -> LoadResult:
        loads.append((len(requests), clients, seconds))
        return LoadResult(len(requests) - 1, seconds, [0.1], {201: len(requests) - 1})

    monkeypatch.setattr(ingest, "run_load", run_load)
    monkeypatch.setattr(ingest, "projection_lag", lambda url: (0, 0.0))
    documents = [{"n": i} for i in range(9 * ingest.BATCH)]

    load = ingest.batch_load("postgresql://unused", 1, documents, 6.0, 4, lambda: 50.0)

    assert ingest.LOAD_WINDOWS == 3
    assert loads == [(3, 4, 2.0), (3, 4, 2.0), (3, 4, 2.0)]
    assert (load.events, load.seconds) == (6 * ingest.BATCH, 6.0)
    assert load.verify == (50.0,) * 4
