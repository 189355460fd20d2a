"""The assessment over HTTP: the §6 shape, as_of/at/policy, licences and policies."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from domain.canonical import canonical_json
from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, MODELS, PHI_2
from tests.builders import Cast

FREEDOMS = {"use", "study", "modify", "share"}


def _load(client: TestClient, cast: Cast) -> None:
    documents, _ = demo_envelopes(EXAMPLES, cast.operator)
    post_all(client, documents)


def test_freedoms_have_the_design_shape(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    for model in MODELS:
        response = client.get(f"/v1/models/{model}/freedoms")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        document: dict[str, Any] = response.json()
        assert response.content == canonical_json(document)  # deterministic bytes
        assert set(document) == {
            "model",
            "policy",
            "as_of",
            "at",
            "freedoms",
            "frameworks",
            "warnings",
        }
        assert document["model"] == model
        assert document["policy"] == "default"
        assert set(document["freedoms"]) == FREEDOMS
        for verdict in document["freedoms"].values():
            assert verdict["status"] in {
                "granted",
                "conditional",
                "restricted",
                "denied",
                "unknown",
            }
            assert set(verdict) == {"status", "conditions", "blockers", "artefacts"}
            for blocker in verdict["blockers"]:
                assert set(blocker) == {
                    "artefact",
                    "component",
                    "licence",
                    "reason",
                    "evidence",
                    "status",
                }
                assert blocker["evidence"]
            for row in verdict["artefacts"]:
                assert set(row) == {"artefact", "component", "status"}
        osaid = document["frameworks"]["osaid-1.0"]
        assert isinstance(osaid["conformant"], bool)
        mof = document["frameworks"]["mof"]
        assert mof["reading"] == "model-openness-tool"
        assert set(mof["unmet"]) == {"I", "II", "III"}


def test_policy_at_and_as_of_are_honoured(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    aside = client.get(f"/v1/models/{MODELS[0]}/freedoms", params={"policy": "hardware-aside"})
    assert aside.json()["policy"] == "hardware-aside"
    old = client.get(f"/v1/models/{PHI_2}/freedoms", params={"at": "2023-12-20T00:00:00Z"}).json()
    new = client.get(f"/v1/models/{PHI_2}/freedoms", params={"at": "2024-02-01T00:00:00Z"}).json()
    assert old["freedoms"]["use"]["status"] != new["freedoms"]["use"]["status"]
    assert new["at"] == "2024-02-01T00:00:00Z"
    position = new["as_of"]["position"]
    same = client.get(
        f"/v1/models/{PHI_2}/freedoms", params={"as_of": position, "at": "2024-02-01T00:00:00Z"}
    )
    assert same.json() == new


def test_refusals(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    missing = client.get("/v1/models/nobody/nothing@1/freedoms")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/not-found")
    for params in ({"policy": "lenient"}, {"at": "soon"}, {"as_of": "then"}):
        response = client.get(f"/v1/models/{PHI_2}/freedoms", params=params)
        assert response.status_code == 422, params
        assert response.json()["type"].endswith("/invalid-query")


def test_licence_catalogue_entries_and_aliases(client: TestClient) -> None:
    catalogue = client.get("/v1/licences").json()["licences"]
    ids = {entry["id"] for entry in catalogue}
    assert {"Apache-2.0", "NOASSERTION", "NONE", "LicenseRef-Llama-2-Community"} <= ids
    assert len(catalogue) > 700
    llama = client.get("/v1/licences/llama2").json()
    assert llama["id"] == "LicenseRef-Llama-2-Community"
    assert llama["terms"]["user_threshold"] == 700_000_000
    scancode = client.get("/v1/licences/LicenseRef-scancode-llama-2-license-2023").json()
    assert scancode["id"] == llama["id"]
    apache = client.get("/v1/licences/apache-2.0").json()
    assert (apache["id"], apache["osi_approved"]) == ("Apache-2.0", True)
    assert client.get("/v1/licences/LicenseRef-Nobody-Knows").status_code == 404


def test_a_defined_licence_appears_in_the_catalogue(client: TestClient, cast: Cast) -> None:
    from tests.builders import envelope
    from tests.rejection_cases import LICENCE_TERMS

    post_all(client, cast.enrolments())
    definition = envelope(
        cast.acme,
        "LicenceDefined",
        "LicenseRef-Acme-Open",
        {"name": "Acme Open", "uri": "https://acme.example/licence", "terms": LICENCE_TERMS},
    )
    post_all(client, [definition])
    entry = client.get("/v1/licences/LicenseRef-Acme-Open").json()
    assert entry["kind"] == "defined"
    assert entry["evidence"] == [client.get("/v1/events").json()["events"][-1]["event_id"]]


def test_policies_are_listed(client: TestClient) -> None:
    body = client.get("/v1/policies").json()
    assert body["default"] == "default"
    assert [p["name"] for p in body["policies"]] == ["default", "hardware-aside", "data-propagates"]
    assert all(p["description"] for p in body["policies"])


def test_answers_are_json_documents(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    body = client.get(f"/v1/models/{PHI_2}/freedoms").content
    assert json.loads(body)["model"] == PHI_2


def test_at_takes_a_bare_date(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    by_date = client.get(f"/v1/models/{PHI_2}/freedoms", params={"at": "2023-12-20"})
    by_time = client.get(f"/v1/models/{PHI_2}/freedoms", params={"at": "2023-12-20T00:00:00Z"})
    assert by_date.status_code == 200
    assert by_date.content == by_time.content
