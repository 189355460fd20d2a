"""``/v1/models/{id}/freedoms?format=markdown``: the same assessment as a report to hand on."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, MODELS, PHI_2
from tests.builders import Cast, artefact, envelope

LLAMA = "meta/llama-2-7b@2023-07-18"
FREEDOMS = ("use", "study", "modify", "share")


def _load(client: TestClient, cast: Cast) -> None:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])


def test_the_report_says_what_the_json_says(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    for model in sorted(set(MODELS)):
        answer = client.get(f"/v1/models/{model}/freedoms").json()
        response = client.get(f"/v1/models/{model}/freedoms", params={"format": "markdown"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/markdown; charset=utf-8"
        report = response.text
        assert report.startswith("# Freedoms of ")
        assert f"(`{model}`)" in report.splitlines()[0]
        assert f"as of log position **{answer['as_of']['position']}**" in report
        mof = answer["frameworks"]["mof"]["class"] or "none"
        osaid = answer["frameworks"]["osaid-1.0"]["conformant"]
        verdicts = [answer["freedoms"][f]["status"] for f in FREEDOMS]
        row = "| " + " | ".join([*verdicts, "conformant" if osaid else "not conformant", mof])
        assert row + " |" in report
        for freedom in FREEDOMS:
            assert f"### {freedom}: {answer['freedoms'][freedom]['status']}" in report
            for blocker in answer["freedoms"][freedom]["blockers"]:
                assert " ".join(blocker["reason"].split()) in report
                for event_id in blocker["evidence"]:
                    assert f"`{event_id[:12]}`" in report
        for warning in answer["warnings"]:
            assert all(f"`{e[:12]}`" in report for e in warning["evidence"])


def test_each_reason_is_written_once_per_freedom(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    report = client.get(f"/v1/models/{LLAMA}/freedoms", params={"format": "markdown"}).text
    use = report[report.index("### use:") : report.index("### study:")]
    assert use.count("licensees above 700,000,000 monthly active users") == 1
    assert "`meta/llama-2-7b/weights` (model-parameters), `meta/llama/code` (inference-code)" in use


def test_the_report_links_a_pinned_bundle_that_verifies(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    report = client.get(
        f"/v1/models/{PHI_2}/freedoms", params={"format": "markdown", "at": "2023-12-20"}
    ).text
    assert "facts effective at 2023-12-20T00:00:00Z" in report
    url = re.search(r"curl -o bundle\.json '([^']+)'", report)
    assert url is not None
    parts = urlsplit(url.group(1))
    assert "as_of=" in parts.query
    assert "at=2023-12-20" in parts.query
    bundle = client.get(f"{parts.path}?{parts.query}").json()
    assert client.post("/v1/bundles:verify", json=bundle).json()["valid"] is True
    assert f"provenance bundle {PHI_2} --as-of" in report


def test_recorded_text_cannot_inject_html_or_break_tables(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    post_all(
        client,
        [
            artefact(cast.acme, "acme/evil/weights", "parameters", "model-parameters"),
            envelope(cast.acme, "LicenceGranted", "acme/evil/weights", {"licence": "MIT"}),
            envelope(
                cast.acme,
                "ModelVersionReleased",
                "acme/evil@1",
                {
                    "name": "<script>x</script>",
                    "version": "1 | 2",
                    "components": {"model-parameters": ["acme/evil/weights"]},
                },
            ),
            envelope(
                cast.auditor,
                "ClaimAsserted",
                "acme/evil/weights",
                {"claim": "licence-misattributed", "detail": "<img src=x> | a\nb"},
            ),
        ],
    )
    report = client.get("/v1/models/acme/evil@1/freedoms", params={"format": "markdown"}).text
    assert "<script>" not in report
    assert "<img" not in report


def test_refusals_stay_problems(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    missing = client.get("/v1/models/meta/llama-2-7b/freedoms", params={"format": "markdown"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert LLAMA in missing.json()["suggestions"]
    wrong = client.get(f"/v1/models/{LLAMA}/freedoms", params={"format": "pdf"})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == "application/problem+json"
