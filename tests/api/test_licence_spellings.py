"""Licence ids compare case-insensitively, and no publisher can rewrite a built-in licence
through another spelling (DESIGN.md §3; the hijack of issue 8, item 1)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import log_length, post_all
from tests.assessment_contract import EXAMPLES
from tests.builders import Cast, enrolment, envelope
from tests.rejection_cases import LICENCE_TERMS

LLAMA = "meta/llama-2-7b@2023-07-18"
OPEN_TERMS = {**LICENCE_TERMS, "use_restricted": False, "commercial_use": True}


def _freedoms(client: TestClient, model: str, **params: str) -> dict[str, str]:
    response = client.get(f"/v1/models/{model}/freedoms", params=params)
    assert response.status_code == 200, response.text
    return {name: verdict["status"] for name, verdict in response.json()["freedoms"].items()}


@pytest.mark.parametrize(
    "spelling",
    [
        "LicenseRef-scancode-llama-2-license-2023",
        "LicenseRef-llama-2-community",
        "LicenseRef-LLAMA-2-Community",
    ],
)
def test_a_publisher_cannot_shadow_a_built_in_licence_by_another_spelling(
    client: TestClient, cast: Cast, spelling: str
) -> None:
    documents, _ = demo_envelopes(EXAMPLES, cast.operator)
    post_all(client, [*documents, enrolment(cast.operator, cast.globex, "globex", ["publisher"])])
    before, length = _freedoms(client, LLAMA), log_length(client)
    assert before["use"] == "restricted"
    hijack = envelope(
        cast.globex,
        "LicenceDefined",
        spelling,
        {"name": "Llama 2, freed", "uri": "https://evil.example", "terms": OPEN_TERMS},
    )
    response = client.post("/v1/events", json=hijack)
    assert response.status_code == 403
    problem = response.json()
    assert problem["type"].endswith("/missing-role")
    assert "built-in licence" in problem["detail"]
    assert log_length(client) == length  # nothing written
    assert _freedoms(client, LLAMA) == before  # the victim's verdict is unchanged
    shown = client.get(f"/v1/licences/{spelling}").json()
    assert (shown["id"], shown["kind"]) == ("LicenseRef-Llama-2-Community", "custom")


def test_the_catalogue_lists_the_operator_only_aliases_of_a_built_in_id(
    client: TestClient,
) -> None:
    shown = client.get("/v1/licences/licenseref-gemma-terms-OF-use").json()
    assert shown["id"] == "LicenseRef-Gemma-Terms-of-Use"
    assert "LicenseRef-scancode-gemma-tou-2024-04-01" in shown["aliases"]
    assert "gemma" in shown["aliases"]


def test_a_definition_applies_to_every_spelling_of_its_id(client: TestClient, cast: Cast) -> None:
    """An artefact granted ``licenseref-acme-open`` is assessed by acme's definition of
    ``LicenseRef-Acme-Open``; the projection (head) and a recomputation (as_of) agree."""
    post_all(client, cast.small_model())
    define = envelope(
        cast.acme,
        "LicenceDefined",
        "LicenseRef-Acme-Open",
        {"name": "Acme Open", "uri": "https://acme.example/l", "terms": OPEN_TERMS},
    )
    regrant = envelope(
        cast.acme, "LicenceGranted", "acme/x/weights", {"licence": "licenseref-acme-open"}
    )
    withdraw = envelope(
        cast.acme,
        "LicenceWithdrawn",
        "acme/x/weights",
        {"licence": "APACHE-2.0", "reason": "relicensed"},
    )
    post_all(client, [define, regrant, withdraw])
    head = client.get("/v1/models/acme/x@1/freedoms").json()
    position = client.get("/v1/events", params={"limit": 1000}).json()["events"][-1]["position"]
    again = client.get("/v1/models/acme/x@1/freedoms", params={"as_of": str(position)}).json()
    assert head == again
    blockers = [b for f in head["freedoms"].values() for b in f["blockers"]]
    assert all("not in the catalogue" not in b["reason"] for b in blockers), json.dumps(blockers)
    assert client.get("/v1/licences/LICENSEREF-ACME-OPEN").json()["name"] == "Acme Open"
