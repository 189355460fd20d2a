"""``make bench-cpu`` counts each process's CPU over the load only, including processes that
start or end meanwhile (a PostgreSQL pool opens backends under load; a worker may be replaced)."""

from __future__ import annotations

import builtins
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bench import cpu_split
from bench.cpu_split import CpuTracker, Processes, descendants, postgres_processes
from tests.stepped_process import stepped

BURN_SECONDS = 0.3
_BURNER = (
    "import sys, time\n"
    f"while time.process_time() < {BURN_SECONDS}: pass\n"
    "print('burnt', flush=True)\n"
    "time.sleep(float(sys.argv[1]))\n"
)


@pytest.fixture
def burners() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes that each burn ``BURN_SECONDS`` of CPU, say so, then sleep (killed after)."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def _burn(started: list[subprocess.Popen[str]], sleep_after: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _BURNER, str(sleep_after)], stdout=subprocess.PIPE, text=True
    )
    started.append(process)
    assert process.stdout is not None
    assert process.stdout.readline() == "burnt\n"
    return process


def _tracker(started: list[subprocess.Popen[str]]) -> CpuTracker:
    return CpuTracker({"burners": lambda _: [p.pid for p in started if p.poll() is None]})


def test_a_process_started_while_measuring_counts_from_zero(
    burners: list[subprocess.Popen[str]],
) -> None:
    tracker = _tracker(burners)
    tracker.start()
    _burn(burners, sleep_after=5)
    time.sleep(2 * CpuTracker.SAMPLE_SECONDS)
    assert tracker.stop()["burners"] == pytest.approx(BURN_SECONDS, abs=0.05)


def test_a_process_that_ends_while_measuring_counts_up_to_its_last_sample(
    burners: list[subprocess.Popen[str]],
) -> None:
    tracker = _tracker(burners)
    tracker.start()
    process = _burn(burners, sleep_after=5 * CpuTracker.SAMPLE_SECONDS)
    process.wait()  # gone from /proc: its CPU can no longer be read
    assert tracker.stop()["burners"] == pytest.approx(BURN_SECONDS, abs=0.05)


def test_cpu_spent_before_the_start_is_not_counted(burners: list[subprocess.Popen[str]]) -> None:
    _burn(burners, sleep_after=5)
    tracker = _tracker(burners)
    tracker.start()
    time.sleep(2 * CpuTracker.SAMPLE_SECONDS)
    assert tracker.stop()["burners"] == pytest.approx(0, abs=0.02)


def test_descendants_include_a_child_of_a_child() -> None:
    reads = "import sys; sys.stdin.read()"  # until the test closes its input
    script = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {reads!r}])"
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while len(found := descendants(child.pid)) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(found) == 1  # the grandchild
        assert {child.pid, *found} <= set(descendants(os.getpid()))
    finally:
        assert child.stdin is not None
        child.stdin.close()  # the grandchild reads end of input and ends
        child.kill()
        child.wait()


