"""The auditor pages as HTML: every page renders, values from events are escaped, unknown
models are a 404 page, and the verify form answers VALID / INVALID."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, MODELS, PHI_2
from tests.builders import Cast, artefact, envelope
from tests.eu_scenario import BASE, TUNED, eu_documents

SCRIPT = "<script>alert('x')</script>"


def _load(client: TestClient, cast: Cast) -> None:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])


def test_every_page_renders(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    index = client.get("/ui")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    for model in MODELS:
        page = client.get(f"/ui/models/{model}")
        assert page.status_code == 200, model
        assert '<html lang="en">' in page.text
        assert "Freedoms × artefacts" in page.text
    event_id = client.get("/v1/events", params={"limit": 1}).json()["events"][0]["event_id"]
    assert client.get(f"/ui/events/{event_id}").status_code == 200
    assert client.get("/ui/static/ui.css").status_code == 200


def test_values_from_events_are_escaped(client: TestClient, cast: Cast) -> None:
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
                    "name": SCRIPT,
                    "version": '"><img src=x onerror=alert(1)>',
                    "components": {"model-parameters": ["acme/evil/weights"]},
                },
            ),
            envelope(
                cast.auditor,
                "ClaimAsserted",
                "acme/evil/weights",
                {"claim": "licence-misattributed", "detail": SCRIPT},
            ),
        ],
    )
    for path in ("/ui", "/ui/models/acme/evil@1"):
        page = client.get(path).text
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page
        assert "<img src=x" not in page


def test_unknown_model_is_a_404_page(client: TestClient) -> None:
    page = client.get("/ui/models/nobody/nothing@1")
    assert page.status_code == 404
    assert 'role="alert"' in page.text


def test_the_verify_form(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    bundle = client.get(f"/v1/models/{PHI_2}/bundle").content
    valid = client.post("/ui/verify", files={"bundle": ("b.json", bundle, "application/json")})
    assert valid.status_code == 200
    assert "VALID" in valid.text
    truncated = client.post(
        "/ui/verify", files={"bundle": ("b.json", bundle[:200], "application/json")}
    )
    assert truncated.status_code == 422
    assert "INVALID" in truncated.text
    assert "not JSON" in truncated.text


def test_the_server_address_lands_on_the_pages(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/ui"


def test_the_eu_summary_page_links_evidence_and_says_what_is_missing(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, eu_documents(cast))
    model_page = client.get(f"/ui/models/{BASE}")
    assert f'href="/ui/eu-summary/{BASE}' in model_page.text
    assert 'data-eu-exemption="qualifies"' in model_page.text
    page = client.get(f"/ui/eu-summary/{TUNED}")
    assert page.status_code == 200
    assert '<h3 id="s2.2.1">2.2.1 Commercially licensed data' in page.text
    assert "Missing:</strong> record ModelVersionDescribed.continuous_training" in page.text
    assert 'class="evidence" href="/ui/events/' in page.text
    assert client.get("/ui/eu-summary/nobody/x@1").status_code == 404
