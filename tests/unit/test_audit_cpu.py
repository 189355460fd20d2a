"""``make bench-audit`` splits an audit's CPU between the server, the auditing process and its
workers, each counted once: a worker the auditing process has waited for counts as its
workers', a server it started but has not waited for counts as the server's only."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench.audit_cpu import CpuReading, spent
from tests.stepped_process import stepped

BURN_SECONDS = 0.3
_BURN = f"import time\nwhile time.process_time() < {BURN_SECONDS}: pass\n"
_SERVER = (
    "import sys\nprint('ready', flush=True)\nsys.stdin.readline()\n"
    + _BURN
    + ("print('burnt', flush=True)\nsys.stdin.readline()\n")
)


def test_each_part_of_an_audit_counts_once() -> None:
    with stepped(_SERVER) as server:
        before = CpuReading.now(server.pid)
        assert server.step() == "burnt\n"
        subprocess.run([sys.executable, "-c", _BURN], check=True)  # a worker, waited for
        started = time.process_time()
        while time.process_time() - started < BURN_SECONDS:
            pass
        after = CpuReading.now(server.pid)
    parts = spent(before, after)
    assert parts["server"] == pytest.approx(BURN_SECONDS, abs=0.05)
    assert parts["its workers"] == pytest.approx(BURN_SECONDS, abs=0.1)  # with its start-up
    assert parts["auditing process"] == pytest.approx(BURN_SECONDS, abs=0.05)
