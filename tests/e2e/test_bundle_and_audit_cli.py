"""Bundles and audits from the command line against a real server: a bundle written by
``provenance bundle`` verifies offline with ``provenance verify`` (exit 0) and fails when
changed or truncated (exit 1); ``provenance audit --server`` passes on a clean log, keeps its
monitor state, and fails naming the position once a stored event was changed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.assessment_contract import PHI_2
from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance
from tests.store_tampering import regrant_as_mit


def test_bundle_then_verify_offline(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("demo", *server, cwd=cwd))
    written = ok(provenance("bundle", *server, PHI_2, "-o", "phi-2.bundle.json", cwd=cwd))
    assert "phi-2.bundle.json" in written
    keys = ["--log-key", "keys/log.pub", "--operator-key", "keys/operator.pub"]
    valid = provenance("verify", "phi-2.bundle.json", *keys, cwd=cwd)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith(f"VALID bundle for {PHI_2}")
    bundle = json.loads((cwd / "phi-2.bundle.json").read_text())
    bundle["assessment"]["freedoms"]["share"]["status"] = "granted-everything"
    (cwd / "changed.json").write_text(json.dumps(bundle))
    changed = provenance("verify", "changed.json", *keys, cwd=cwd)
    assert changed.returncode == 1
    assert "assessment.freedoms.share.status" in changed.stderr
    text = (cwd / "phi-2.bundle.json").read_text()
    (cwd / "truncated.json").write_text(text[: len(text) // 2])
    truncated = provenance("verify", "truncated.json", *keys, cwd=cwd)
    assert truncated.returncode == 1
    assert "not JSON" in truncated.stderr
    assert provenance("verify", "missing.json", *keys, cwd=cwd).returncode == 2
    assert (
        provenance("verify", "phi-2.bundle.json", "--log-key", "nope.pub", cwd=cwd).returncode == 2
    )
    at_date = provenance("bundle", *server, PHI_2, "--at", "2023-12-20", "-o", "old.json", cwd=cwd)
    assert at_date.returncode == 0
    assert provenance("verify", "old.json", *keys, cwd=cwd).returncode == 0


def test_the_server_verifies_bundles_too(sqlite_server: ServerProcess) -> None:
    import httpx

    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("demo", *server, cwd=cwd))
    bundle = httpx.get(f"{sqlite_server.url}/v1/models/{PHI_2}/bundle").json()
    verdict = httpx.post(f"{sqlite_server.url}/v1/bundles:verify", json=bundle).json()
    assert verdict["valid"] is True
    assert verdict["failures"] == []
    bundle["entries"].pop(3)
    verdict = httpx.post(f"{sqlite_server.url}/v1/bundles:verify", json=bundle).json()
    assert verdict["valid"] is False
    assert verdict["failures"]
    garbage = httpx.post(f"{sqlite_server.url}/v1/bundles:verify", content=b"{nope")
    assert garbage.status_code == 200
    assert garbage.json()["valid"] is False


def test_audit_against_the_server_with_monitor_state(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    keys = ["--log-key", "keys/log.pub", "--operator-key", "keys/operator.pub"]
    try:
        ok(provenance("demo", "--server", server.url, cwd=tmp_path))
        first = ok(
            provenance(
                "audit", "--server", server.url, *keys, "--state", "state.json", cwd=tmp_path
            )
        )
        assert "AUDIT PASSED" in first
        assert json.loads((tmp_path / "state.json").read_text())["size"] > 100
        unpinned = provenance(
            "audit", "--server", server.url, "--log-key", "keys/log.pub", cwd=tmp_path
        )
        assert unpinned.returncode == 0
        assert "not pinned" in unpinned.stderr
        second = ok(
            provenance(
                "audit", "--server", server.url, *keys, "--state", "state.json", cwd=tmp_path
            )
        )
        assert "consistent with the checkpoint of the previous audit" in second
    finally:
        server.stop()
    position, _ = regrant_as_mit(f"sqlite:///{tmp_path}/ledger.db")
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db", port=server.port).start()
    try:
        failed = provenance(
            "audit", "--server", server.url, *keys, "--state", "state.json", cwd=tmp_path
        )
    finally:
        server.stop()
    assert failed.returncode == 1
    assert f"position {position} " in failed.stdout
    assert "history was rewritten" in failed.stdout or "root" in failed.stdout
