"""What changed: ``/v1/models/{id}/changes`` and the model page's "changes since" section,
on phi-2's relicensing from the Microsoft Research Licence to MIT."""

from __future__ import annotations

import base64
import json

from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, PHI_2
from tests.builders import Cast


def _release_position(client: TestClient) -> int:
    first = client.get(f"/v1/subjects/{PHI_2}").json()["events"][0]
    return int(client.get(f"/v1/events/{first}").json()["position"])


def _load(client: TestClient, cast: Cast) -> int:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])
    return _release_position(client)


def test_phi_2s_relicensing_turns_use_from_restricted_to_granted(
    client: TestClient, cast: Cast
) -> None:
    released = _load(client, cast)
    head = client.get(f"/v1/models/{PHI_2}/freedoms").json()["as_of"]["position"]
    answer = client.get(f"/v1/models/{PHI_2}/changes", params={"from": released}).json()
    assert (answer["model"], answer["from"], answer["to"]) == (PHI_2, released, head)
    assert (answer["at"], answer["policy"]) == (None, "default")
    by_path = {c["path"]: c for c in answer["changes"]}
    assert by_path["/freedoms/use/status"] == {
        "path": "/freedoms/use/status",
        "old": "restricted",
        "new": "granted",
    }
    assert [c["path"] for c in answer["changes"]] == sorted(by_path)
    assert not any(p.startswith("/as_of") for p in by_path)
    before = client.get(f"/v1/models/{PHI_2}/freedoms", params={"as_of": released}).json()
    assert by_path["/freedoms/use/blockers"]["old"] == before["freedoms"]["use"]["blockers"]
    assert by_path["/freedoms/use/blockers"]["new"] == []
    grants = [e for e in answer["events"] if e["type"] == "LicenceGranted"]
    assert {e["subject"] for e in grants} >= {"microsoft/phi-2/weights"}
    for event in answer["events"]:
        assert released < event["position"] <= head
        recorded = client.get(f"/v1/events/{event['event_id']}").json()
        statement = json.loads(base64.b64decode(recorded["envelope"]["payload"]))
        assert (statement["type"], statement["subject"]) == (event["type"], event["subject"])
    mit = [
        e
        for e in grants
        if json.loads(
            base64.b64decode(
                client.get(f"/v1/events/{e['event_id']}").json()["envelope"]["payload"]
            )
        )["data"]["licence"]
        == "MIT"
    ]
    assert mit, "the MIT grants that did it are listed"


def test_nothing_changed_and_from_the_start(client: TestClient, cast: Cast) -> None:
    released = _load(client, cast)
    head = client.get(f"/v1/models/{PHI_2}/freedoms").json()["as_of"]["position"]
    same = client.get(f"/v1/models/{PHI_2}/changes", params={"from": head, "to": head}).json()
    assert same["changes"] == []
    assert same["events"] == []
    whole = client.get(f"/v1/models/{PHI_2}/changes").json()
    assert whole["from"] == 0
    assert all(c["old"] is None for c in whole["changes"])
    assert {"path": "/freedoms/use/status", "old": None, "new": "granted"} in whole["changes"]
    at_release = client.get(
        f"/v1/models/{PHI_2}/changes", params={"from": 0, "to": released}
    ).json()
    status = next(c for c in at_release["changes"] if c["path"] == "/freedoms/use/status")
    assert status["new"] == "restricted"


def test_bad_ranges_and_unknown_models_are_problems(client: TestClient, cast: Cast) -> None:
    released = _load(client, cast)
    backwards = client.get(
        f"/v1/models/{PHI_2}/changes", params={"from": released, "to": released - 1}
    )
    assert backwards.status_code == 422
    assert backwards.headers["content-type"] == "application/problem+json"
    for bad in ({"from": -1}, {"to": "x"}, {"policy": "nope"}, {"at": "yesterday"}):
        assert client.get(f"/v1/models/{PHI_2}/changes", params=bad).status_code == 422, bad
    unknown = client.get("/v1/models/microsoft/phi-2/changes")
    assert unknown.status_code == 404
    assert PHI_2 in unknown.json()["suggestions"]
    before_release = client.get(f"/v1/models/{PHI_2}/changes", params={"to": released - 1})
    assert before_release.status_code == 404


def test_the_model_page_shows_what_changed_since(client: TestClient, cast: Cast) -> None:
    released = _load(client, cast)
    page = client.get(f"/ui/models/{PHI_2}", params={"since": released})
    assert page.status_code == 200
    section = page.text[page.text.index('id="changes"') :]
    section = section[: section.index("</section>")]
    assert f"from position {released} to" in section
    assert "<strong>use</strong>" in section
    assert 'status-restricted">restricted</span></span> → <span class="new">' in section
    assert 'status-granted">granted' in section
    answer = client.get(f"/v1/models/{PHI_2}/changes", params={"from": released}).json()
    for event in answer["events"]:
        assert f'href="/ui/events/{event["event_id"]}"' in section
    without = client.get(f"/ui/models/{PHI_2}").text
    assert 'id="changes"' not in without
    assert client.get(f"/ui/models/{PHI_2}", params={"since": "soon"}).status_code == 422
