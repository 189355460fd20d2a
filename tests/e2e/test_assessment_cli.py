"""The assessment from the command line against a real server: demo, freedoms (table, JSON,
--require) and rebuilding the projection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.assessment_contract import EXAMPLES, PHI_2
from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance

OLMO = next(e.model for e in EXAMPLES if e.name == "olmo-7b")
LLAMA = next(e.model for e in EXAMPLES if e.name == "llama-2-7b")
PYTHIA = next(e.model for e in EXAMPLES if e.name == "pythia-6.9b")


def test_demo_then_freedoms_as_a_table_and_as_json(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    loaded = ok(provenance("demo", *server, cwd=cwd))
    assert f"provenance freedoms {PHI_2}" in loaded
    again = provenance("demo", *server, cwd=cwd)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    table = ok(provenance("freedoms", *server, LLAMA, cwd=cwd))
    assert "use" in table
    assert "RESTRICTED" in table  # the blocking cell is marked
    assert "LicenseRef-Llama-2-Community" in table
    document = json.loads(ok(provenance("freedoms", *server, LLAMA, "--json", cwd=cwd)))
    assert document["model"] == LLAMA
    assert document["freedoms"]["use"]["status"] == "restricted"
    dated = json.loads(
        ok(provenance("freedoms", *server, PHI_2, "--json", "--at", "2023-12-20", cwd=cwd))
    )
    assert dated["at"] == "2023-12-20T00:00:00Z"


def test_require_exits_1_when_unmet(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("demo", *server, cwd=cwd))
    for open_science in (OLMO, PYTHIA):  # the MOT's Class I, the OSI's validation
        met = provenance(
            "freedoms",
            *server,
            open_science,
            "--require",
            "osaid-1.0",
            "--require",
            "mof:I",
            cwd=cwd,
        )
        assert met.returncode == 0, met.stderr
    unclassified = provenance("freedoms", *server, PHI_2, "--require", "mof:III", cwd=cwd)
    assert unclassified.returncode == 1
    assert "the model is MOF class none" in unclassified.stderr
    refused = provenance(
        "freedoms", *server, LLAMA, "--require", "use", "--require", "osaid-1.0", cwd=cwd
    )
    assert refused.returncode == 1
    assert "requirement not met: use: restricted" in refused.stderr
    assert "requirement not met: osaid-1.0" in refused.stderr
    not_exempt = provenance("freedoms", *server, LLAMA, "--require", "eu-ai-act:exempt", cwd=cwd)
    assert not_exempt.returncode == 1
    assert "requirement not met: eu-ai-act:exempt: disqualified" in not_exempt.stderr
    assert "licensees above 700,000,000 monthly active users" in not_exempt.stderr
    missing = provenance("freedoms", *server, "nobody/x@1", cwd=cwd)
    assert missing.returncode == 2
    assert "not-found" in missing.stderr


def test_rebuilding_the_projection_keeps_the_answers(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        ok(provenance("demo", "--server", server.url, cwd=tmp_path))
        before = ok(provenance("freedoms", "--server", server.url, "--json", PHI_2, cwd=tmp_path))
    finally:
        server.stop()
    rebuilt = ok(
        provenance("rebuild-projections", "--database-url", "sqlite:///./ledger.db", cwd=tmp_path)
    )
    assert "rebuilt the assessment projection" in rebuilt
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db", port=server.port).start()
    try:
        after = ok(provenance("freedoms", "--server", server.url, "--json", PHI_2, cwd=tmp_path))
    finally:
        server.stop()
    assert after == before
