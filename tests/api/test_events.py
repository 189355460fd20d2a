"""Recording and reading through HTTP: status codes, shapes, paging, subjects and as_of."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.api.conftest import log_length, post_all
from tests.builders import Cast, artefact, envelope


def test_post_records_then_a_repeat_answers_200_with_the_original(
    client: TestClient, cast: Cast
) -> None:
    enrol = cast.enrolments()[0]
    created = client.post("/v1/events", json=enrol)
    assert created.status_code == 201
    body = created.json()
    assert set(body) >= {"event_id", "position", "recorded_at"}
    assert body["recorded_at"].endswith("Z")
    repeat = client.post("/v1/events", json=enrol)
    assert repeat.status_code == 200
    assert repeat.json() == body
    assert log_length(client) == 1


def test_batch_answers_one_record_per_envelope_in_order(client: TestClient, cast: Cast) -> None:
    documents = cast.small_model()
    response = client.post("/v1/events:batch", json={"envelopes": documents})
    assert response.status_code == 201
    events = response.json()["events"]
    assert len(events) == len(documents)
    assert [e["leaf_index"] for e in events] == list(range(len(documents)))
    positions = [e["position"] for e in events]
    assert positions == sorted(set(positions))


def test_events_page_shape_and_next(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.small_model())
    page = client.get("/v1/events", params={"limit": 2}).json()
    assert len(page["events"]) == 2
    item = page["events"][0]
    assert set(item) == {"position", "leaf_index", "event_id", "recorded_at", "envelope"}
    assert item["leaf_index"] == 0
    assert set(item["envelope"]) == {"payloadType", "payload", "signatures"}
    assert page["next"] == page["events"][-1]["position"]
    rest = client.get("/v1/events", params={"after": page["next"], "limit": 1000}).json()
    assert rest["next"] is None
    assert rest["events"][0]["leaf_index"] == 2


def test_one_event_by_id_and_unknown_ids(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.enrolments())
    first = client.get("/v1/events", params={"limit": 1}).json()["events"][0]
    assert client.get(f"/v1/events/{first['event_id']}").json() == first
    missing = client.get("/v1/events/" + "0" * 64)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_subjects_with_slashes_plain_or_percent_encoded(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.small_model())
    plain = client.get("/v1/subjects/acme/x/weights")
    assert plain.status_code == 200
    assert plain.json()["kind"] == "artefact"
    assert plain.json()["owner"] == "acme"
    encoded = client.get("/v1/subjects/" + quote("acme/x/weights", safe=""))
    assert encoded.json() == plain.json()
    assert client.get("/v1/subjects/acme/nothing").status_code == 404


def test_subject_as_of_position_and_time(client: TestClient, cast: Cast) -> None:
    post_all(client, cast.small_model())
    before = client.get("/v1/subjects/acme/x/weights").json()
    grant = client.post(
        "/v1/events",
        json=envelope(cast.acme, "LicenceGranted", "acme/x/weights", {"licence": "MIT"}),
    ).json()
    now = client.get("/v1/subjects/acme/x/weights").json()
    assert len(now["state"]["licences"]) == 2
    then = client.get("/v1/subjects/acme/x/weights", params={"as_of": grant["position"] - 1}).json()
    assert then == before
    at_time = client.get("/v1/subjects/acme/x/weights", params={"as_of": grant["recorded_at"]})
    assert at_time.json() == now
    bad = client.get("/v1/subjects/acme/x/weights", params={"as_of": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["type"].endswith("/invalid-query")


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    assert client.get("/v2/nothing").headers["content-type"] == "application/problem+json"
    wrong = client.delete("/v1/events")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"


def test_health_readiness_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/events", "/v1/events:batch", "/v1/subjects/{subject_id}"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_a_fine_tune_of_another_organisations_model_is_allowed(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, cast.small_model())
    documents = [
        artefact(cast.globex, "globex/ft/weights", "parameters", "model-parameters"),
        envelope(
            cast.globex,
            "ModelVersionReleased",
            "globex/ft@1",
            {
                "name": "FT",
                "version": "1",
                "components": {"model-parameters": ["globex/ft/weights"]},
                "base_model": "acme/x@1",
            },
        ),
    ]
    post_all(client, documents)
    assert client.get("/v1/subjects/globex/ft@1").json()["state"]["base_model"] == "acme/x@1"


def test_a_configured_operator_key_is_a_subject_no_event_revokes(
    client: TestClient, cast: Cast
) -> None:
    from tests.builders import keyid

    operator = keyid(cast.operator)
    before = client.get(f"/v1/subjects/{operator}").json()
    assert before["kind"] == "signer"
    assert before["state"]["configured"] is True
    assert before["events"] == []
    revocation = envelope(cast.operator, "SignerRevoked", operator, {"reason": "rotated"})
    refused = client.post("/v1/events", json=revocation)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/configured-key")
    assert client.get(f"/v1/subjects/{operator}").json() == before
