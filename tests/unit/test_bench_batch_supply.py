"""The batch loads' supply of pre-signed batches (``bench.ingest.post_batches``): a load whose
clients run out of batches is finished by fewer and fewer of them, which lowers its rate, so it
says so; one that runs out before half its time is refused; one that outlasts it says nothing.
The load itself is replaced by its outcome, so no clock decides the test."""

from __future__ import annotations

import pytest

from bench import ingest
from bench.http_load import LoadResult


def _load_ending(
    monkeypatch: pytest.MonkeyPatch, completed: int, elapsed: float
) -> list[tuple[int, float]]:
    asked: list[tuple[int, float]] = []

    async def run_load(
        host: str, port: int, requests: list[bytes], clients: int, seconds: float
    ) -> LoadResult:
        asked.append((clients, seconds))
        return LoadResult(completed, elapsed, [0.1] * completed, {201: completed})

    monkeypatch.setattr(ingest, "run_load", run_load)
    return asked


def test_a_load_that_runs_out_of_batches_late_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = _load_ending(monkeypatch, completed=3, elapsed=8.5)

    result = ingest.post_batches(1, [b"a", b"b", b"c"], 10, clients=4)

    assert (result.completed, asked) == (3, [(4, 10)])
    assert "ran out of pre-signed batches after 8.5 s of 10" in capsys.readouterr().out


def test_a_load_that_outlasts_its_time_says_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _load_ending(monkeypatch, completed=2, elapsed=10.1)

    assert ingest.post_batches(1, [b"a", b"b", b"c"], 10, clients=1).completed == 2
    assert capsys.readouterr().out == ""


def test_a_load_that_runs_out_before_half_its_time_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _load_ending(monkeypatch, completed=3, elapsed=4.0)

    with pytest.raises(RuntimeError, match="too early"):
        ingest.post_batches(1, [b"a", b"b", b"c"], 10, clients=1)
