"""``LEDGER_PUBLIC_URL`` (DESIGN.md §9): the links written into exported SBOMs, Markdown reports
and EU summaries use the configured public base URL, not the address the request reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.api.app import create_app
from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES
from tests.backends import Backend
from tests.builders import Cast
from tests.eu_scenario import BASE, TUNED, eu_documents

PUBLIC = "https://ledger.example.org/provenance"
LLAMA = "meta/llama-2-7b@2023-07-18"
BUNDLE = f"{PUBLIC}/v1/models/{LLAMA}/bundle?"


@pytest.fixture
def public_client(tmp_path: Path, cast: Cast) -> Iterator[TestClient]:
    backend = Backend("sqlite", f"sqlite:///{tmp_path}/public.db")
    services = backend.open([cast.operator.public_key()])
    # A trailing slash in the setting is tolerated: links never get a double slash.
    with TestClient(create_app(services, public_url=PUBLIC + "/")) as test_client:
        post_all(test_client, demo_envelopes(EXAMPLES, cast.operator)[0])
        post_all(test_client, eu_documents(cast))
        yield test_client
    backend.close_all()


def test_sboms_link_the_bundle_at_the_public_url(public_client: TestClient) -> None:
    spdx = public_client.get(f"/v1/models/{LLAMA}/sbom", params={"format": "spdx-3.0.1"})
    cyclonedx = public_client.get(f"/v1/models/{LLAMA}/sbom", params={"format": "cyclonedx-1.6"})
    assert spdx.status_code == cyclonedx.status_code == 200
    for body in (spdx.text, cyclonedx.text):
        assert BUNDLE in body
        assert "testserver" not in body


def test_the_markdown_report_links_the_bundle_at_the_public_url(
    public_client: TestClient,
) -> None:
    report = public_client.get(f"/v1/models/{LLAMA}/freedoms", params={"format": "markdown"})
    assert report.status_code == 200
    assert BUNDLE in report.text
    assert "testserver" not in report.text


def test_eu_summaries_link_base_models_at_the_public_url(public_client: TestClient) -> None:
    summary = public_client.get(f"/v1/models/{TUNED}/eu-training-summary").json()
    assert summary["1.2"]["dependencies"]["value"] == [
        {"model": BASE, "summary": f"{PUBLIC}/v1/models/{BASE}/eu-training-summary"}
    ]
    page = public_client.get(f"/ui/eu-summary/{TUNED}")
    assert page.status_code == 200
    assert f"{PUBLIC}/v1/models/{BASE}/eu-training-summary" in page.text


def test_without_a_public_url_links_use_the_request_address(client: TestClient, cast: Cast) -> None:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])
    report = client.get(f"/v1/models/{LLAMA}/freedoms", params={"format": "markdown"})
    assert f"http://testserver/v1/models/{LLAMA}/bundle?" in report.text
