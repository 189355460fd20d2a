"""README.md's five-minute walkthrough, run as written against a real server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- walkthrough:start -->", 1)[1].split("<!-- walkthrough:end -->")[0]
    return block.split("```sh", 1)[1].rsplit("```", 1)[0]


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the walkthrough runs at the root
    server = ServerProcess(tmp_path, "sqlite:///./provenance.db").start()
    try:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", walkthrough()],
            cwd=tmp_path,
            env={**os.environ, "LEDGER_SERVER": server.url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    subject = json.loads(result.stdout[result.stdout.rindex('{\n  "id"') :])
    assert subject["id"] == "acme/model-x/weights"
    assert subject["owner"] == "acme"
    assert subject["state"]["licences"][0]["licence"] == "Apache-2.0"
    assert len(subject["events"]) == 2
    # The private key stays under keys/ (ignored), not in the repository root.
    assert (tmp_path / "keys" / "alice").is_file()
    assert not (tmp_path / "alice").exists()
    # The card preview read the shipped example card: statements for zephyr, nothing recorded.
    preview = json.loads((tmp_path / "zephyr-preview.json").read_text())
    subjects = {statement["subject"] for statement in preview}
    assert "HuggingFaceH4/zephyr-7b-beta/weights" in subjects, subjects
    assert "next:" in result.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_what_the_walkthrough_writes_is_ignored_by_git() -> None:
    written = ["keys/alice", "keys/alice.pub", "alice", "alice.pub", "zephyr-preview.json"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *written],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert sorted(result.stdout.split()) == sorted(written)