def test_a_sample_reads_each_process_once_whatever_its_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sampler runs on the cores it measures: one pass over ``/proc`` a sample, shared by
    every group (the split's five groups used to read each of their processes' files again)."""
    reads: Counter[str] = Counter()

    def counted(path: str, *args: Any, **kwargs: Any) -> Any:
        reads[path] += 1
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(cpu_split, "open", counted, raising=False)
    monkeypatch.setattr(CpuTracker, "SAMPLE_SECONDS", 60.0)  # no sample between start and stop
    me = os.getpid()
    tracker = CpuTracker(
        {
            "me": lambda _: [me],
            "me again": lambda _: [me],
            "my parent's descendants": lambda processes: descendants(os.getppid(), processes),
            "PostgreSQL": postgres_processes,
        }
    )
    tracker.start()
    spent = tracker.stop()
    assert reads[f"/proc/{me}/stat"] == 2  # the start's pass and the stop's
    assert spent["me"] == spent["me again"] >= 0


def test_a_snapshot_knows_this_process_its_parent_and_its_cpu() -> None:
    before = time.process_time()
    while time.process_time() - before < 0.05:  # some CPU to read back
        pass
    processes = Processes.now()
    me = os.getpid()
    assert processes.parents[me] == os.getppid()
    assert processes.names[me].startswith(("python", "pytest"))
    assert processes.cpu[me] >= 0.05 - 2 / os.sysconf("SC_CLK_TCK")


def test_a_load_line_gives_each_groups_cpu_per_thousand_events_their_sum_and_memory() -> None:
    line = cpu_split.load_line(
        2,
        42_000,
        13_500.4,
        {"serving": 0.4, "workers": 0.65},
        10_000,
        {"serving": os.getpid()},
        17_000.2,
    )

    assert line.startswith(
        "load 2:     42000 leaves   13500 events/s  serving  40.0  workers  65.0"
    )
    assert "sum 105.0 ms  verify 17000/s  = 1.79 verifications" in line
    assert f"serving {cpu_split.resident_mb(os.getpid())} MB" in line
    assert cpu_split.resident_mb(os.getpid()) > 0


def test_cpu_an_event_in_verifications_is_the_budget_of_two_cores_at_the_aim() -> None:
    # Two cores at 1.0x the verify rate: 2 / rate seconds an event, i.e. 2.00 verifications.
    for rate in (9_000.0, 17_000.0):
        assert cpu_split.in_verifies(2 / rate, rate) == pytest.approx(2.0)
    assert cpu_split.in_verifies(120e-6, 17_000.0) == pytest.approx(2.04)


def test_an_ended_process_has_no_resident_memory() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert cpu_split.resident_mb(process.pid) == 0


def test_fewer_than_one_load_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["cpu_split", "--loads", "0"])
    with pytest.raises(SystemExit) as exited:
        cpu_split.main()
    assert exited.value.code == 2
    assert "--loads must be at least 1" in capsys.readouterr().err


_TOUCHER = (
    "import mmap, sys\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    f"memory = mmap.mmap(-1, {64 << 20})\n"
    "memory.madvise(mmap.MADV_NOHUGEPAGE)  # a fault a 4 KiB page, whatever the kernel's THP\n"
    "memory[::4096] = b'x' * len(range(0, len(memory), 4096))  # every page touched\n"
    "print('touched', flush=True)\n"
    "sys.stdin.readline()\n"
)


def test_page_faults_are_counted_for_the_pages_a_process_touches_while_measuring() -> None:
    with stepped(_TOUCHER) as toucher:
        tracker = CpuTracker({"toucher": lambda _: [toucher.pid], "me": lambda _: [os.getpid()]})
        tracker.start()
        assert toucher.step() == "touched\n"
        tracker.stop()
    faults = tracker.faults()
    pages = (64 << 20) // 4096
    assert pages * 0.9 <= faults["toucher"] <= pages * 2  # its start-up's are not counted
    assert faults["me"] < pages // 2


def test_both_outputs_measure_the_same_process_groups_under_their_two_labels(
    burners: list[subprocess.Popen[str]],
) -> None:
    projecting = _burn(burners, 30)
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:  # this process stands in for the serving one, its child for a check worker
        groups = cpu_split.process_groups(os.getpid(), projecting.pid)
        processes = Processes.now()
        members = {labels: sorted(find(processes)) for labels, find in groups.items()}
    finally:
        worker.kill()
        worker.wait()

    assert list(members) == [
        ("serving process", "serving"),
        ("its worker processes", "workers"),
        ("projection worker", "projection"),
        ("PostgreSQL", "PostgreSQL"),
        ("load client (this process)", "client"),
    ]
    assert members["serving process", "serving"] == [os.getpid()]
    assert worker.pid in members["its worker processes", "workers"]
    assert projecting.pid in members["its worker processes", "workers"]  # a child here, too
    assert members["projection worker", "projection"] == [projecting.pid]
    assert members["PostgreSQL", "PostgreSQL"] == sorted(postgres_processes(processes))
    assert members["load client (this process)", "client"] == [os.getpid()]
    # run_growing's lines leave the load client out (it samples nothing but the deployment)
    without = cpu_split.process_groups(os.getpid(), projecting.pid, client=False)
    assert list(without) == list(members)[:-1]
