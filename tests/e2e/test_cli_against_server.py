"""The CLI against a real server: keygen → enrol → register → grant → read back, and errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.server import BIN, ServerProcess


def provenance(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "provenance"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_first_run_creates_keys_and_says_so(sqlite_server: ServerProcess) -> None:
    keys = sqlite_server.workdir / "keys"
    assert (keys / "operator").stat().st_mode & 0o777 == 0o600
    assert (keys / "operator.pub").exists()
    assert (keys / "log").exists()
    log = sqlite_server.log()
    assert "first run: created key pair keys/operator" in log
    keyid = ok(provenance("keyid", "keys/operator.pub", cwd=sqlite_server.workdir)).strip()
    assert f"keyid {keyid}" in log


def test_publisher_story_through_the_cli(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    alice = ok(provenance("keygen", "--out", "alice", cwd=cwd)).strip()
    public_key = ok(provenance("pubkey", "alice.pub", cwd=cwd)).strip()
    enrol = ok(
        provenance(
            "sign",
            "--key",
            "keys/operator",
            "--type",
            "SignerEnrolled",
            "--subject",
            alice,
            "--data",
            json.dumps(
                {
                    "public_key": public_key,
                    "organisation": "acme",
                    "roles": ["publisher"],
                    "name": "Alice",
                }
            ),
            cwd=cwd,
        )
    )
    assert json.loads(ok(provenance("submit", *server, "-", cwd=cwd, stdin=enrol)))["position"]
    register = ok(
        provenance(
            "sign",
            "--key",
            "alice",
            "--type",
            "ArtefactRegistered",
            "--subject",
            "acme/m/weights",
            "--data",
            '{"kind":"parameters","component":"model-parameters","name":"W",'
            '"availability":"public"}',
            cwd=cwd,
        )
    )
    grant = ok(
        provenance(
            "sign",
            "--key",
            "alice",
            "--type",
            "LicenceGranted",
            "--subject",
            "acme/m/weights",
            "--data",
            '{"licence":"Apache-2.0"}',
            "--effective-at",
            "2024-05-01",
            cwd=cwd,
        )
    )
    (cwd / "batch.json").write_text(f"[{register},{grant}]")
    batch = json.loads(ok(provenance("submit", *server, "batch.json", cwd=cwd)))
    assert len(batch["events"]) == 2
    subject = json.loads(ok(provenance("subject", *server, "acme/m/weights", cwd=cwd)))
    assert subject["owner"] == "acme"
    assert subject["state"]["licences"][0]["licence"] == "Apache-2.0"
    assert subject["state"]["licences"][0]["effective_at"] == "2024-05-01T00:00:00Z"


def test_refusals_exit_2_with_one_line_per_problem(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("keygen", "--out", "mallory", cwd=cwd))
    forged = ok(
        provenance(
            "sign",
            "--key",
            "mallory",
            "--type",
            "ArtefactRegistered",
            "--subject",
            "m/x",
            "--data",
            '{"kind":"code","component":"training-code","name":"x","availability":"public"}',
            cwd=cwd,
        )
    )
    refused = provenance("submit", *server, "-", cwd=cwd, stdin=forged)
    assert refused.returncode == 2
    assert "unknown-key" in refused.stderr
    assert "Traceback" not in refused.stderr
    batch = provenance("submit", *server, "-", cwd=cwd, stdin=f"[{forged},{forged}]")
    assert batch.returncode == 2
    assert "envelope 0: unknown-key" in batch.stderr
    unreachable = provenance("submit", "--server", "http://127.0.0.1:9", "-", cwd=cwd, stdin=forged)
    assert unreachable.returncode == 2
    assert "cannot reach" in unreachable.stderr
    assert provenance("keygen", "--out", "mallory", cwd=cwd).returncode == 2
    assert (
        provenance(
            "sign", "--key", "nope", "--type", "X", "--subject", "s", "--data", "{}", cwd=cwd
        ).returncode
        == 2
    )
