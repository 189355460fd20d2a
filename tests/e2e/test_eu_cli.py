"""The EU AI Act from the command line against a real server: ``eu-summary`` in each format
and ``freedoms --require eu-ai-act:exempt`` (exit 0 when exempt, 1 when not)."""

from __future__ import annotations

import json

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests.builders import Cast, envelope
from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance
from tests.eu_scenario import BASE, TUNED, eu_documents


def _loaded(server: ServerProcess) -> Cast:
    key = load_pem_private_key((server.workdir / "keys" / "operator").read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    cast = Cast(operator=key)
    response = httpx.post(
        f"{server.url}/v1/events:batch", json={"envelopes": eu_documents(cast)}, timeout=60
    )
    assert response.status_code == 201, response.text
    return cast


def test_eu_summary_in_every_format(sqlite_server: ServerProcess) -> None:
    _loaded(sqlite_server)
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    document = json.loads(ok(provenance("eu-summary", *server, BASE, cwd=cwd)))
    assert document["completeness"]["missing"] == []
    written = provenance(
        "eu-summary", *server, TUNED, "--format", "markdown", "-o", "t.md", cwd=cwd
    )
    assert written.returncode == 0, written.stderr
    text = (cwd / "t.md").read_text(encoding="utf-8")
    assert text.startswith(f"# Public summary of training content: {TUNED}")
    assert f"/v1/models/{BASE}/eu-training-summary" in text  # its base, linked
    page = ok(provenance("eu-summary", *server, BASE, "--format", "html", cwd=cwd))
    assert page.startswith("<!doctype html>")
    missing = provenance("eu-summary", *server, "nobody/x@1", cwd=cwd)
    assert missing.returncode == 2
    assert "not-found" in missing.stderr


def test_require_eu_exemption(sqlite_server: ServerProcess) -> None:
    cast = _loaded(sqlite_server)
    cwd, server = sqlite_server.workdir, ["--server", sqlite_server.url]
    exempt = provenance("freedoms", *server, BASE, "--require", "eu-ai-act:exempt", cwd=cwd)
    assert exempt.returncode == 0, exempt.stderr
    assert "EU AI Act: open-source exemption qualifies" in exempt.stdout
    paid = {"price": "paid", "personal_data_for_access": "none", "monetisation": []}
    response = httpx.post(
        f"{sqlite_server.url}/v1/events",
        json=envelope(cast.acme, "ModelVersionDistributed", BASE, paid, nonce="paid"),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    not_exempt = provenance("freedoms", *server, BASE, "--require", "eu-ai-act:exempt", cwd=cwd)
    assert not_exempt.returncode == 1
    assert "eu-ai-act:exempt: monetisation disqualified: a price is charged" in not_exempt.stderr
