"""The cyclic collector's settings in the ledger's processes (services/collector.py, issue 9):
serving processes collect in larger steps, and an audit's replay and answers run without it,
the collector resuming afterwards exactly as it was."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from services.cli.errors import EXIT_USAGE
from services.cli.main import main
from services.collector import (
    LONG_RUNNING_THRESHOLDS,
    SERVING_THRESHOLDS,
    collector_held_off,
    tune_for_long_running,
    tune_for_serving,
)
from services.worker_processes import started_worker


@pytest.fixture(autouse=True)
def _restored() -> Iterator[None]:
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def test_the_collector_is_off_in_the_block_and_back_on_after_it_even_on_error() -> None:
    gc.enable()
    with collector_held_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_held_off():
        raise RuntimeError("the replay failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_held_off():
        pass
    assert not gc.isenabled()


def test_long_running_processes_collect_young_objects_in_larger_steps() -> None:
    gc.set_threshold(700, 10, 10)
    tune_for_long_running()
    assert gc.get_threshold() == LONG_RUNNING_THRESHOLDS
    assert LONG_RUNNING_THRESHOLDS[0] > 700


def test_the_serving_process_collects_in_steps_larger_than_its_batches_in_flight() -> None:
    gc.set_threshold(700, 10, 10)
    tune_for_serving()
    assert gc.get_threshold() == SERVING_THRESHOLDS
    assert SERVING_THRESHOLDS[0] >= 100_000 > LONG_RUNNING_THRESHOLDS[0]


@pytest.mark.parametrize(
    ("command", "thresholds"),
    [("serve", SERVING_THRESHOLDS), ("project", LONG_RUNNING_THRESHOLDS)],
)
def test_serve_and_project_tune_the_collector_first(
    command: str,
    thresholds: tuple[int, int, int],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # serve makes its default keys here
    gc.set_threshold(700, 10, 10)
    assert main([command, "--database-url", "nosuch://x"]) == EXIT_USAGE  # the URL stops it
    assert "error: " in capsys.readouterr().err
    assert gc.get_threshold() == thresholds  # tuned before anything else


def _thresholds() -> tuple[tuple[int, int, int], bool]:
    return gc.get_threshold(), gc.isenabled()


@pytest.mark.parametrize(
    ("collect", "expected"), [(True, (LONG_RUNNING_THRESHOLDS, True)), (False, (None, False))]
)
def test_worker_processes_collect_as_long_running_processes_do_or_not_at_all(
    collect: bool, expected: tuple[tuple[int, int, int] | None, bool]
) -> None:
    """A batch-check worker (``started_worker(True)``) is tuned for a long-running process; an
    audit's page checker (``started_worker(False)``) runs without the collector."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, context, started_worker, (collect, None)) as pool:
        thresholds, enabled = pool.submit(_thresholds).result(timeout=60)
    assert enabled is expected[1]
    if expected[0] is not None:
        assert thresholds == expected[0]
