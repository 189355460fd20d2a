"""A server's check workers end with it, even when it is killed outright (SIGKILL, the
out-of-memory killer): nothing of it stays behind (services/worker_processes.py); a server kept
on one CPU gives them every CPU."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.keys import load_private_key
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


def _children() -> dict[int, list[int]]:
    """Every process's children, by parent."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _descendants(pid: int) -> set[int]:
    children = _children()
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def _record_a_batch(server: ServerProcess, workdir: Path) -> None:
    """Enrol a publisher (signed with the operator key a first run created in ``workdir``) and
    record a batch large enough for the check workers."""
    operator, publisher = (
        load_private_key(workdir / "keys" / "operator"),
        Ed25519PrivateKey.generate(),
    )
    first = httpx.post(
        f"{server.url}/v1/events", json=enrolment(operator, publisher, "acme", ["publisher"])
    )
    first.raise_for_status()
    batch = [artefact(publisher, f"acme/k/{i}", "code", "training-code") for i in range(300)]
    answer = httpx.post(f"{server.url}/v1/events:batch", json={"envelopes": batch}, timeout=60)
    assert answer.status_code == 201


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


def test_a_killed_server_leaves_no_check_workers_behind(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        _record_a_batch(server, tmp_path)  # the check workers start with the first batch
        assert server.process is not None
        helpers = _descendants(server.process.pid)
        assert len(helpers) >= 2  # the fork server and the check workers at least
    finally:
        server.kill()
    deadline = time.monotonic() + 15
    while _alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(helpers)


def _cpus_allowed(status: Path) -> str:
    return next(
        line.split()[1]
        for line in status.read_text().splitlines()
        if line.startswith("Cpus_allowed_list")
    )


def test_a_server_kept_on_one_cpu_gives_its_check_workers_every_cpu(tmp_path: Path) -> None:
    """``--serving-cpu``: each of the server's threads stays on that CPU, and the batch-check
    workers run on every CPU the server could use before (infra/cpu_affinity.py)."""
    everywhere = _cpus_allowed(Path("/proc/self/status"))
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        pytest.skip("needs two CPUs to tell one from all")
    server = ServerProcess(
        tmp_path, "sqlite:///./ledger.db", extra_args=("--serving-cpu", str(cpus[-1]))
    ).start()
    try:
        _record_a_batch(server, tmp_path)
        assert server.process is not None
        threads = list(Path(f"/proc/{server.process.pid}/task").iterdir())
        assert len(threads) > 3  # the event loop, request threads, the database's
        assert {_cpus_allowed(t / "status") for t in threads} == {str(cpus[-1])}
        # The workers are forked by the fork server, which the server started.
        workers = _descendants(server.process.pid) - set(_children()[server.process.pid])
        assert workers
        assert {_cpus_allowed(Path(f"/proc/{pid}/status")) for pid in workers} == {everywhere}
        assert "serving on CPU" in server.log()
    finally:
        server.stop()
