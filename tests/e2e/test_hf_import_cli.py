"""``provenance import-hf-card`` against a real server: dry runs record nothing, a fine-tune waits
for its base, custom licences are to be defined, bad input exits 2 with nothing recorded."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx

from tests.e2e.server import BIN, ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance

CARDS = Path(__file__).resolve().parents[1] / "data" / "hf-cards"
MISTRAL = "mistralai/Mistral-7B-v0.1"
ZEPHYR = "HuggingFaceH4/zephyr-7b-beta"


def enrol_publisher(server: ServerProcess, name: str = "alice") -> str:
    """A publisher key NAME in the server's workdir, enrolled with the server's operator key."""
    cwd = server.workdir
    keyid = ok(provenance("keygen", "--out", name, cwd=cwd)).strip()
    data = {
        "public_key": ok(provenance("pubkey", f"{name}.pub", cwd=cwd)).strip(),
        "organisation": "hub-importers",
        "roles": ["publisher"],
        "name": name,
    }
    enrolment = ok(
        provenance(
            "sign",
            "--key",
            "keys/operator",
            "--type",
            "SignerEnrolled",
            "--subject",
            keyid,
            "--data",
            json.dumps(data),
            cwd=cwd,
        )
    )
    ok(provenance("submit", "--server", server.url, "-", cwd=cwd, stdin=enrolment))
    return keyid


def import_card(
    server: ServerProcess, card: str | Path, model: str, *extra: str, key: str = "alice"
) -> subprocess.CompletedProcess[str]:
    path = card if isinstance(card, Path) else CARDS / card
    return provenance(
        "import-hf-card",
        str(path),
        "--model",
        model,
        "--key",
        key,
        "--server",
        server.url,
        *extra,
        cwd=server.workdir,
    )


def log_length(server: ServerProcess) -> int:
    events = httpx.get(f"{server.url}/v1/events", params={"limit": 1000}, timeout=10).json()
    assert events["next"] is None
    return len(events["events"])


def subject(server: ServerProcess, subject_id: str) -> httpx.Response:
    return httpx.get(f"{server.url}/v1/subjects/{subject_id}", timeout=10)


def assert_refused(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_dry_run_prints_the_events_records_nothing_and_warns_about_a_missing_base(
    sqlite_server: ServerProcess,
) -> None:
    keyid = enrol_publisher(sqlite_server)
    before = log_length(sqlite_server)
    result = import_card(sqlite_server, "zephyr-7b-beta.md", ZEPHYR, "--dry-run")
    assert result.returncode == 0, result.stderr
    statements = json.loads(result.stdout)
    assert [s["type"] for s in statements] == [
        "ArtefactRegistered",
        "LicenceGranted",
        "ArtefactRegistered",
        "LicenceGranted",
        "ArtefactRegistered",
        "ArtefactRegistered",
        "TrainingRunRecorded",
        "ModelVersionReleased",
        "ModelVersionDescribed",  # pipeline_tag: text-generation
    ]
    assert statements[-2]["subject"] == ZEPHYR
    assert statements[-2]["data"]["base_model"] == MISTRAL
    assert statements[-1]["data"] == {"modalities": {"input": ["text"], "output": ["text"]}}
    assert f"signed by {keyid}" in result.stderr
    assert f"warning: base model {MISTRAL} is not in the ledger" in result.stderr
    assert "dropped: tags:" in result.stderr
    # what to record next: the code the card cannot give
    assert "next: study/modify unknown: no training-code is recorded" in result.stderr
    assert log_length(sqlite_server) == before
    assert subject(sqlite_server, ZEPHYR).status_code == 404


def test_a_fine_tune_waits_for_its_base_then_records_base_model(
    sqlite_server: ServerProcess,
) -> None:
    enrol_publisher(sqlite_server)
    before = log_length(sqlite_server)

    refused = import_card(sqlite_server, "zephyr-7b-beta.md", ZEPHYR)
    assert_refused(refused)
    assert f"base model {MISTRAL} is not in the ledger" in refused.stderr
    assert (
        f"provenance import-hf-card <its README.md> --model {MISTRAL} --key alice "
        f"--server {sqlite_server.url}, then import this card again"
    ) in refused.stderr
    assert log_length(sqlite_server) == before

    base = import_card(sqlite_server, "mistral-7b.md", MISTRAL, "--effective-at", "2023-09-27")
    assert base.returncode == 0, base.stderr
    assert len(base.stdout.splitlines()) == 6
    assert f"recorded 6 events for model version {MISTRAL}" in base.stderr

    tune = import_card(sqlite_server, "zephyr-7b-beta.md", ZEPHYR)
    assert tune.returncode == 0, tune.stderr
    assert log_length(sqlite_server) == before + 6 + 9

    model = subject(sqlite_server, ZEPHYR).json()
    assert model["kind"] == "model-version"
    assert model["owner"] == "hub-importers"
    assert model["state"]["base_model"] == MISTRAL
    assert model["state"]["components"]["datasets"] == [
        "hf-datasets/HuggingFaceH4/ultrachat+200k",
        "hf-datasets/HuggingFaceH4/ultrafeedback+binarized",
    ]
    weights = subject(sqlite_server, f"{MISTRAL}/weights").json()
    assert weights["state"]["licences"][0]["licence"] == "Apache-2.0"
    assert weights["state"]["licences"][0]["effective_at"] == "2023-09-27T00:00:00Z"
    # the fine-tune's assessment reaches its base through base_model
    freedoms = httpx.get(f"{sqlite_server.url}/v1/models/{ZEPHYR}/freedoms", timeout=30)
    assert freedoms.status_code == 200

    again = import_card(sqlite_server, "mistral-7b.md", MISTRAL)
    assert_refused(again)
    assert "already recorded" in again.stderr


def test_license_other_is_granted_and_the_user_is_told_how_to_define_it(
    sqlite_server: ServerProcess,
) -> None:
    enrol_publisher(sqlite_server)
    licence = "LicenseRef-Microsoft-Research-License"
    result = import_card(sqlite_server, "phi-1_5-other.md", "microsoft/phi-1_5")
    assert result.returncode == 0, result.stderr
    assert "is recorded as microsoft/phi-1+5" in result.stderr
    assert f"{licence} (license 'other'" in result.stderr
    weights = subject(sqlite_server, "microsoft/phi-1+5/weights").json()
    assert weights["state"]["licences"][0]["licence"] == licence
    assert httpx.get(f"{sqlite_server.url}/v1/licences/{licence}", timeout=10).status_code == 404

    assert "next: use/study/modify/share unknown: " in result.stderr
    (command,) = [
        line.strip()
        for line in result.stderr.splitlines()
        if line.strip().startswith("provenance sign") and "--type LicenceDefined" in line
    ]
    assert f"--subject {licence}" in command
    assert f"provenance submit --server {sqlite_server.url} -" in command
    # the template's terms are unknown (null): unedited, it records nothing
    unedited = _shell(command, sqlite_server)
    assert unedited.returncode != 0
    assert "must be true or false" in unedited.stderr
    assert httpx.get(f"{sqlite_server.url}/v1/licences/{licence}", timeout=10).status_code == 404
    # filled in from the licence text (non-commercial research), it defines the licence
    filled = command.replace("null", "false").replace(
        '"use_restricted": false', '"use_restricted": true'
    )
    defined = _shell(filled, sqlite_server)
    assert defined.returncode == 0, defined.stderr
    assert httpx.get(f"{sqlite_server.url}/v1/licences/{licence}", timeout=10).status_code == 200


def _shell(command: str, server: ServerProcess) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        cwd=server.workdir,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_bad_input_exits_2_and_records_nothing(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    enrol_publisher(sqlite_server)
    before = log_length(sqlite_server)

    malformed = import_card(sqlite_server, "malformed.md", "acme/broken")
    assert_refused(malformed)
    assert "malformed.md: not a model card the import can read" in malformed.stderr
    malformed_dry = import_card(sqlite_server, "malformed.md", "acme/broken", "--dry-run")
    assert_refused(malformed_dry)

    unknown = tmp_path / "openrail.md"
    unknown.write_text("---\nlicense: openrail++\n---\n# A model under OpenRAIL++-M\n")
    refused = import_card(sqlite_server, unknown, "acme/openrail-model")
    assert_refused(refused)
    assert "license 'openrail++' cannot be granted" in refused.stderr
    assert "Fix: give the card `license: other`, `license_name: openrail++`" in refused.stderr
    dry = import_card(sqlite_server, unknown, "acme/openrail-model", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "could not map: license 'openrail++'" in dry.stderr

    bad_id = import_card(sqlite_server, "mistral-7b.md", "not a model id")
    assert_refused(bad_id)
    assert "--model 'not a model id'" in bad_id.stderr

    ok(provenance("keygen", "--out", "stranger", cwd=sqlite_server.workdir))
    stranger = import_card(sqlite_server, "mistral-7b.md", MISTRAL, key="stranger")
    assert_refused(stranger)
    assert "is not enrolled" in stranger.stderr

    missing = import_card(sqlite_server, tmp_path / "absent.md", "acme/m")
    assert_refused(missing)
    assert "cannot read" in missing.stderr

    assert log_length(sqlite_server) == before
