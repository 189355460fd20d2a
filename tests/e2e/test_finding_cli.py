"""Finding and reading answers from the command line against a real server: ``provenance
models``, "did you mean" on an unknown model id, and the Markdown report."""

from __future__ import annotations

import json

from tests.assessment_contract import EXAMPLES, MODELS
from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance

LLAMA = next(e.model for e in EXAMPLES if e.name == "llama-2-7b")


def test_models_lists_and_searches_with_verdicts(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    assert "no model version is recorded" in ok(provenance("models", *server, cwd=cwd))
    ok(provenance("demo", *server, cwd=cwd))
    table = ok(provenance("models", *server, cwd=cwd)).splitlines()
    assert table[0].split()[:5] == ["model", "version", "use", "study", "modify"]
    assert [line.split()[0] for line in table[1:]] == sorted(set(MODELS))
    llama_line = next(line for line in table if line.startswith(LLAMA))
    assert llama_line.split()[1] == "restricted"
    found = ok(provenance("models", "Llama", *server, cwd=cwd)).splitlines()
    llamas = sorted(m for m in MODELS if m.startswith("meta/llama"))
    assert len(llamas) == 3  # Llama 2 7B, Llama 3.1 8B and 405B
    assert [line.split()[0] for line in found[1:]] == llamas
    found = ok(provenance("models", "Llama-2", *server, cwd=cwd)).splitlines()
    assert [line.split()[0] for line in found[1:]] == [LLAMA]
    listed = json.loads(ok(provenance("models", "--json", *server, cwd=cwd)))
    assert {m["id"] for m in listed} == set(MODELS)
    assert all(set(m["verdicts"]) >= {"use", "osaid", "mof"} for m in listed)
    none = ok(provenance("models", "nothing-like-this", *server, cwd=cwd))
    assert "no model version matching 'nothing-like-this'" in none


def test_an_unknown_model_id_says_what_was_meant(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("demo", *server, cwd=cwd))
    missing = provenance("freedoms", *server, "meta/llama-2-7b", cwd=cwd)
    assert missing.returncode == 2
    # The closest recorded id comes first; Llama 3.1 8B is close enough to be named after it.
    llama_31_8b = "meta/llama-3.1-8b@2024-07-23"
    assert f"did you mean '{LLAMA}' or '{llama_31_8b}'?" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_freedoms_as_a_markdown_report(sqlite_server: ServerProcess) -> None:
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    ok(provenance("demo", *server, cwd=cwd))
    report = ok(provenance("freedoms", *server, LLAMA, "--format", "markdown", cwd=cwd))
    assert report.startswith(f"# Freedoms of Llama 2 7B 2023-07-18 (`{LLAMA}`)")
    assert "| restricted |" in report
    assert f"{sqlite_server.url}/v1/models/{LLAMA}/bundle?" in report
    unmet = provenance(
        "freedoms", *server, LLAMA, "--format", "markdown", "--require", "use", cwd=cwd
    )
    assert unmet.returncode == 1
    assert unmet.stdout.startswith("# Freedoms of")
    assert "requirement not met: use: restricted" in unmet.stderr
    clash = provenance("freedoms", *server, LLAMA, "--json", "--format", "markdown", cwd=cwd)
    assert clash.returncode == 2
    assert "disagree" in clash.stderr
