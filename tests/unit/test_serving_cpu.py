"""``--serving-cpu`` / ``LEDGER_SERVING_CPU``: resolved like every setting, refused with a
message when unusable, and, when set, every thread of the process kept on that CPU
(``infra/cpu_affinity.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.cpu_affinity import AffinityError, allowed_cpus, check_cpu
from infra.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_unset_means_any_cpu() -> None:
    assert Settings.resolve({}).serving_cpu is None
    assert Settings.resolve({"LEDGER_SERVING_CPU": " "}).serving_cpu is None


def test_the_flag_wins_over_the_environment() -> None:
    assert Settings.resolve({"LEDGER_SERVING_CPU": "1"}).serving_cpu == 1
    assert Settings.resolve({"LEDGER_SERVING_CPU": "1"}, serving_cpu=0).serving_cpu == 0


@pytest.mark.parametrize("value", ["one", "-1", "1.5", "0x1"])
def test_a_variable_that_is_no_cpu_number_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="CPU number"):
        Settings.resolve({"LEDGER_SERVING_CPU": value})


def test_a_negative_flag_is_refused() -> None:
    with pytest.raises(SettingsError, match="serving CPU -1"):
        Settings.resolve({}, serving_cpu=-1)


def test_a_cpu_this_process_may_not_use_is_refused() -> None:
    beyond = max(allowed_cpus()) + 1000
    with pytest.raises(AffinityError, match=f"CPU {beyond} is not one this process may run on"):
        check_cpu(beyond)


def test_every_thread_before_and_after_is_kept_on_the_cpu() -> None:
    """In a process of its own: the test runner's CPUs are left alone."""
    cpu = min(os.sched_getaffinity(0))
    script = f"""
import json, os, threading
from infra.cpu_affinity import keep_on_cpu

stop = threading.Event()
early = threading.Thread(target=stop.wait)
early.start()
before = keep_on_cpu({cpu})
late = threading.Thread(target=stop.wait)
late.start()
masks = []
for task in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{{task}}/status") as status:
        masks += [line.split()[1] for line in status if line.startswith("Cpus_allowed_list")]
stop.set()
print(json.dumps({{"masks": masks, "before": sorted(before)}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    found = json.loads(result.stdout)
    assert found["masks"] == [str(cpu)] * 3  # the main thread, one started before, one after
    assert found["before"] == sorted(os.sched_getaffinity(0))


def test_the_server_refuses_a_cpu_it_may_not_use_with_exit_2(tmp_path: Path) -> None:
    beyond = max(allowed_cpus()) + 1000
    result = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "serve", "--serving-cpu", str(beyond)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stderr
    assert f"CPU {beyond} is not one this process may run on" in result.stderr
    assert not (tmp_path / "provenance.db").exists()
    assert not (tmp_path / "keys").exists()
