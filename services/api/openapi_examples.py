"""Writes ``openapi_examples.json``: one real request and answer for every operation of the
API, captured from a server holding the demo ledger (lists cut to their first items).

Run ``python -m services.api.openapi_examples`` after changing a response's shape; the
description (``services.api.openapi``) attaches the examples to the operations.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
_KEPT_ITEMS = 2
_PHI_2 = "microsoft/phi-2@2023-12-12"


def _trimmed(value: Any) -> Any:
    """``value`` with every list cut to its first items (the examples show shapes)."""
    if isinstance(value, list):
        return [_trimmed(v) for v in value[:_KEPT_ITEMS]]
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items()}
    return value


def capture() -> dict[str, Any]:  # pragma: no cover - a generator run by hand
    """Every operation's example: ``{"METHOD path": {"request"?, "response", "status"}}``."""
    from fastapi.testclient import TestClient

    from infra.persistence import persistence_env
    from services.api.app import create_app
    from services.demo.examples import demo_envelopes, examples_directory, load_examples
    from services.ledger_services import open_ledger

    operator = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory() as directory:
        services = open_ledger(
            persistence_env(f"sqlite:///{directory}/ledger.db"),
            [operator.public_key()],
            "example.org/provenance-ledger",
            Ed25519PrivateKey.generate(),
        )
        documents, _ = demo_envelopes(load_examples(examples_directory()), operator)
        with TestClient(create_app(services), base_url="http://127.0.0.1:8000") as client:
            return _examples(client, documents)


def _examples(client: Any, documents: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def take(method: str, path: str, url: str, body: Any = None, **params: Any) -> Any:
        response = client.request(method, url, json=body, params=params or None)
        assert response.status_code < 300, (url, response.text)
        text = response.headers["content-type"].startswith(("text/", "application/problem"))
        answer = response.text if text else response.json()
        entry: dict[str, Any] = {"status": response.status_code, "response": _trimmed(answer)}
        if body is not None:
            entry["request"] = _trimmed(body)
        found[f"{method} {path}"] = entry
        return answer

    take("POST", "/v1/events:batch", "/v1/events:batch", {"envelopes": documents[:-1]})
    take("POST", "/v1/events", "/v1/events", documents[-1])
    found["POST /v1/events:batch"]["request"] = {"envelopes": documents[:2]}
    page = take("GET", "/v1/events", "/v1/events", after=0, limit=2)
    event_id = page["events"][0]["event_id"]
    take("GET", "/v1/events/{event_id}", f"/v1/events/{event_id[:12]}")
    subject = take("GET", "/v1/subjects/{subject_id}", f"/v1/subjects/{_PHI_2}")
    released = client.get(f"/v1/events/{subject['events'][0]}").json()["position"]
    take("GET", "/v1/models", "/v1/models", q="llama", limit=2)
    take(
        "GET", "/v1/models/{model_id}/changes", f"/v1/models/{_PHI_2}/changes", **{"from": released}
    )
    take("GET", "/v1/models/{model_id}/freedoms", f"/v1/models/{_PHI_2}/freedoms")
    markdown = client.get(f"/v1/models/{_PHI_2}/freedoms", params={"format": "markdown"}).text
    found["GET /v1/models/{model_id}/freedoms"]["markdown"] = markdown
    summary = f"/v1/models/{_PHI_2}/eu-training-summary"
    take("GET", "/v1/models/{model_id}/eu-training-summary", summary)
    found["GET /v1/models/{model_id}/eu-training-summary"]["markdown"] = client.get(
        summary, params={"format": "markdown"}
    ).text
    take("GET", "/v1/licences", "/v1/licences")
    take("GET", "/v1/licences/{licence_id}", "/v1/licences/MIT")
    take("GET", "/v1/policies", "/v1/policies")
    bundle = take("GET", "/v1/models/{model_id}/bundle", f"/v1/models/{_PHI_2}/bundle")
    take("POST", "/v1/bundles:verify", "/v1/bundles:verify", bundle)
    take(
        "GET",
        "/v1/models/{model_id}/sbom",
        f"/v1/models/{_PHI_2}/sbom",
        format="cyclonedx-1.6",
    )
    take("GET", "/v1/log/checkpoint", "/v1/log/checkpoint")
    take("GET", "/tlog/checkpoint", "/tlog/checkpoint")
    take("GET", "/v1/log/proofs/inclusion", "/v1/log/proofs/inclusion", index=3, tree_size=8)
    take("GET", "/v1/log/proofs/consistency", "/v1/log/proofs/consistency", **{"from": 4, "to": 8})
    take("GET", "/v1/log/entries", "/v1/log/entries", start=0, end=1)
    take("GET", "/v1/log/keys", "/v1/log/keys")
    take("GET", "/healthz", "/healthz")
    take("GET", "/readyz", "/readyz")
    return found


def main() -> int:  # pragma: no cover - a generator run by hand
    examples = capture()
    EXAMPLES_FILE.write_text(json.dumps(examples, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {len(examples)} operations' examples to {EXAMPLES_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
