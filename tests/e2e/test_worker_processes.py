"""A server's check workers end with it, even when it is killed outright (SIGKILL, the
out-of-memory killer): nothing of it stays behind (services/worker_processes.py)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.keys import load_private_key
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


def test_a_killed_server_leaves_no_check_workers_behind(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        operator, publisher = (
            load_private_key(tmp_path / "keys" / "operator"),
            Ed25519PrivateKey.generate(),
        )
        first = httpx.post(
            f"{server.url}/v1/events", json=enrolment(operator, publisher, "acme", ["publisher"])
        )
        first.raise_for_status()
        batch = [artefact(publisher, f"acme/k/{i}", "code", "training-code") for i in range(300)]
        answer = httpx.post(f"{server.url}/v1/events:batch", json={"envelopes": batch}, timeout=60)
        assert answer.status_code == 201
        assert server.process is not None
        helpers = _descendants(server.process.pid)
        assert len(helpers) >= 2  # the fork server and the check workers at least
    finally:
        server.kill()
    deadline = time.monotonic() + 15
    while _alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(helpers)
