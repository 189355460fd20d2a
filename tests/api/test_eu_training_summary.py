"""The EU AI Act over HTTP (DESIGN.md §11.2, §11.3): the verdict in the assessment and the
training-content summary as JSON, Markdown and HTML, from real signed v1.1 statements."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.canonical import canonical_json
from tests.api.conftest import post_all
from tests.builders import Cast
from tests.eu_scenario import BASE, CARD_URI, TUNED, eu_documents

SECTIONS = [
    "1.1",
    "1.2",
    "1.3",
    "2.1",
    "2.2.1",
    "2.2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "3.1",
    "3.2",
    "3.3",
]


def _summary(client: TestClient, model: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/v1/models/{model}/eu-training-summary", params=params)
    assert response.status_code == 200, response.text
    assert response.content == canonical_json(response.json())
    document: dict[str, Any] = response.json()
    return document


def test_the_assessment_holds_the_exemption_verdict(client: TestClient, cast: Cast) -> None:
    post_all(client, eu_documents(cast))
    eu = client.get(f"/v1/models/{BASE}/freedoms").json()["frameworks"]["eu-ai-act"]
    assert eu["general_purpose"] is True  # 2e24 FLOP, generative text output
    assert eu["systemic_risk"]["status"] == "not-presumed"
    assert eu["open_source_exemption"] == {"status": "qualifies", "unmet": []}
    assert eu["obligations"] == ["53(1)(c)", "53(1)(d)", "53(3)"]
    assert eu["deadline"] == "2025-09-01"
    tuned = client.get(f"/v1/models/{TUNED}/freedoms").json()["frameworks"]["eu-ai-act"]
    assert tuned["systemic_risk"]["cumulative_flop"] == 2.001e24  # its base's compute counts


def test_the_summary_is_keyed_by_the_templates_sections(client: TestClient, cast: Cast) -> None:
    post_all(client, eu_documents(cast))
    summary = _summary(client, BASE)
    assert [k for k in summary if k[0].isdigit()] == SECTIONS
    assert summary["1.1"]["provider"]["value"] == "Acme AI Ltd"
    assert summary["1.1"]["authorised_representative"]["value"]["name"] == "Acme EU BV"
    (listed,) = summary["1.2"]["models"]["value"]
    assert listed == {
        "id": BASE,
        "name": "EU Base",
        "version": "1",
        "model_card": CARD_URI,
        "placed_at": "2025-09-01",
    }
    text = summary["1.3"]["modalities"]["value"]["text"]
    assert text["bucket"] == "1 billion to 10 trillion tokens"
    assert text["sizes"] == {"tokens": 2.001e12}
    assert summary["1.3"]["latest_collection"]["value"] == "2024-03"
    large = summary["2.1"]["large"]["value"]
    assert large == [{"name": "acme/eu/web-corpus", "uri": "https://data.example/web-corpus"}]
    assert "acme/eu/small-set" in summary["2.1"]["other"]["value"]  # 2e10 is under 3%
    domains = summary["2.3"]["domains"]["value"]
    assert domains["distinct"] == 100
    assert [d["domain"] for d in domains["listed"]] == [f"site{i:02d}.example" for i in range(10)]
    assert summary["2.3"]["crawlers"]["value"][0]["name"] == "AcmeBot"
    assert summary["2.5"]["used"]["value"] is True
    assert summary["2.2.1"]["used"]["value"] is False
    assert summary["3.1"]["signatory"]["value"] is True
    assert summary["completeness"]["missing"] == []
    assert summary["completeness"]["filled"] == summary["completeness"]["required"]
    assert all(
        summary[s][f]["evidence"] or summary[s][f]["value"] in (None, [], False, "")
        for s in SECTIONS
        for f in summary[s]
        if "missing" not in summary[s][f]
    )


def test_a_fine_tune_lists_its_base_and_reports_only_its_own_content(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, eu_documents(cast))
    summary = _summary(client, TUNED)
    dependency = summary["1.2"]["dependencies"]["value"]
    assert dependency == [
        {"model": BASE, "summary": f"http://testserver/v1/models/{BASE}/eu-training-summary"}
    ]
    assert summary["1.3"]["modalities"]["value"]["text"]["sizes"] == {"tokens": 5e8}
    assert summary["2.2.1"]["used"]["value"] is True
    assert summary["2.1"]["used"]["value"] is False
    assert summary["2.3"]["used"]["value"] is False
    assert "1.3.continuous_training" in summary["completeness"]["missing"]


def test_versions_follow_the_log_and_as_of_answers_an_earlier_version(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, eu_documents(cast))
    summary = _summary(client, BASE)
    assert summary["last_update"] is not None
    previous = summary["previous_versions"]
    assert previous
    assert [p["version"] for p in previous] == sorted(
        (p["version"] for p in previous), reverse=True
    )
    assert all(p["version"] < summary["version"] for p in previous)
    earlier = _summary(client, BASE, as_of=str(previous[0]["version"]))
    assert earlier["version"] == previous[0]["version"]
    assert _summary(client, BASE) == summary  # the same query gives the same bytes


def test_markdown_and_html_follow_the_templates_layout(client: TestClient, cast: Cast) -> None:
    post_all(client, eu_documents(cast))
    markdown = client.get(f"/v1/models/{BASE}/eu-training-summary", params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    text = markdown.text
    positions = [
        text.index(h)
        for h in (
            "## 1. General information",
            "### 2.3 Data crawled",
            "## 3. Data processing",
            "### 3.2 Removal of illegal",
        )
    ]
    assert positions == sorted(positions)
    assert "| Versioned model name(s)" in text
    page = client.get(f"/v1/models/{BASE}/eu-training-summary", params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert '<h3 id="s2.3">2.3 Data crawled and scraped from online sources</h3>' in page.text


def test_unknown_model_is_404_and_a_bad_format_is_422(client: TestClient, cast: Cast) -> None:
    post_all(client, eu_documents(cast))
    assert client.get("/v1/models/nobody/x@1/eu-training-summary").status_code == 404
    bad = client.get(f"/v1/models/{BASE}/eu-training-summary", params={"format": "pdf"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
