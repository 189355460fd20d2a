"""Finding things through the API and the pages: the model list with verdicts and paging,
"did you mean" on an unknown model id, and event ids named by a unique prefix."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient

from services.demo.examples import demo_envelopes
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, MODELS
from tests.builders import Cast, envelope

LLAMA = "meta/llama-2-7b@2023-07-18"
LLAMA_405B = "meta/llama-3.1-405b@2024-07-23"
LLAMA_8B = "meta/llama-3.1-8b@2024-07-23"
# Two nonces whose LicenceGranted statements on acme/x/weights (MIT, the builders' default
# times) have event ids sharing their first 12 hex digits (found by a brute-force search).
COLLIDING_NONCES = ("n001fb5f1", "n00c353fa")
SHARED_PREFIX = "1e3a9a2cc4ac"


def _load(client: TestClient, cast: Cast) -> None:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])


def test_the_model_list_names_every_model_with_its_verdicts(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    listed = client.get("/v1/models").json()
    assert [m["id"] for m in listed["models"]] == sorted(set(MODELS))
    assert listed["next"] is None
    llama = next(m for m in listed["models"] if m["id"] == LLAMA)
    freedoms = client.get(f"/v1/models/{LLAMA}/freedoms").json()
    assert llama["verdicts"] == {
        **{f: freedoms["freedoms"][f]["status"] for f in ("use", "study", "modify", "share")},
        "osaid": freedoms["frameworks"]["osaid-1.0"]["conformant"],
        "mof": freedoms["frameworks"]["mof"]["class"],
    }
    assert llama["name"] == "Llama 2 7B"
    assert llama["version"]
    assert llama["owner"] == client.get(f"/v1/subjects/{LLAMA}").json()["owner"]


def test_the_model_list_is_searched_and_paged(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    found = client.get("/v1/models", params={"q": "LLAMA"}).json()["models"]
    assert [m["id"] for m in found] == [LLAMA, LLAMA_405B, LLAMA_8B]
    found = client.get("/v1/models", params={"q": "lLaMa-2"}).json()["models"]
    assert [m["id"] for m in found] == [LLAMA]
    assert client.get("/v1/models", params={"q": "no such thing"}).json() == {
        "models": [],
        "next": None,
    }
    seen, after = [], ""
    while True:
        page = client.get("/v1/models", params={"after": after, "limit": 2}).json()
        assert len(page["models"]) <= 2
        seen += [m["id"] for m in page["models"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == sorted(set(MODELS))
    for bad in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}):
        refused = client.get("/v1/models", params=bad)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"


def test_an_unknown_model_id_suggests_the_recorded_ones(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    for path in ("freedoms", "bundle"):
        response = client.get(f"/v1/models/meta/llama-2-7b/{path}")
        assert response.status_code == 404
        problem = response.json()
        assert problem["suggestions"][0] == LLAMA
        assert f"did you mean '{LLAMA}'" in problem["detail"]
    nothing = client.get("/v1/models/zzzz/qqqq@9/freedoms").json()
    assert nothing["suggestions"] == []
    assert "did you mean" not in nothing["detail"]
    page = client.get("/ui/models/meta/llama-2-7b")
    assert page.status_code == 404
    assert f'href="/ui/models/{LLAMA}"' in page.text


def test_a_unique_prefix_of_twelve_hex_digits_names_an_event(
    client: TestClient, cast: Cast
) -> None:
    _load(client, cast)
    event = client.get("/v1/events", params={"limit": 1}).json()["events"][0]
    full = event["event_id"]
    for name in (full[:12], full[:30], full.upper()[:20], full):
        assert client.get(f"/v1/events/{name}").json() == event, name
        page = client.get(f"/ui/events/{name}")
        assert page.status_code == 200
        assert full in page.text
    for short in (full[:11], "xyz", "0" * 64):
        refused = client.get(f"/v1/events/{short}")
        assert refused.status_code == 404
        assert refused.headers["content-type"] == "application/problem+json"


def test_an_ambiguous_prefix_is_a_conflict_listing_the_matches(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, cast.small_model())
    grants = [
        envelope(cast.acme, "LicenceGranted", "acme/x/weights", {"licence": "MIT"}, nonce=n)
        for n in COLLIDING_NONCES
    ]
    post_all(client, grants)
    ids = sorted(hashlib.sha256(base64.b64decode(g["payload"])).hexdigest() for g in grants)
    assert ids[0][:12] == ids[1][:12] == SHARED_PREFIX
    ambiguous = client.get(f"/v1/events/{SHARED_PREFIX}")
    assert ambiguous.status_code == 409
    assert ambiguous.headers["content-type"] == "application/problem+json"
    assert ambiguous.json()["matches"] == ids
    assert all(i in ambiguous.json()["detail"] for i in ids)
    page = client.get(f"/ui/events/{SHARED_PREFIX}")
    assert page.status_code == 409
    assert all(f'href="/ui/events/{i}"' in page.text for i in ids)
    distinct = next(n for n in range(13, 65) if ids[0][:n] != ids[1][:n])
    assert client.get(f"/v1/events/{ids[1][:distinct]}").json()["event_id"] == ids[1]


def test_the_index_page_searches_and_pages(client: TestClient, cast: Cast) -> None:
    _load(client, cast)
    found = client.get("/ui", params={"q": "phi"}).text
    assert "microsoft/phi-2@2023-12-12" in found
    assert LLAMA not in found
    assert 'value="phi"' in found
    empty = client.get("/ui", params={"q": "no such model"}).text
    assert "No model version" in empty


def test_a_wrong_method_says_which_are_allowed(client: TestClient) -> None:
    for method, path, allowed in (
        ("PUT", "/v1/models", {"GET"}),
        ("DELETE", "/v1/events", {"GET", "POST"}),
        ("GET", "/v1/bundles:verify", {"POST"}),
    ):
        response = client.request(method, path)
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
        assert set(response.headers["allow"].replace(" ", "").split(",")) >= allowed
