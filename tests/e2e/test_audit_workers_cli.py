"""``provenance audit --server URL --workers 2`` checks the served pages in worker processes
and prints what ``--workers 0`` prints, line for line: a clean log passes, and a payload
changed under its signature is named at its position (issue 9, item 4)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance
from tests.store_tampering import regrant_as_mit

KEYS = ["--log-key", "keys/log.pub", "--operator-key", "keys/operator.pub"]


def _audits(server: ServerProcess, cwd: Path) -> tuple[str, str, int]:
    """(stdout with two workers, stdout in one process, exit code with two workers)."""
    parallel = provenance("audit", "--server", server.url, *KEYS, "--workers", "2", cwd=cwd)
    alone = provenance("audit", "--server", server.url, *KEYS, "--workers", "0", cwd=cwd)
    assert parallel.returncode == alone.returncode
    assert "Traceback" not in parallel.stderr
    return parallel.stdout, alone.stdout, parallel.returncode


def test_workers_audit_a_server_as_one_process_does(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        ok(provenance("demo", "--server", server.url, cwd=tmp_path))
        parallel, alone, code = _audits(server, tmp_path)
    finally:
        server.stop()
    assert code == 0
    assert parallel.startswith("AUDIT PASSED")
    assert parallel == alone
    position, state = regrant_as_mit(f"sqlite:///{tmp_path}/ledger.db")
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db", port=server.port).start()
    try:
        parallel, alone, code = _audits(server, tmp_path)
    finally:
        server.stop()
    assert code == 1
    assert f"position {position} (leaf {state['leaf_index']}): bad-signature: " in parallel
    assert parallel == alone
