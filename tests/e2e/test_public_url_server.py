"""``provenance serve --public-url``: a real server writes the configured base into the links of
the documents it exports (the SBOM's bundle link), and says so when it starts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance

PUBLIC = "https://ledger.example.org"
PHI_2 = "microsoft/phi-2@2023-12-12"


def test_the_server_links_exports_at_its_public_url(tmp_path: Path) -> None:
    server = ServerProcess(
        tmp_path, "sqlite:///./ledger.db", extra_args=("--demo", "--public-url", PUBLIC + "/")
    ).start()
    try:
        exported = ok(
            provenance("export", "--server", server.url, PHI_2, "--format", "cyclonedx-1.6",
                       cwd=tmp_path)
        )  # fmt: skip
        report = ok(
            provenance("freedoms", "--server", server.url, PHI_2, "--format", "markdown",
                       cwd=tmp_path)
        )  # fmt: skip
    finally:
        server.stop()
    document = json.loads(exported)
    references = document["metadata"]["component"]["externalReferences"]
    (bundle,) = [ref["url"] for ref in references if ref["type"] == "attestation"]
    assert bundle.startswith(f"{PUBLIC}/v1/models/{PHI_2}/bundle?"), bundle
    assert f"{PUBLIC}/v1/models/{PHI_2}/bundle?" in report
    assert server.url not in exported + report
    assert f"public URL: {PUBLIC}" in server.log()
