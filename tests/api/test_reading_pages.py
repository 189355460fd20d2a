"""Reading an answer on the pages: evidence grouped by licence and reason, the MOF progress
view, a directed lineage with licences and no overlaps, signer names for keyids, dated "as of"
choices, and a verify result that names the model and reads the right way round."""

from __future__ import annotations

import base64
import html
import json
import re

from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES
from tests.builders import Cast, artefact, envelope

LLAMA = "meta/llama-2-7b@2023-07-18"
VICUNA = "lmsys/vicuna-7b@1.5"
OLMO = "allenai/olmo-7b@2024-02-01"
RECT = re.compile(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"')
STRAIGHT = re.compile(r'd="M(\d+),(\d+) L(\d+),(\d+)"')


def _load(client: TestClient, cast: Cast) -> None:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])


def test_each_reason_is_written_once_with_its_events(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    page = client.get(f"/ui/models/{LLAMA}").text
    assessment = client.get(f"/v1/models/{LLAMA}/freedoms").json()
    reasons = {
        (b["licence"], b["reason"]): b
        for f in ("use", "study", "modify", "share")
        for b in assessment["freedoms"][f]["blockers"]
    }
    for blocker in reasons.values():
        shown = f'<p class="reason-text">{html.escape(blocker["reason"])}</p>'
        assert page.count(shown) == 1, blocker["reason"]
    assert page.count("licensees above 700,000,000 monthly active users need a separate") == 1
    listed = re.findall(r'<li id="why-(\d+)"', page)
    assert [int(n) for n in listed] == list(range(1, len(reasons) + 1))
    for number in listed:
        assert f'href="#why-{number}"' in page  # a grid cell points at it
    evidence = {e for b in reasons.values() for e in b["evidence"]}
    assert all(f'href="/ui/events/{e}"' in page for e in evidence)


def test_the_mof_progress_view(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    page = client.get(f"/ui/models/{LLAMA}").text
    tables = re.findall(r'<table class="grid mof" data-mof-class="(I*)">(.*?)</table>', page, re.S)
    assert [grade for grade, _ in tables] == ["III", "II", "I", ""]
    rows = [r for _, body in tables for r in re.findall(r'<th scope="row">', body)]
    assert len(rows) == 16
    assert "16 components" in page
    assert "To reach class III, release:" in page
    assert "LicenseRef-Llama-2-Community" in tables[0][1]  # the licence of each component
    assert "✗ not under an open licence" in tables[0][1]
    olmo = client.get(f"/ui/models/{OLMO}").text
    assert 'id="mof-class">I<' in olmo
    assert "To reach class" not in olmo  # class I is the top
    assert olmo.count('<span class="mof-ok">✓ counts</span>') == 14


def test_the_lineage_is_directed_labelled_and_without_overlaps(
    client: TestClient, cast: Cast
) -> None:
    _load(client, cast)
    page = client.get(f"/ui/models/{VICUNA}").text
    svg = page[page.index('<svg class="lineage"') : page.index("</svg>")]
    assert 'marker-end="url(#arrow)"' in svg
    for node in (VICUNA, LLAMA, "meta/llama-2-7b/weights", "lmsys/sharegpt-conversations"):
        assert f">{node}</text>" in svg  # in full, never cut
    assert "LicenseRef-Llama-2-Community</text>" in svg  # licences on the nodes
    boxes = [tuple(map(int, m)) for m in RECT.findall(svg)]
    assert len(boxes) >= 7
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "boxes overlap"
    for x1, _, x2, _ in (tuple(map(int, m)) for m in STRAIGHT.findall(svg)):
        for x, _, w, _ in boxes:
            assert not (x1 < x + w / 2 < x2), "an edge runs behind a box"


def test_signer_names_wherever_a_keyid_appears(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    page = client.get(f"/ui/models/{LLAMA}").text
    assert "Meta (meta)" in page  # the timeline's "signed by" and the enrolment's subject
    assert "operator (configured)" in page
    events = client.get("/v1/events", params={"limit": 1}).json()["events"]
    enrolment = client.get(f"/ui/events/{events[0]['event_id']}").text
    statement = json.loads(base64.b64decode(events[0]["envelope"]["payload"]))
    assert f"{statement['data']['name']} ({statement['data']['organisation']})" in enrolment
    assert "operator (configured) — keyid" in enrolment


def test_as_of_choices_are_dated(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    page = client.get(f"/ui/models/{LLAMA}").text
    select = page[page.index('<select id="as-of"') : page.index("</select>")]
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', select)
    assert options
    for position, label in options:
        assert re.match(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d UTC · position {position} · \w+", label)


def test_the_verify_result_names_the_model_and_reads_the_right_way_round(
    client: TestClient, cast: Cast
) -> None:
    _load(client, cast)
    bundle = client.get(f"/v1/models/{OLMO}/bundle").json()
    valid = client.post(
        "/ui/verify", files={"bundle": ("b.json", json.dumps(bundle), "application/json")}
    ).text
    assert f"these verdicts for <code>{OLMO}</code> are proven" in valid
    assert f'<a href="/ui/models/{OLMO}">{OLMO}</a>' in valid
    assert 'status-granted">granted' in valid
    bundle["assessment"]["freedoms"]["use"]["status"] = "denied"
    tampered = client.post(
        "/ui/verify", files={"bundle": ("b.json", json.dumps(bundle), "application/json")}
    )
    assert tampered.status_code == 422
    text = tampered.text.replace("&#39;", "'")
    assert f"the verdicts it claims for <code>{OLMO}</code> are not proven" in text
    assert 'status-denied">denied' in text  # what it claims, shown as claimed
    assert "the bundle has 'denied', a recomputation gives 'granted'" in text
    assert "the signed attestation has 'granted', the bundle's assessment has 'denied'" in text


def _fine_tune(cast: Cast, name: str, base: str) -> list[dict[str, object]]:
    """A fine-tune of ``base`` by acme: weights, a dataset, a run that starts from the base."""
    acme = cast.acme
    base_weights = f"{base.split('@')[0]}/weights" if base.startswith("acme/") else None
    run: dict[str, object] = {
        "code": [],
        "datasets": [f"acme/{name}/data"],
        "hardware": [],
        "produced": [f"acme/{name}/weights"],
    }
    if base_weights:
        run["base_parameters"] = base_weights
    return [
        artefact(acme, f"acme/{name}/weights", "parameters", "model-parameters"),
        envelope(acme, "LicenceGranted", f"acme/{name}/weights", {"licence": "Apache-2.0"}),
        artefact(acme, f"acme/{name}/data", "dataset", "datasets"),
        envelope(acme, "TrainingRunRecorded", f"acme/{name}/run", run),
        envelope(
            acme,
            "ModelVersionReleased",
            f"acme/{name}@1",
            {
                "name": name,
                "version": "1",
                "components": {"model-parameters": [f"acme/{name}/weights"]},
                "training_runs": [f"acme/{name}/run"],
                "base_model": base,
            },
        ),
    ]


def test_the_lineage_of_a_fine_tune_of_a_fine_tune(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    post_all(client, cast.enrolments())
    post_all(client, _fine_tune(cast, "tune-1", VICUNA))
    post_all(client, _fine_tune(cast, "tune-2", "acme/tune-1@1"))
    page = client.get("/ui/models/acme/tune-2@1")
    assert page.status_code == 200
    svg = page.text[page.text.index('<svg class="lineage"') : page.text.index("</svg>")]
    for model in ("acme/tune-2@1", "acme/tune-1@1", VICUNA, LLAMA):
        assert f">{model}</text>" in svg
    assert "Apache-2.0</text>" in svg
    boxes = [tuple(map(int, m)) for m in RECT.findall(svg)]
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "boxes overlap"
    for x1, _, x2, _ in (tuple(map(int, m)) for m in STRAIGHT.findall(svg)):
        for x, _, w, _ in boxes:
            assert not (x1 < x + w / 2 < x2), "an edge runs behind a box"
    assert 'class="lineage-box"' in page.text  # a deep graph scrolls in its box, not the page
